"""The import in a real browser: upload → columns → review (one change, swapped in place) → post → live
progress (surviving a closed tab) → results and their CSV, with the real worker posting in the background."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .statement_builder import build_statement
from .test_end_to_end import ledger_entries_with
from .test_worker import start_worker

pytestmark = [pytest.mark.browser, pytest.mark.slow]
_AXE = Axe()


def axe_problems(page, where: str) -> list[str]:
    """Serious or critical axe-core violations of the page as it is, in light and dark."""
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        page.wait_for_timeout(50)
        for violation in _AXE.run(page).response["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                found.append(f"{where} [{scheme}]: {violation['id']}: {violation['help']}")
    page.emulate_media(color_scheme="light")
    return found


def test_upload_review_post_progress_results(signed_in_page, live_server, upstream):
    page = signed_in_page
    built = build_statement(upstream, lines=40)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    problems: list[str] = []
    page.goto(f"{live_server.url}/statements/")
    problems += axe_problems(page, "upload")
    page.get_by_label("Statement file (CSV)").set_input_files(
        {"name": "march.csv", "mimeType": "text/csv", "buffer": built.csv_text.encode()}
    )
    page.get_by_label("Currency of this bank account").select_option("GBP")
    page.get_by_role("button", name="Read the statement").click()

    expect(page.get_by_role("heading", name="Which column is which?")).to_be_visible()
    expect(page.locator("#id_date")).to_have_value("0")
    problems += axe_problems(page, "columns")
    page.get_by_role("button", name="Match the lines").click()

    expect(page.get_by_role("heading", name="Review the matches")).to_be_visible()
    matched = page.locator('tr[data-verdict="matched"]')
    expect(matched.first).to_be_visible()
    to_post = matched.count()
    expect(page.locator('tr[data-verdict="already paid"]').first).to_contain_text("already paid")
    expect(page.locator('tr[data-verdict="no match"]').first).to_be_visible()
    problems += axe_problems(page, "review")
    first = matched.first
    row_id = first.get_attribute("id")
    review_url = page.url
    first.get_by_label("Action").select_option("skip")
    first.get_by_role("button", name="Apply").click()
    expect(page.locator(f"#{row_id} td.decision")).to_have_text("Skip")
    assert page.url == review_url  # swapped in place by htmx

    worker = start_worker(upstream)
    try:
        page.get_by_role("button", name="Post the accepted lines").click()
        expect(page.get_by_role("heading", name="Posting")).to_be_visible()
        progress_url = page.url
        expect(page.locator("progress")).to_be_visible()
        # Close the tab; the posting goes on, and a new tab shows where it stands.
        context = page.context
        page.close()
        page = context.new_page()
        page.goto(progress_url)
        expect(page.locator(".progress-done")).to_contain_text("Finished", timeout=60_000)
        problems += axe_problems(page, "progress")
        expect(page.locator('[data-count="done"]')).to_have_text(str(to_post - 1))
        expect(page.locator('[data-count="failed"]')).to_have_text("0")
        page.get_by_role("link", name="See the results").click()
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()

    expect(page.get_by_role("heading", name="Results of march.csv")).to_be_visible()
    expect(page.locator("table.statement-results tbody tr")).to_have_count(40)
    problems += axe_problems(page, "results")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    csv_text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert len(csv_text.strip().splitlines()) == 41
    assert "Posted" in csv_text and "Skipped" in csv_text
    key = csv_text.splitlines()[2].split(",")[9]  # the second line was posted
    assert len(ledger_entries_with(upstream, key)) == 1
    assert errors == []
    assert problems == []
