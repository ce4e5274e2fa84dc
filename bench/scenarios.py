"""What a virtual user does in each scenario, and the same upstream request timed directly for comparison.

Each scenario has an operation (one "page" for a virtual user, returning how long the measured request
took) and an `upstream` builder giving the request the dashboard makes for it, so the harness can time
that request straight against the sandbox. Records are picked at random (seeded) from pools read from the
sandbox at start, so pages differ between requests, as they would for real people.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .browser import VirtualUser
from .htmlparse import find_form
from .upstream import UpstreamCall, UpstreamProbe

TOKENS_PATH = "/api/billing/coworkerinvoicepaymenttokens"
LEDGER_PATH = "/api/billing/coworkerledgerentries"
INVOICES_PATH = "/api/billing/coworkerinvoices"
PT, LE = "CoworkerInvoicePaymentToken", "CoworkerLedgerEntry"
SEARCH_PAGES = 10  # searches rotate over the first pages of the result
TOKEN_PROVIDER = 2  # Stripe: ~12,000 of the 30,000 seeded tokens
# Payments of one business: ~14,500 entries. (A payment-gateway filter would cost the sandbox itself 70-90 ms
# per search, as it has no index on that column, and would measure the emulator rather than the dashboard.)
LEDGER_BUSINESS, LEDGER_CODE = 1002, "PAYM"
# Ledger creates take the customer's ledger lock: `ledger_create` spreads users over many customers (the
# lock is uncontended), this one puts every user on the same customer (they queue for it).
LOCK_FREE_KEY, LOCK_CONTENDED_KEY = "ledger_create", "ledger_create_one_customer"


@dataclass(frozen=True)
class OpOutcome:
    ok: bool
    seconds: float  # the measured request (for a create: the request that writes)
    size: int = 0
    error: str = ""


Operation = Callable[[VirtualUser, random.Random], OpOutcome]


@dataclass
class Pools:
    """Real record ids read from the sandbox, to pick pages from."""

    token_ids: list[int] = field(default_factory=list)
    ledger_ids: list[int] = field(default_factory=list)
    invoice_ids: list[int] = field(default_factory=list)
    customers: list[tuple[int, int]] = field(default_factory=list)  # (coworker id, business id)
    # The sandbox's `dir` for a descending sort (its profile decides, as settings do for the dashboard): the
    # floors must ask for the same order as the page, or they time another query.
    descending_dir: str = "1"

    @classmethod
    def load(cls, probe: UpstreamProbe) -> Pools:
        tokens = probe.get_json(TOKENS_PATH, {"size": "1000", "page": "3"})["Records"]
        ledger = probe.get_json(LEDGER_PATH, {"size": "1000", "page": "7"})["Records"]
        invoices = sorted({t["CoworkerInvoiceId"] for t in tokens if t.get("CoworkerInvoiceId")})
        customers = sorted({(e["CoworkerId"], e["BusinessId"]) for e in ledger if e.get("CoworkerId")})
        descending = "-1" if int(probe.control("GET", "config")["dir_ascending"]) == 1 else "1"
        return cls([t["Id"] for t in tokens], [e["Id"] for e in ledger], invoices, customers, descending)


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    kind: str  # search | detail | invoice | customer | create
    probe_path: str  # a GET that 404s when the page is not built yet (then: "skipped: page missing")
    operation: Operation
    upstream: Callable[[random.Random], UpstreamCall]
    rows: int | None = None
    # Targets: exactly this many upstream requests per page (0: not judged), made in this many sequential
    # round trips, which is the page's upstream floor (reads that depend on an earlier answer wait for it).
    upstream_calls: int = 0
    round_trips: int = 1
    writes: bool = False
    requests_per_op: int = 1  # dashboard requests one operation makes (open loop: ~1 request/s per user)


def _get_op(path_for: Callable[[random.Random], str], *, marker: str = "") -> Operation:
    def run(user: VirtualUser, rng: random.Random) -> OpOutcome:
        answer = user.get(path_for(rng))
        ok = answer.status == 200 and (not marker or marker in answer.text)
        return OpOutcome(ok, answer.seconds, answer.size, "" if ok else f"HTTP {answer.status}")

    return run


SHELL_PATH = "/"  # the home page: the signed-in page shell, the menu bar and one small form; no Nexudus call
SHELL_MARKER = 'id="home-heading"'


def shell_operation() -> Operation:
    """GET the home page: what every page costs before its own content and its Nexudus calls."""
    return _get_op(lambda rng: SHELL_PATH, marker=SHELL_MARKER)


def _token_search_params(rows: int, page: int, descending_dir: str) -> dict[str, str]:
    # Mirrors dashboard.nexudus.wire.search_params for PaymentTokenQuery(provider=2, order_by=created_on desc).
    return {
        "page": str(page),
        "size": str(rows),
        "dir": descending_dir,
        "orderBy": "CreatedOn",
        f"{PT}_RegularPaymentProvider": str(TOKEN_PROVIDER),
    }


def _ledger_search_params(rows: int, page: int, descending_dir: str) -> dict[str, str]:
    return {
        "page": str(page),
        "size": str(rows),
        "dir": descending_dir,
        "orderBy": "TransactionDate",
        f"{LE}_Business": str(LEDGER_BUSINESS),
        f"{LE}_Code": LEDGER_CODE,
    }


def _search(
    key: str,
    title: str,
    base: str,
    query: dict[str, str],
    rows: int,
    api_path: str,
    api_params: Callable[[int, int, str], dict[str, str]],
    descending_dir: str,
    *,
    upstream_calls: int = 1,
    round_trips: int = 1,
) -> Scenario:
    def path_for(rng: random.Random) -> str:
        return f"{base}?{urlencode({**query, 'per_page': rows, 'page': rng.randint(1, SEARCH_PAGES)})}"

    return Scenario(
        key,
        title,
        "search",
        f"{base}?{urlencode(query)}",
        _get_op(path_for, marker="<table"),
        lambda rng: UpstreamCall("GET", api_path, api_params(rows, rng.randint(1, SEARCH_PAGES), descending_dir)),
        rows=rows,
        upstream_calls=upstream_calls,
        round_trips=round_trips,
    )


def _token_create(pools: Pools) -> Operation:
    def run(user: VirtualUser, rng: random.Random) -> OpOutcome:
        page = user.get("/payment-tokens/new/")
        form = find_form(page.text, action_contains="", with_field="submission_key")
        if page.status != 200 or form is None:
            return OpOutcome(False, page.seconds, error=f"form HTTP {page.status}")
        data = form.data(
            coworker_invoice_id=str(rng.choice(pools.invoice_ids)),
            provider=str(TOKEN_PROVIDER),
            token=f"tok_bench_{rng.getrandbits(48):012x}",
            notes="bench",
        )
        answer = user.post(form.action or "/payment-tokens/new/", data)
        ok = answer.status == 302 and "/payment-tokens/" in answer.location
        return OpOutcome(ok, answer.seconds, answer.size, "" if ok else f"submit HTTP {answer.status}")

    return run


MOVED = "balance changed since you reviewed"  # the save stopped: another writer got there first
BUSY = "writing to this customer"  # the ledger's lock was not had in time
MOST_CONFIRMS = 5


def _ledger_create(pools: Pools, customer: Callable[[random.Random], tuple[int, int]] | None = None) -> Operation:
    """Form → review (nothing written) → confirm with the same one-time key; the confirm is measured. The
    review and confirm are htmx posts, as the page's form sends them (hx-post), answered with the flow's
    fragment rather than the whole page. When
    another writer saved for the same customer in between, the save stops with the new figures and the user
    confirms again, as a person would: the measured time is then every confirm's, the cost of contention."""
    choose = customer or (lambda rng: rng.choice(pools.customers))

    def run(user: VirtualUser, rng: random.Random) -> OpOutcome:
        page = user.get("/ledger-entries/new/")
        form = find_form(page.text, with_field="submission_key")
        if page.status != 200 or form is None:
            return OpOutcome(False, page.seconds, error=f"form HTTP {page.status}")
        coworker_id, business_id = choose(rng)
        fields = {
            "business_id": str(business_id),
            "coworker_id": str(coworker_id),
            "description": "Bench credit",
            "code": "ADJU",
            "debit": "0",
            "credit": f"{rng.randint(1, 99)}.00",
        }
        review = user.post(form.action or "/ledger-entries/new/", form.data(**fields), fragment=True)
        seconds, size = 0.0, 0
        for _ in range(MOST_CONFIRMS):
            confirm = find_form(review.text, with_field="submission_key")
            if review.status != 200 or confirm is None or ("action", "confirm") not in confirm.buttons:
                return OpOutcome(False, review.seconds, error=f"review HTTP {review.status} without a confirm button")
            done = user.post(
                confirm.action or "/ledger-entries/new/", confirm.data(button=("action", "confirm")), fragment=True
            )
            seconds, size = seconds + done.seconds, size + done.size
            if done.status == 302 or (done.status == 200 and 'data-stage="done"' in done.text):
                return OpOutcome(True, seconds, size)
            if done.status == 200 and BUSY in done.text:
                return OpOutcome(False, seconds, size, "ledger busy: lock not had in time")
            if not (done.status == 200 and MOVED in done.text):
                return OpOutcome(False, seconds, size, f"confirm HTTP {done.status}")
            review = done  # the new figures, with a confirm button: confirm them
        return OpOutcome(False, seconds, size, f"balance still moving after {MOST_CONFIRMS} confirms")

    return run


def build(pools: Pools) -> list[Scenario]:
    token_query = {"provider": str(TOKEN_PROVIDER), "sort": "-created_on"}
    ledger_query = {"business": str(LEDGER_BUSINESS), "code": LEDGER_CODE, "sort": "-transaction_date"}
    scenarios = [
        _search(
            "token_search_25",
            "Payment token search, 25 rows",
            "/payment-tokens/",
            token_query,
            25,
            TOKENS_PATH,
            _token_search_params,
            pools.descending_dir,
            # The search, then (together) one batch read of the page's full tokens and one of their invoices
            # (provider, invoice number, customer: issue 18): 3 requests in 2 round trips.
            upstream_calls=3,
            round_trips=2,
        ),
        _search(
            "token_search_100",
            "Payment token search, 100 rows",
            "/payment-tokens/",
            token_query,
            100,
            TOKENS_PATH,
            _token_search_params,
            pools.descending_dir,
            # The search, then (together) one batch read of the page's full tokens and one of their invoices
            # (provider, invoice number, customer: issue 18): 3 requests in 2 round trips.
            upstream_calls=3,
            round_trips=2,
        ),
        _search(
            "ledger_search_25",
            "Ledger entry search, 25 rows",
            "/ledger-entries/",
            ledger_query,
            25,
            LEDGER_PATH,
            _ledger_search_params,
            pools.descending_dir,
        ),
        _search(
            "ledger_search_100",
            "Ledger entry search, 100 rows",
            "/ledger-entries/",
            ledger_query,
            100,
            LEDGER_PATH,
            _ledger_search_params,
            pools.descending_dir,
        ),
        Scenario(
            "token_detail",
            "Payment token detail",
            "detail",
            f"/payment-tokens/{pools.token_ids[0]}/",
            _get_op(lambda rng: f"/payment-tokens/{rng.choice(pools.token_ids)}/"),
            lambda rng: UpstreamCall("GET", f"{TOKENS_PATH}/{rng.choice(pools.token_ids)}"),
            # The token, then its invoice (number, customer, what to do next: issues 18 and 19).
            upstream_calls=2,
            round_trips=2,
        ),
        Scenario(
            "ledger_detail",
            "Ledger entry detail",
            "detail",
            f"/ledger-entries/{pools.ledger_ids[0]}/",
            _get_op(lambda rng: f"/ledger-entries/{rng.choice(pools.ledger_ids)}/"),
            lambda rng: UpstreamCall("GET", f"{LEDGER_PATH}/{rng.choice(pools.ledger_ids)}"),
            # The entry, then its invoice's facts (issue 18); a reversal link adds a search (rare).
            upstream_calls=2,
            round_trips=2,
        ),
        Scenario(
            "invoice_lookup",
            "Invoice lookup",
            "invoice",
            f"/invoices/{pools.invoice_ids[0]}/",
            _get_op(lambda rng: f"/invoices/{rng.choice(pools.invoice_ids)}/"),
            lambda rng: UpstreamCall("GET", f"{INVOICES_PATH}/{rng.choice(pools.invoice_ids)}"),
        ),
        Scenario(
            "customer_ledger",
            "Customer ledger",
            "customer",
            "/customers/{}/ledger/?business={}".format(*pools.customers[0]),
            _get_op(lambda rng: "/customers/{}/ledger/?business={}".format(*rng.choice(pools.customers))),
            lambda rng: _customer_call(rng.choice(pools.customers)),
        ),
        Scenario(
            "token_create",
            "Create payment token",
            "create",
            "/payment-tokens/new/",
            _token_create(pools),
            lambda rng: UpstreamCall(
                "POST",
                TOKENS_PATH,
                body={
                    "CoworkerInvoiceId": rng.choice(pools.invoice_ids),
                    "RegularPaymentProvider": TOKEN_PROVIDER,
                    "Token": f"tok_probe_{rng.getrandbits(40):010x}",
                    "Notes": "bench probe",
                },
            ),
            writes=True,
            requests_per_op=2,  # the form, then the POST
        ),
        Scenario(
            "ledger_create",
            "Create ledger entry (review + confirm)",
            "create",
            "/ledger-entries/new/",
            _ledger_create(pools),
            lambda rng: _ledger_write_call(rng.choice(pools.customers), rng),
            writes=True,
            # The timed confirm reads the customer's latest balance, then writes (issue 17: the save must see
            # the balance it was reviewed against): two sequential round trips, its upstream floor.
            round_trips=2,
            requests_per_op=3,  # the form, the review, the confirm
        ),
        Scenario(
            LOCK_CONTENDED_KEY,
            "Create ledger entry, every user on one customer (lock contention)",
            "create",
            "/ledger-entries/new/",
            _ledger_create(pools, customer=lambda rng: pools.customers[0]),
            lambda rng: _ledger_write_call(pools.customers[0], rng),
            writes=True,
            round_trips=2,  # as ledger_create's
            requests_per_op=3,
        ),
    ]
    return scenarios


def _customer_call(customer: tuple[int, int]) -> UpstreamCall:
    coworker_id, business_id = customer
    return UpstreamCall(
        "GET",
        LEDGER_PATH,
        {
            "page": "1",
            "size": "25",
            "dir": "-1",
            "orderBy": "TransactionDate",
            f"{LE}_Coworker": str(coworker_id),
            f"{LE}_Business": str(business_id),
        },
    )


def _ledger_write_call(customer: tuple[int, int], rng: random.Random) -> UpstreamCall:
    coworker_id, business_id = customer
    return UpstreamCall(
        "POST",
        LEDGER_PATH,
        body={
            "BusinessId": business_id,
            "CoworkerId": coworker_id,
            "Description": "Bench probe credit",
            "Code": "ADJU",
            "Debit": 0,
            "Credit": rng.randint(1, 99),
            "Balance": 0,
            "Billed": False,
        },
    )
