"""How the bench meets the sandbox: every virtual user signs in with a Nexudus account of its own (the
sandbox's `--bench-users`), as real agents each have theirs (own tokens, own per-person read budget); the
export's floor reads the same pages, in the same order, as the export."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench import run, scenarios, services
from bench.config import PROBE_ACCOUNT, nexudus_accounts
from sandbox.cli import add_arguments
from tests.conftest import running_sandbox


def test_accounts_are_distinct_bench_accounts_and_not_the_probes() -> None:
    accounts = nexudus_accounts(50)
    assert len(set(accounts)) == 50
    assert accounts[0] == "bench-1@sandbox.test" and accounts[-1] == "bench-50@sandbox.test"
    assert PROBE_ACCOUNT not in accounts


def test_the_run_sandbox_is_started_with_one_account_per_user() -> None:
    argv = services.sandbox_argv(Path("/tmp/unused.sqlite3"), 8765, bench_users=50)
    assert argv[1:3] == ["-m", "sandbox"]
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    options = parser.parse_args(argv[3:])
    assert options.bench_users == 50 and options.no_throttle and options.scale == "large"


@pytest.mark.django_db(transaction=True)
def test_virtual_users_reach_nexudus_each_as_their_own_person(live_server, settings, signin_throttle_cleared) -> None:
    """Through the real sign-in form of a live dashboard: each virtual user's page reads are made with its
    own account's token, so no two share a per-person budget."""
    with running_sandbox("--no-throttle", "--bench-users", "3") as started:
        settings.NEXUDUS_API_URL = started.url
        settings.NEXUDUS_SORT_DIR_ASCENDING = started.config()["dir_ascending"]
        users = run.sign_in_all(live_server.url, 3)
        try:
            assert [user.email for user in users] == list(nexudus_accounts(3))
            started.reset_counters()
            for user in users:
                assert user.get("/payment-tokens/?provider=2").status == 200
            by_user = started.counters()["by_user"]
            assert set(by_user) == set(nexudus_accounts(3))
            assert all(count >= 1 for count in by_user.values())
        finally:
            for user in users:
                user.close()


@pytest.mark.django_db(transaction=True)
def test_the_stack_floor_page_is_the_signed_in_home_page_and_calls_nexudus_not_at_all(
    live_server, settings, signin_throttle_cleared
) -> None:
    """The bench's floor (measure.shell_floor) is only a floor if its page answers 200 with its own content
    for a signed-in user and reads nothing upstream: otherwise it would time a redirect or a Nexudus call."""
    import random

    with running_sandbox("--no-throttle", "--bench-users", "1") as started:
        settings.NEXUDUS_API_URL = started.url
        (user,) = run.sign_in_all(live_server.url, 1)
        try:
            started.reset_counters()
            outcome = scenarios.shell_operation()(user, random.Random(1))
            assert outcome.ok and outcome.size > 0
            assert started.counters()["total"] == 0
            user.session.cookies.clear()  # signed out: the same operation must fail, not pass on a sign-in page
            assert not scenarios.shell_operation()(user, random.Random(1)).ok
        finally:
            user.close()


class RecordingProbe:
    """Just enough of UpstreamProbe for the export's floor: the sandbox's config and a record of calls."""

    def __init__(self, dir_ascending: int) -> None:
        self.dir_ascending = dir_ascending
        self.calls: list[dict[str, str]] = []

    def control(self, method: str, path: str) -> dict:
        assert (method, path) == ("GET", "config")
        return {"dir_ascending": self.dir_ascending}

    def api(self, method: str, path: str, *, params: dict[str, str]) -> tuple[int, bytes]:
        self.calls.append(params)
        return 200, b"{}"


@pytest.mark.parametrize("dir_ascending", [0, 1])
def test_the_export_floor_reads_the_pages_oldest_first_as_the_export_does(dir_ascending) -> None:
    from bench.export import direct_fetch_seconds

    probe = RecordingProbe(dir_ascending)
    direct_fetch_seconds(probe, "2025-01-01", "2025-08-30", 2_500)  # type: ignore[arg-type]
    assert [call["page"] for call in probe.calls] == ["1", "2", "3"]
    assert {(call["dir"], call["orderBy"], call["size"]) for call in probe.calls} == {
        (str(dir_ascending), "TransactionDate", "1000")
    }
