"""The CSV export scenario: ~20,000 ledger entries streamed through the dashboard, against the floor of
fetching the same pages directly, while the gunicorn workers' RSS is sampled from /proc.

The export link is read from the search page (an `<a>` whose href mentions csv or export), so the
harness follows whatever URL the feature uses; without one the scenario is "skipped: page missing".
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlencode

from .browser import VirtualUser
from .procstat import RssSampler
from .scenarios import LE, LEDGER_PATH
from .upstream import UpstreamProbe

EXPORT_PAGE_SIZE = 1000  # the largest page Nexudus allows; the export should use it too
_EXPORT_LINK = re.compile(r"""href=["']([^"']*(?:csv|export)[^"']*)["']""", re.IGNORECASE)
FIRST_DAY = "2025-01-01"


def _count(probe: UpstreamProbe, first: str, last: str) -> int:
    params = {"size": "1", f"from_{LE}_TransactionDate": first, f"to_{LE}_TransactionDate": last}
    return int(probe.get_json(LEDGER_PATH, params)["TotalItems"])


def pick_range(probe: UpstreamProbe, rows: int) -> tuple[str, str, int]:
    """A transaction-date range (whole days from FIRST_DAY) holding at least `rows` entries, found by
    bisection over day offsets (at most ~10 upstream calls)."""
    from datetime import date, timedelta

    start = date.fromisoformat(FIRST_DAY)
    low, high = 1, 730
    while low < high:
        middle = (low + high) // 2
        if _count(probe, FIRST_DAY, (start + timedelta(days=middle)).isoformat()) >= rows:
            high = middle
        else:
            low = middle + 1
    last = (start + timedelta(days=low)).isoformat()
    return FIRST_DAY, last, _count(probe, FIRST_DAY, last)


def direct_fetch_seconds(probe: UpstreamProbe, first: str, last: str, total: int) -> float:
    """The floor: every page of the range fetched sequentially at the largest page size, oldest first as
    the export asks for them. `dir` is the sandbox's own value for ascending (`dir_ascending`: 0 in the
    observed profile, where "1" means descending): a floor read in the other order is another query,
    which the large sandbox answered faster (1.3 s against 1.7 s for the 20 pages)."""
    pages = -(-total // EXPORT_PAGE_SIZE)
    ascending = str(probe.control("GET", "config")["dir_ascending"])
    started = time.perf_counter()
    for page in range(1, pages + 1):
        status, _ = probe.api(
            "GET",
            LEDGER_PATH,
            params={
                "page": str(page),
                "size": str(EXPORT_PAGE_SIZE),
                "dir": ascending,
                "orderBy": "TransactionDate",
                f"from_{LE}_TransactionDate": first,
                f"to_{LE}_TransactionDate": last,
            },
        )
        if status != 200:
            raise RuntimeError(f"direct export page {page}: HTTP {status}")
    return time.perf_counter() - started


def find_export_url(user: VirtualUser, search_path: str) -> str | None:
    page = user.get(search_path)
    if page.status != 200:
        return None
    match = _EXPORT_LINK.search(page.text)
    return match.group(1).replace("&amp;", "&") if match else None


def run_export(
    user: VirtualUser, probe: UpstreamProbe, worker_pids: list[int], *, rows: int, latency_ms: int
) -> dict[str, Any]:
    first, last, total = pick_range(probe, rows)
    search = "/ledger-entries/?" + urlencode(
        {"transaction_from": f"{first}T00:00", "transaction_to": f"{last}T23:59", "sort": "transaction_date"}
    )
    result: dict[str, Any] = {
        "latency_ms": latency_ms,
        "requested_rows": rows,
        "search": search,
        "upstream_rows": total,
    }
    url = find_export_url(user, search)
    if url is None:
        return {**result, "status": "skipped: page missing"}
    # The dashboard caps an export (20,000 rows by default): the floor is the pages of that many rows.
    result["upstream_sum_s"] = round(direct_fetch_seconds(probe, first, last, min(total, rows)), 3)
    before = probe.counters()["total"]
    with RssSampler(worker_pids) as sampler:
        started = time.perf_counter()
        response = user.session.get(user.url(url), stream=True, timeout=300)
        lines, size, first_byte = 0, 0, None
        for chunk in response.iter_content(chunk_size=65536):
            first_byte = first_byte or time.perf_counter() - started
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    ok = response.status_code == 200 and "csv" in response.headers.get("Content-Type", "")
    return {
        **result,
        "status": "ok" if ok else f"failed: HTTP {response.status_code} {response.headers.get('Content-Type')}",
        "url": url,
        "rows": max(lines - 1, 0),
        "bytes": size,
        "seconds": round(seconds, 3),
        "first_byte_s": round(first_byte or 0.0, 3),
        "upstream_requests": probe.counters()["total"] - before,
        "rss_growth_bytes": sampler.max_growth(),
        "rss_samples": sampler.samples,
    }
