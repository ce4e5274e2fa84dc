"""The Nexudus REST client: one per request, using the signed-in person's token on a shared pooled session.

The public methods are thin verbs over five generic calls (search, get, batch, write, delete); what each
entity looks like on the wire is in wire.py, the transport in http.py, status -> exception in answers.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

import requests
from django.conf import settings

from .answers import raise_for_response
from .errors import NexudusMalformedResponse
from .http import send
from .queries import (
    BusinessQuery,
    CoworkerQuery,
    InvoiceQuery,
    LedgerEntryDraft,
    LedgerEntryQuery,
    PaymentTokenDraft,
    PaymentTokenQuery,
    SearchQuery,
)
from .records import Business, Coworker, Invoice, LedgerEntry, Page, PaymentToken, WriteResult
from .wire import (
    BUSINESSES,
    COWORKERS,
    INVOICES,
    LEDGER_ENTRIES,
    PAYMENT_TOKENS,
    Resource,
    descending_value,
    ledger_entry_body,
    payment_token_body,
    search_params,
    write_result,
)

R = TypeVar("R")


class TokenProvider(Protocol):
    """Supplies a person's access token. Implemented by dashboard.accounts (tokens stored encrypted)."""

    def access_token(self) -> str:
        """A token believed valid now (refreshed first when it is about to expire)."""

    def refresh(self, rejected_token: str) -> str:
        """Called when Nexudus answered 401 to `rejected_token`. Returns a fresh token (refreshing at most
        once even when several requests of the same person get 401 together; if another request already
        refreshed, returns that newer token). Raises NexudusAuthExpired when the session cannot go on."""


class NexudusClient:
    def __init__(self, *, tokens: TokenProvider, base_url: str | None = None,
                 request_id: str | None = None, pace: Callable[[str], None] | None = None) -> None:
        """`pace("read" | "write")` is called before every request: the web layer injects the person's
        request budget shared by all instances, so that together they stay within Nexudus's limits. It
        may wait, or raise NexudusRateLimited; the client itself knows nothing of where budgets live."""
        self._tokens = tokens
        self._base_url = base_url
        self._request_id = request_id
        self._pace = pace
        # Records whole in this request's create answers, by (path, Id): a get-one of a record just
        # created reads it from there instead of asking again. The client lives for one request only.
        self._created: dict[tuple[str, int], Any] = {}

    def prepare(self) -> None:
        """Have the access token at hand now, on this thread (read, or refreshed if it is about to expire).

        Call before fanning calls out to other threads: the token provider (which reads our database) then
        does its work once on the request's thread, and the calls on pool threads reuse it. Sends nothing
        to Nexudus unless a refresh is due, which the first call would have made anyway."""
        self._tokens.access_token()

    # payment tokens
    def search_payment_tokens(self, query: PaymentTokenQuery) -> Page[PaymentToken]:
        return self._search(PAYMENT_TOKENS, query)

    def get_payment_token(self, token_id: int) -> PaymentToken:
        return self._get(PAYMENT_TOKENS, token_id)

    def get_payment_tokens(self, ids: list[int]) -> list[PaymentToken]:
        return self._batch(PAYMENT_TOKENS, ids)

    def create_payment_token(self, draft: PaymentTokenDraft) -> WriteResult:
        return self._write(PAYMENT_TOKENS, "POST", payment_token_body(draft), secrets=(draft.token,))

    def update_payment_token(self, token_id: int, draft: PaymentTokenDraft) -> WriteResult:
        body = {"Id": token_id, **payment_token_body(draft)}
        return self._write(PAYMENT_TOKENS, "PUT", body, token_id, secrets=(draft.token,))

    def delete_payment_token(self, token_id: int) -> WriteResult:
        return self._delete(PAYMENT_TOKENS, token_id)

    # ledger entries
    def search_ledger_entries(self, query: LedgerEntryQuery) -> Page[LedgerEntry]:
        return self._search(LEDGER_ENTRIES, query)

    def get_ledger_entry(self, entry_id: int) -> LedgerEntry:
        return self._get(LEDGER_ENTRIES, entry_id)

    def get_ledger_entries(self, ids: list[int]) -> list[LedgerEntry]:
        return self._batch(LEDGER_ENTRIES, ids)

    def create_ledger_entry(self, draft: LedgerEntryDraft) -> WriteResult:
        return self._write(LEDGER_ENTRIES, "POST", ledger_entry_body(draft))

    def update_ledger_entry(self, entry_id: int, draft: LedgerEntryDraft) -> WriteResult:
        return self._write(LEDGER_ENTRIES, "PUT", {"Id": entry_id, **ledger_entry_body(draft)}, entry_id)

    def delete_ledger_entry(self, entry_id: int) -> WriteResult:
        return self._delete(LEDGER_ENTRIES, entry_id)

    # related records (read-only)
    def search_invoices(self, query: InvoiceQuery) -> Page[Invoice]:
        return self._search(INVOICES, query)

    def get_invoice(self, invoice_id: int) -> Invoice:
        return self._get(INVOICES, invoice_id)

    def search_coworkers(self, query: CoworkerQuery) -> Page[Coworker]:
        return self._search(COWORKERS, query)

    def get_coworker(self, coworker_id: int) -> Coworker:
        return self._get(COWORKERS, coworker_id)

    def search_businesses(self, query: BusinessQuery) -> Page[Business]:
        return self._search(BUSINESSES, query)

    def get_business(self, business_id: int) -> Business:
        return self._get(BUSINESSES, business_id)

    # --- generic calls ----------------------------------------------------------------------------

    def _search(self, resource: Resource[R], query: SearchQuery) -> Page[R]:
        ascending = settings.NEXUDUS_SORT_DIR_ASCENDING
        # Before any call: a bad sort field is our bug.
        params = search_params(resource, query, ascending_value=ascending)
        data = self._call("GET", resource.path, role=f"{resource.entity}-List", params=params)
        return Page.from_api(data, resource.parse, descending_value=descending_value(ascending))

    def _get(self, resource: Resource[R], record_id: int) -> R:
        created = self._created.get((resource.path, int(record_id)))
        if created is not None:
            return created  # type: ignore[no-any-return]  # stored by _create from this same resource
        data = self._call("GET", f"{resource.path}/{int(record_id)}", role=f"{resource.entity}-Read")
        return resource.parse(data)

    def _batch(self, resource: Resource[R], ids: list[int]) -> list[R]:
        if not ids:
            return []
        # The documented form is `<path>/?id=[1,2,3]`, trailing slash and brackets included.
        id_list = "[" + ",".join(str(int(i)) for i in ids) + "]"
        data = self._call("GET", f"{resource.path}/", role=f"{resource.entity}-Read", params={"id": id_list})
        if not isinstance(data, list):
            raise NexudusMalformedResponse("A batch answer came back without its list of records.")
        return [resource.parse(item) for item in data]

    def _write(self, resource: Resource[Any], method: str, body: Mapping[str, object],
               record_id: int | None = None, secrets: tuple[str | None, ...] = ()) -> WriteResult:
        """`secrets`: values the answer's message may echo (a payment token names itself by its token)."""
        action = "Create" if method == "POST" else "Edit"
        data = self._call(method, resource.path, role=f"{resource.entity}-{action}", body=body)
        result = write_result(data, known_id=record_id, parse_record=resource.parse if method == "POST" else None,
                              secrets=secrets)
        if result.record is not None and result.id is not None:
            self._created[(resource.path, result.id)] = result.record
        return result

    def _delete(self, resource: Resource[Any], record_id: int) -> WriteResult:
        path = f"{resource.path}/{int(record_id)}"
        data = self._call("DELETE", path, role=f"{resource.entity}-Delete")
        return write_result(data, known_id=record_id)

    def _call(self, method: str, path: str, *, role: str, params: Mapping[str, str] | None = None,
              body: Mapping[str, object] | None = None) -> Any:
        """One action, including the single resend after a 401 with a refreshed token.

        Resending a write here is safe: a 401 means Nexudus processed nothing. A second 401 means the
        fresh token is fine but lacks the role, which answers.py reports as NexudusPermissionDenied.
        """
        url = (self._base_url or settings.NEXUDUS_API_URL).rstrip("/") + path
        token = self._tokens.access_token()
        response = self._send(method, url, token, params, body)
        if response.status_code == 401:
            token = self._tokens.refresh(token)
            response = self._send(method, url, token, params, body)
        return raise_for_response(response, role=role)

    def _send(self, method: str, url: str, token: str, params: Mapping[str, str] | None,
              body: Mapping[str, object] | None) -> requests.Response:
        if self._pace is not None:
            self._pace("read" if method == "GET" else "write")
        return send(method, url, token=token, params=params, json_body=body, request_id=self._request_id)
