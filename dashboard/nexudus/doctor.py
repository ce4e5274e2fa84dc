"""`nexudus_doctor`'s checks: read-only probes of the configured Nexudus that say, in plain words, which of
the readings the docs leave open it uses (sort direction, enum encoding, timestamps, ledger balances,
throttle headers, roles) and whether the dashboard's settings agree.

Every probe is a GET with the operator's own token; nothing is written and nothing is stored. The sign-in
uses its own client_id, so the operator's dashboard sessions keep their refresh tokens (Nexudus
invalidates a client_id's earlier refresh tokens when it grants a new token for it).
"""

from __future__ import annotations

import re
import statistics
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from .answers import raise_for_response
from .auth import token_password_grant
from .enums import LabelledEnum, PaymentProvider, RegularPaymentProvider
from .errors import NexudusError, NexudusMalformedResponse, NexudusPermissionDenied
from .http import send
from .records import parse_datetime, parse_decimal
from .wire import BUSINESSES, COWORKERS, INVOICES, LEDGER_ENTRIES, PAYMENT_TOKENS, Resource

_FRACTION = re.compile(r":\d\d(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$")
THROTTLE_HEADERS = (
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "ratelimit-policy",
)
# Roles the dashboard needs that a read-only probe cannot check.
WRITE_ROLES = [f"{PAYMENT_TOKENS.entity}-Create", f"{LEDGER_ENTRIES.entity}-Create"]


@dataclass
class Finding:
    topic: str
    words: str
    setting: str | None = None  # "NAME=value" to use, when a setting follows from it
    disagrees: bool = False  # the configured setting differs from what was seen


@dataclass
class Report:
    url: str
    findings: list[Finding] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    headers_seen: dict[str, str] = field(default_factory=dict)

    @property
    def disagreements(self) -> list[Finding]:
        return [f for f in self.findings if f.disagrees]

    def add(self, topic: str, words: str, setting: str | None = None, disagrees: bool = False) -> None:
        self.findings.append(Finding(topic, words, setting, disagrees))


class _Probe:
    """GETs with one access token, timing each and keeping the throttle-related headers seen."""

    def __init__(self, url: str, access_token: str, report: Report) -> None:
        self.url, self.token, self.report = url.rstrip("/"), access_token, report

    def get(self, path: str, params: Mapping[str, str] | None = None, role: str | None = None) -> Any:
        started = time.monotonic()
        response = send("GET", self.url + path, token=self.token, params=params, request_id="nexudus-doctor")
        self.report.latencies_ms.append((time.monotonic() - started) * 1000)
        for name in THROTTLE_HEADERS:
            if name in response.headers:
                self.report.headers_seen.setdefault(name, response.headers[name])
        return raise_for_response(response, role=role)


def sign_in(*, email: str, password: str, totp: str | None = None, url: str | None = None) -> str:
    """An access token for the doctor's probes (raises the sign-in errors, e.g. NexudusTwoFactorRequired)."""
    client_id = f"{settings.NEXUDUS_CLIENT_ID_PREFIX}-doctor-{uuid.uuid4().hex[:12]}"
    return token_password_grant(
        username=email, password=password, client_id=client_id, totp=totp, base_url=url or settings.NEXUDUS_API_URL
    ).access_token


def examine(access_token: str, *, url: str | None = None) -> Report:
    url = (url or settings.NEXUDUS_API_URL).rstrip("/")
    report = Report(url=url)
    probe = _Probe(url, access_token, report)
    allowed = _roles(probe, report)
    records, ascending = _sort_direction(probe, report, allowed)
    _enum_encoding(probe, report, allowed)
    _timestamps(report, records)
    _ledger_chain(probe, report, allowed, settings.NEXUDUS_SORT_DIR_ASCENDING if ascending is None else ascending)
    _throttling(report)
    _latency(report)
    return report


# --- the checks -------------------------------------------------------------------------------------


def _roles(probe: _Probe, report: Report) -> set[str]:
    """Which List/Read roles the account has: a search of one record, then a get-one of it."""
    allowed: set[str] = set()
    missing: list[str] = []
    for resource in (PAYMENT_TOKENS, LEDGER_ENTRIES, INVOICES, COWORKERS, BUSINESSES):
        listed: list[Any] = []
        try:
            page = probe.get(resource.path, {"size": "1"}, role=f"{resource.entity}-List")
            allowed.add(f"{resource.entity}-List")
            listed = [r for r in page.get("Records") or [] if isinstance(r, Mapping)]
        except NexudusPermissionDenied:
            missing.append(f"{resource.entity}-List")
        read = f"{resource.entity}-Read"
        if not listed:
            missing.append(f"{read} (not checked: nothing listed to read)")
            continue
        try:
            probe.get(f"{resource.path}/{int(listed[0]['Id'])}", role=read)
            allowed.add(read)
        except NexudusPermissionDenied:
            missing.append(read)
    if missing:
        report.add(
            "Roles",
            "The account has "
            + (", ".join(sorted(allowed)) or "none of the read roles")
            + ". Missing: "
            + ", ".join(missing)
            + ". Pages that need them will say so.",
        )
    else:
        report.add("Roles", "The account has every List and Read role the dashboard needs.")
    report.add("Roles", "Not checked (checking would write): " + ", ".join(WRITE_ROLES) + ".")
    return allowed


def _first_listable(allowed: set[str]) -> Resource[Any] | None:
    for resource in (LEDGER_ENTRIES, PAYMENT_TOKENS, INVOICES, COWORKERS, BUSINESSES):
        if f"{resource.entity}-List" in allowed:
            return resource
    return None


def _ids(page: Any) -> list[int]:
    return (
        [int(r["Id"]) for r in (page.get("Records") or []) if isinstance(r, Mapping)]
        if isinstance(page, Mapping)
        else []
    )


def _sort_direction(probe: _Probe, report: Report, allowed: set[str]) -> tuple[list[Mapping[str, Any]], int | None]:
    """Two tiny reads sorted by Id, dir=1 and dir=-1: whichever comes back descending tells the reading."""
    resource = _first_listable(allowed)
    configured = settings.NEXUDUS_SORT_DIR_ASCENDING
    if resource is None:
        report.add("Sort direction", "Not checked: the account may list nothing.")
        return [], None
    one = probe.get(resource.path, {"orderBy": "Id", "dir": "1", "size": "3"})
    minus_one = probe.get(resource.path, {"orderBy": "Id", "dir": "-1", "size": "3"})
    records = [r for page in (one, minus_one) for r in (page.get("Records") or []) if isinstance(r, Mapping)]
    up, down = _ids(one), _ids(minus_one)
    if len(up) < 2 or len(down) < 2:
        report.add("Sort direction", f"Not checked: fewer than two {resource.entity} records to sort.")
        return records, None
    seen: int | None = None
    if up == sorted(up, reverse=True) and up != sorted(up):
        seen = 0  # dir=1 is descending: 0 ascending, 1 descending
    elif down == sorted(down, reverse=True) and down != sorted(down) and up == sorted(up):
        seen = 1  # dir=1 ascending, dir=-1 descending
    if seen is None:
        report.add(
            "Sort direction", "Could not tell: neither dir=1 nor dir=-1 came back in descending order.", disagrees=True
        )
        return records, None
    meaning = "0 means ascending and 1 descending" if seen == 0 else "1 means ascending and -1 descending"
    words = f"dir={1 if seen == 0 else -1} came back newest first: {meaning}."
    if configured != seen:
        words += (
            f" The dashboard is set to NEXUDUS_SORT_DIR_ASCENDING={configured}: every sorted listing would be reversed."
        )
    report.add("Sort direction", words, setting=f"NEXUDUS_SORT_DIR_ASCENDING={seen}", disagrees=configured != seen)
    return records, seen


def _enum_encoding(probe: _Probe, report: Report, allowed: set[str]) -> None:
    """Enums in lists and in single records: numbers, names, or both."""
    samples: list[tuple[str, object]] = []
    checks: list[tuple[Resource[Any], str, type[LabelledEnum] | None]] = [
        (PAYMENT_TOKENS, "RegularPaymentProvider", RegularPaymentProvider),
        (LEDGER_ENTRIES, "PaymentGatewayName", PaymentProvider),
        (COWORKERS, "CoworkerType", None),
    ]
    unknown: list[str] = []
    for resource, prop, enum in checks:
        if f"{resource.entity}-List" not in allowed:
            continue
        page = probe.get(resource.path, {"size": "5"})
        listed = [r for r in page.get("Records") or [] if isinstance(r, Mapping)]
        samples += [(f"{resource.entity} list", r.get(prop)) for r in listed if prop in r]
        if listed and f"{resource.entity}-Read" in allowed:
            one = probe.get(f"{resource.path}/{int(listed[0]['Id'])}")
            if isinstance(one, Mapping) and prop in one:
                samples.append((f"{resource.entity} get-one", one.get(prop)))
        for where, value in samples:
            if enum is not None and where.startswith(resource.entity) and value not in (None, 0, "", "None"):
                parsed = enum.parse(value)
                if not isinstance(parsed, enum):
                    unknown.append(f"{prop}={value!r}")
    kinds: dict[str, set[str]] = {}
    for where, value in samples:
        if value is None:
            continue
        kinds.setdefault(where, set()).add("names" if isinstance(value, str) and not value.isdigit() else "numbers")
    if not kinds:
        report.add("Enums", "Not checked: no enum values were listed.")
        return
    described = "; ".join(f"{where}: {' and '.join(sorted(k))}" for where, k in sorted(kinds.items()))
    encodings = set().union(*kinds.values())
    summary = "numbers" if encodings == {"numbers"} else "names" if encodings == {"names"} else "numbers and names"
    words = f"Enums arrive as {summary} ({described}). The dashboard reads both; nothing to set."
    if unknown:
        words += " Values this version does not know (shown as 'Unknown (...)'): " + ", ".join(sorted(set(unknown)))
    report.add("Enums", words)


def _timestamps(report: Report, records: list[Mapping[str, Any]]) -> None:
    stamps = [r[key] for r in records for key in ("CreatedOn", "UpdatedOn") if isinstance(r.get(key), str)]
    if not stamps:
        report.add("Timestamps", "Not checked: no records with dates were listed.")
        return
    places, zones, unreadable = set(), set(), []
    for stamp in stamps:
        found = _FRACTION.search(stamp)
        places.add(len(found.group(1) or "") if found else 0)
        zones.add((found.group(2) if found else None) or "no offset (read as UTC)")
        try:
            parse_datetime(stamp)
        except NexudusMalformedResponse:
            unreadable.append(stamp)
    low, high = min(places), max(places)
    digits = f"{low}" if low == high else f"{low} to {high}"
    words = f"Timestamps like {stamps[0]!r}: {digits} fractional digits, offset {', '.join(sorted(zones))}."
    if unreadable:
        report.add("Timestamps", words + f" The dashboard cannot read {unreadable[0]!r}.", disagrees=True)
    else:
        report.add("Timestamps", words + " The dashboard reads them; nothing to set.")


def _ledger_chain(probe: _Probe, report: Report, allowed: set[str], ascending: int) -> None:
    """The newest entry's customer at its location: do consecutive Balances follow debit - credit?
    (`ascending`: the `dir` reading just seen, so "newest" really is the newest.)"""
    if f"{LEDGER_ENTRIES.entity}-List" not in allowed:
        report.add("Ledger balances", "Not checked: the account may not list ledger entries.")
        return
    newest_dir = "1" if ascending == 0 else "-1"
    newest = probe.get(LEDGER_ENTRIES.path, {"orderBy": "Id", "dir": newest_dir, "size": "1"}).get("Records") or []
    if not newest:
        report.add("Ledger balances", "Not checked: there are no ledger entries.")
        return
    coworker, business = newest[0].get("CoworkerId"), newest[0].get("BusinessId")
    page = probe.get(
        LEDGER_ENTRIES.path,
        {
            f"{LEDGER_ENTRIES.entity}_Coworker": str(coworker),
            f"{LEDGER_ENTRIES.entity}_Business": str(business),
            "size": "1000",
        },
    )
    entries = sorted(
        (r for r in page.get("Records") or [] if isinstance(r, Mapping)),
        key=lambda r: (str(r.get("TransactionDate") or ""), int(r["Id"])),
    )[-6:]
    if len(entries) < 2:
        report.add("Ledger balances", "Not checked: the newest customer has fewer than two entries.")
        return
    breaks = 0
    for before, entry in zip(entries, entries[1:], strict=False):
        expected = _money(before, "Balance") + _money(entry, "Debit") - _money(entry, "Credit")
        breaks += expected != _money(entry, "Balance")
    checked = f"{len(entries)} consecutive entries of customer {coworker} at location {business}"
    if breaks:
        report.add(
            "Ledger balances",
            f"Balances do not chain in {breaks} of {len(entries) - 1} steps ({checked}): "
            "this Nexudus keeps the Balance each writer sent, so a wrong one stays wrong. The dashboard "
            "sends the running balance it expects; show Nexudus's balances with care.",
        )
    else:
        report.add("Ledger balances", f"Balances chain ({checked}): each is the one before plus debit minus credit.")


def _money(record: Mapping[str, Any], key: str) -> Decimal:
    try:
        return parse_decimal(record.get(key)) or Decimal("0")
    except NexudusMalformedResponse:
        return Decimal("NaN")


def _throttling(report: Report) -> None:
    if report.headers_seen:
        shown = ", ".join(f"{name}: {value}" for name, value in sorted(report.headers_seen.items()))
        report.add("Throttling", f"Throttle headers seen: {shown}. The dashboard honours Retry-After on 409 and 429.")
    else:
        report.add(
            "Throttling",
            "No throttle headers on ordinary answers (none is documented there). Throttled "
            "answers may be 409 (empty body, Retry-After) or 429 ('Wait N seconds'): the dashboard reads both.",
        )


def _latency(report: Report) -> None:
    times = report.latencies_ms
    if times:
        report.add(
            "Latency",
            f"{len(times)} reads: median {statistics.median(times):.0f} ms, slowest "
            f"{max(times):.0f} ms (NEXUDUS_READ_TIMEOUT is {settings.NEXUDUS_READ_TIMEOUT} s).",
        )


def describe_failure(error: NexudusError) -> str:
    return str(error) or type(error).__name__
