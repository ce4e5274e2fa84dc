"""Smoke tests of the benchmark harness's pure parts: percentile math, ratios, checks, the result table,
form and asset parsing, profile summaries. Nothing here starts a server or asserts on a clock."""

from __future__ import annotations

import pytest

from bench import profiling, report, targets
from bench.htmlparse import find_form, parse_assets, parse_forms
from bench.load import LoadRun, Sample, agents, instant_dashboard_p99
from bench.procstat import cpu_delta
from bench.results import Check, ScenarioResult
from bench.stats import LatencySummary, per_unit, percentile, ratio, summarise, throughput


def summary(p50: float, p95: float | None = None, p99: float | None = None, count: int = 10) -> LatencySummary:
    return LatencySummary(count=count, p50=p50, p95=p95 or p50, p99=p99 or p50, mean=p50, max=p99 or p50)


def result(
    key: str = "token_search_25",
    *,
    users: int = 1,
    latency_ms: int = 100,
    mode: str = "closed",
    p50: float = 105.0,
    p99: float | None = None,
    upstream_p50: float = 100.0,
    ops: int = 10,
    upstream_requests: int = 10,
    window_s: float = 2.0,
    errors: int = 0,
    kind: str = "search",
    round_trips: int = 1,
    cpu_s: float | None = None,
    new_connections: int | None = None,
) -> ScenarioResult:
    return ScenarioResult(
        key=key,
        title=key,
        users=users,
        latency_ms=latency_ms,
        mode=mode,
        kind=kind,
        upstream_calls=1 if kind in {"search", "detail"} else 0,
        round_trips=round_trips,
        cpu_s={} if cpu_s is None else {"dashboard": cpu_s, "sandbox": 0.1},
        new_connections=new_connections,
        latency=summary(p50, p99=p99, count=ops),
        window_s=window_s,
        operations=ops,
        errors=errors,
        upstream_requests=upstream_requests,
        upstream=summary(upstream_p50),
    )


class TestPercentile:
    def test_interpolates_between_ranks_like_numpy(self):
        values = [1.0, 2.0, 3.0, 4.0]
        assert percentile(values, 50) == pytest.approx(2.5)
        assert percentile(values, 0) == 1.0
        assert percentile(values, 100) == 4.0
        assert percentile(values, 95) == pytest.approx(3.85)

    def test_single_value_and_unsorted_input(self):
        assert percentile([7.0], 99) == 7.0
        assert percentile([30.0, 10.0, 20.0], 50) == 20.0

    @pytest.mark.parametrize("q", [-1, 101])
    def test_rank_outside_range_is_refused(self, q):
        with pytest.raises(ValueError):
            percentile([1.0], q)

    def test_no_values_is_an_error_not_zero(self):
        with pytest.raises(ValueError):
            percentile([], 50)

    def test_summary_is_in_milliseconds(self):
        s = summarise([0.010, 0.020, 0.030])
        assert s is not None
        assert (s.count, s.p50, s.max) == (3, pytest.approx(20.0), pytest.approx(30.0))
        assert summarise([]) is None


class TestRatios:
    def test_ratio_and_missing_baselines(self):
        assert ratio(110.0, 100.0) == pytest.approx(1.1)
        assert ratio(None, 100.0) is None
        assert ratio(5.0, 0.0) is None

    def test_per_unit_and_throughput(self):
        assert per_unit(30, 10) == 3.0
        assert per_unit(30, 0) is None
        assert throughput(50, 10.0) == 5.0
        assert throughput(0, 10.0) == 0.0

    def test_result_derived_figures(self):
        r = result(p50=112.0, upstream_p50=100.0, ops=20, upstream_requests=20, window_s=4.0)
        assert r.ratio_p50 == pytest.approx(1.12)
        assert r.added_p50_ms == pytest.approx(12.0)
        assert r.upstream_per_page == 1.0
        assert r.throughput == 5.0
        assert r.as_dict()["ratio_p50"] == 1.12


class TestChecks:
    def test_check_verdicts(self):
        assert Check.of("x", 9.0, 10.0).verdict == "PASS"
        assert Check.of("x", 11.0, 10.0).verdict == "MISS"
        assert Check.of("x", 71.0, 70.0, at_most=False).verdict == "PASS"
        assert Check.of("x", None, 10.0).verdict == "n/a"

    def test_latency_targets(self):
        checks = {
            c.name: c
            for c in targets.latency_checks([result(p50=108.0), result(latency_ms=0, p50=14.0, upstream_p50=2.0)])
        }
        assert checks["added p50 over upstream, token_search_25, 1 user, 100 ms"].verdict == "PASS"
        assert checks["added p50 over upstream, token_search_25, 1 user, 0 ms"].verdict == "MISS"
        assert checks["ratio p50 dashboard/upstream, token_search_25, 1 user, 100 ms"].verdict == "PASS"

    def test_one_upstream_request_per_page(self):
        checks = targets.upstream_checks(
            [result(upstream_requests=11)], {"worker_threads": 16, "upstream_connections": 17}
        )
        verdicts = {c.name.split(",")[0]: c.verdict for c in checks}
        assert verdicts["upstream requests per page"] == "MISS"
        checks = targets.upstream_checks(
            [result(upstream_requests=10)], {"upstream_pool": 48, "upstream_connections": 49}
        )
        verdicts = {c.name.split(",")[0]: c.verdict for c in checks}
        assert verdicts["upstream requests per page"] == "PASS"
        assert verdicts["new upstream TCP connections (whole run) ≤ the pools"] == "MISS"

    def test_cpu_per_page_is_the_dashboards_cpu_over_every_operation(self):
        r = result(latency_ms=0, ops=200, cpu_s=1.0)
        assert r.cpu_ms_per_page == pytest.approx(5.0)
        assert result(ops=0, cpu_s=1.0).cpu_ms_per_page is None
        checks = {
            c.name: c for c in targets.cpu_checks([r, result("ledger_search_100", latency_ms=0, ops=100, cpu_s=1.2)])
        }
        assert checks["CPU per page, token_search_25, 1 user, 0 ms"].verdict == "PASS"
        assert checks["CPU per page, ledger_search_100, 1 user, 0 ms"].verdict == "MISS"  # 12 ms > 10 ms

    def test_a_page_of_two_round_trips_is_judged_against_two(self):
        r = result(p50=230.0, upstream_p50=100.0, round_trips=2)
        assert r.upstream_floor_ms == 200.0 and r.ratio_p50 == pytest.approx(1.15) and r.added_p50_ms == 30.0

    def test_paced_load_is_held_to_1_3_and_open_load_to_2(self):
        paced = result(users=50, mode="paced", p50=110.0, p99=140.0)
        loaded = result(users=50, mode="open", p50=110.0, p99=190.0)
        checks = {c.name: c.verdict for c in targets.load_checks([paced, loaded], {})}
        assert checks["p99 / upstream floor, token_search_25@50u/100ms/paced"] == "MISS"  # 1.4 > 1.3
        assert checks["p99 / upstream floor, token_search_25@50u/100ms/open"] == "PASS"  # 1.9 <= 2

    def test_the_statement_workers_own_connections_are_added_to_the_pools(self):
        base = {"upstream_connections": 50, "upstream_pool": 48}
        (plain,) = [c for c in targets.upstream_checks([], base) if "whole run" in c.name]
        assert plain.verdict == "MISS" and plain.target == "≤ 48"
        extras = {**base, "statement_import": {"upstream_connections": 2}}
        (check,) = [c for c in targets.upstream_checks([], extras) if "whole run" in c.name]
        assert check.verdict == "PASS" and check.target == "≤ 50"
        assert "2 opened while the statement import ran" in check.name

    def test_new_connections_after_warm_up_count_only_a_pages_later_windows(self):
        first = result(users=50, ops=500, new_connections=40)
        other_page_first = result("ledger_search_25", users=50, ops=500, new_connections=9)
        later = [
            result(users=50, mode="paced", ops=500, new_connections=0),
            result(users=50, ops=500, new_connections=1),
        ]
        assert targets.warm_connections([first, other_page_first, *later]) == pytest.approx(1.0)
        assert targets.warm_connections([first, other_page_first]) is None

    def test_capacity_is_the_last_ramp_step_that_held(self):
        steps = [
            result(users=50, mode="ramp-25", p99=150.0),
            result(users=50, mode="ramp-50", p99=180.0),
            result(users=50, mode="ramp-75", p99=450.0),
        ]
        found = targets.capacity(steps, cpus=2)
        assert found is not None and found["pages_per_s"] == 50 and found["pages_per_s_per_core"] == 25
        assert "25 pages/s per core" in report.capacity_line(found)
        failing = targets.capacity([result(users=50, mode="ramp-25", p99=150.0, errors=1)], cpus=2)
        assert failing is not None and failing["pages_per_s"] == 0

    def test_saturation_uses_the_lower_ceiling(self):
        cpu_bound = result(users=50, latency_ms=0, p50=500.0, upstream_p50=2.0, ops=400, window_s=10.0)  # 40 req/s
        at_100 = result(users=50, latency_ms=100, p50=900.0, upstream_p50=100.0, ops=300, window_s=10.0)  # 30 req/s
        checks = targets.load_checks([cpu_bound, at_100], {"worker_threads": 16})
        sat = [c for c in checks if c.name.startswith("saturation")]
        # ceiling at 100 ms = min(16 / 0.1 s = 160, 40) = 40 -> at least 28 req/s
        assert [c.verdict for c in sat] == ["PASS", "PASS"]
        assert sat[1].target == "≥ 28.0 req/s"

    def test_export_and_weight(self):
        extras = {
            "export": [
                {
                    "latency_ms": 0,
                    "status": "ok",
                    "rows": 20000,
                    "seconds": 2.0,
                    "upstream_sum_s": 1.5,
                    "rss_growth_bytes": 60_000_000,
                }
            ],
            "page_weight": {"full_page_bytes": 100 * 1024, "fragment_bytes": 25 * 1024},
        }
        verdicts = [c.verdict for c in targets.export_checks(extras) + targets.weight_checks(extras)]
        assert verdicts == ["MISS", "MISS", "PASS", "MISS"]


class TestReport:
    def test_table_aligns_and_lists_every_scenario(self):
        skipped = ScenarioResult(
            key="invoice_lookup", title="", users=1, latency_ms=0, mode="closed", status="skipped: page missing"
        )
        text = report.render_table(report.COLUMNS, [report.scenario_row(result()), report.scenario_row(skipped)])
        lines = text.splitlines()
        assert len({len(line) for line in lines[:2]}) == 1  # header and rule have the same width
        assert "skipped: page missing" in text
        assert "1.05" in lines[2]  # the ratio column

    def test_readme_block_is_replaced_in_place(self, tmp_path):
        readme = tmp_path / "README.md"
        readme.write_text(f"intro\n{report.README_START}\nold\n{report.README_END}\noutro\n")
        report.update_readme(readme, f"{report.README_START}\nnew\n{report.README_END}")
        assert readme.read_text() == f"intro\n{report.README_START}\nnew\n{report.README_END}\noutro\n"

    def test_the_stack_floor_is_printed_and_kept_in_the_readme_block(self):
        floor = {"path": "/", "pages": 120, "errors": 0, "cpu_ms_per_page": 3.456, "p50_ms": 4.0}
        line = report.shell_floor_line(floor)
        assert "3.5 ms of dashboard CPU per page" in line and "120 pages" in line and "errors" not in line
        extras = {"shell_floor": floor, "meta": {"cpus": 2}}
        assert line in report.console_report([result()], [], extras)
        assert line in report.readme_block([result()], [], extras)
        assert "2 errors" in report.shell_floor_line({**floor, "errors": 2})

    def test_markdown_escapes_pipes(self):
        assert "a\\|b" in report.render_markdown(("x",), [("a|b",)])


class TestHtmlParsing:
    HTML = """
    <link rel="stylesheet" href="/static/a.css"><script src="/static/h.js" defer></script>
    <form method="get" action="/search/"><input name="q"></form>
    <form method="post" action="/ledger-entries/new/">
      <input type="hidden" name="csrfmiddlewaretoken" value="abc">
      <input type="hidden" name="submission_key" value="k1">
      <input type="checkbox" name="billed"><input type="checkbox" name="on" checked>
      <select name="gw"><option value="">None</option><option value="4" selected>Stripe</option></select>
      <select name="first"><option value="x">X</option></select>
      <textarea name="notes">hello</textarea>
      <button type="submit" name="action" value="confirm">Save</button>
    </form>"""

    def test_form_fields_as_a_browser_posts_them(self):
        form = find_form(self.HTML, with_field="submission_key")
        assert form is not None and form.action == "/ledger-entries/new/"
        data = dict(form.data(button=("action", "confirm"), notes="changed"))
        assert data == {
            "csrfmiddlewaretoken": "abc",
            "submission_key": "k1",
            "on": "on",
            "gw": "4",
            "first": "x",
            "notes": "changed",
            "action": "confirm",
        }
        assert ("action", "confirm") in form.buttons
        assert len(parse_forms(self.HTML)) == 2

    def test_assets(self):
        assert parse_assets(self.HTML) == ["/static/a.css", "/static/h.js"]


def test_load_run_counts_errors_and_latencies():
    run = LoadRun(samples=[Sample(0.1, 0.2, True), Sample(0.2, 0.5, False, "HTTP 500"), Sample(0.3, 0.1, True)])
    assert run.latencies == [0.2, 0.1]
    assert run.errors == 1
    assert run.first_errors() == ["HTTP 500"]


class TestInstantDashboard:
    """What an open-loop schedule alone costs: each virtual user's pages queue on its one connection."""

    def test_pages_due_while_the_users_last_page_loads_start_late_and_are_charged(self):
        # User 0: due at 0.0 and 0.1 with 0.2 s pages: the second starts at 0.2 and ends at 0.4 (0.3 s).
        samples = [Sample(0.0, 0.2, True, user=0), Sample(0.1, 0.3, True, user=0)]
        assert instant_dashboard_p99(samples, 0.2) == pytest.approx(percentile([0.2, 0.3], 99))

    def test_users_do_not_queue_behind_each_other(self):
        samples = [Sample(0.0, 0.2, True, user=0), Sample(0.05, 0.2, True, user=1), Sample(0.1, 0.2, True, user=2)]
        assert instant_dashboard_p99(samples, 0.2) == pytest.approx(0.2)

    def test_pages_spaced_wider_than_a_page_cost_only_the_floor(self):
        samples = [Sample(t, 0.5, True, user=0) for t in (0.0, 1.0, 2.5)]
        assert instant_dashboard_p99(samples, 0.3) == pytest.approx(0.3)

    def test_no_samples_is_not_a_figure(self):
        assert instant_dashboard_p99([], 0.2) is None

    def test_the_open_loop_check_names_what_the_schedule_alone_costs(self):
        loaded = result(users=50, mode="open", p50=110.0, p99=190.0)
        loaded.instant_p99_ms = 150.0
        (check,) = [c for c in targets.load_checks([loaded], {}) if c.name.startswith("p99")]
        assert check.name == "p99 / upstream floor, token_search_25@50u/100ms/open (an instant dashboard: 1.50)"
        assert check.figure == "1.90" and check.verdict == "PASS"


class TestAgents:
    """The realistic load: each agent reads its page, thinks, then asks for the next."""

    def test_an_agent_never_asks_while_its_last_page_is_loading(self):
        import threading

        in_flight: dict[int, int] = {}
        overlaps = []
        lock = threading.Lock()

        def op(user, rng):
            from bench.scenarios import OpOutcome

            with lock:
                in_flight[id(user)] = in_flight.get(id(user), 0) + 1
                if in_flight[id(user)] > 1:
                    overlaps.append(id(user))
            try:
                threading.Event().wait(0.002)
                return OpOutcome(True, 0.123)
            finally:
                with lock:
                    in_flight[id(user)] -= 1

        users = [object(), object(), object()]
        run = agents(users, op, think_s=0.005, warmup_s=0.0, duration_s=0.15)  # type: ignore[arg-type]
        assert overlaps == []
        assert run.samples and {s.user for s in run.samples} == {0, 1, 2}
        # Each page is charged its own request's time, never the think time before it.
        assert set(run.latencies) == {0.123}
        assert run.operations >= len(run.samples)

    def test_a_failed_request_is_an_error_sample(self):
        import requests

        def op(user, rng):
            raise requests.ConnectionError("refused")

        run = agents([object()], op, think_s=0.005, warmup_s=0.0, duration_s=0.05)  # type: ignore[list-item]
        assert run.samples and run.errors == len(run.samples)
        assert run.first_errors() == ["ConnectionError"]


def test_cpu_delta_names_the_rest_of_the_machine():
    delta = cpu_delta(
        {"dashboard": 1.0, "sandbox": 1.0, "machine": 10.0}, {"dashboard": 3.0, "sandbox": 1.5, "machine": 14.0}
    )
    assert delta == {"dashboard": 2.0, "sandbox": 0.5, "other": 1.5}


def test_profile_summary_from_collapsed_stacks():
    lines = [
        "run (gunicorn/workers/gthread.py:1);render (django_tables2/rows.py:10);escape (django/utils/html.py:5) 6",
        "run (gunicorn/workers/gthread.py:1);loads (json/__init__.py:3) 2",
        "run (gunicorn/workers/gthread.py:1);render (django/template/base.py:9) 2",
        "garbage line",
    ]
    summary_ = profiling.summarise(profiling.parse_collapsed(lines))
    assert summary_["samples"] == 10
    assert summary_["top"][0] == {"frame": "escape (django/utils/html.py)", "share": 0.6}
    layers = {row["layer"]: row["share"] for row in summary_["layers"]}
    assert layers["django-tables2 rendering"] == 0.6
    assert layers["json decode (upstream answer)"] == 0.2


# --- the ledger lock scenario ----------------------------------------------------------------------------


class FakeUser:
    """Answers a ledger create flow from a script of confirm answers, counting what was sent."""

    FORM = (
        '<form method="post" action="/ledger-entries/new/"><input type="hidden" name="submission_key" value="k">'
        '<button type="submit" name="action" value="{action}">Go</button></form>'
    )

    def __init__(self, confirms: list[str]) -> None:
        self.confirms = list(confirms)
        self.posts: list[list[tuple[str, str]]] = []
        self.fragments: list[bool] = []

    def get(self, path, *, fragment=False):
        from bench.browser import Timed

        return Timed(200, 0.01, self.FORM.format(action="review"), 100, "")

    def post(self, path, data, *, fragment=False):
        from bench.browser import Timed

        self.posts.append(list(data))
        self.fragments.append(fragment)
        if ("action", "confirm") not in data:
            return Timed(200, 0.02, self.FORM.format(action="confirm"), 100, "")
        answer = self.confirms.pop(0)
        text = {
            "done": '<section data-stage="done">Saved</section>',
            "moved": "<p>Nothing was saved: the customer&#x27;s balance changed since you reviewed this entry.</p>"
            + self.FORM.format(action="confirm"),
            "busy": "<p>Someone else is writing to this customer&#x27;s ledger right now</p>"
            + self.FORM.format(action="confirm"),
        }[answer]
        return Timed(200, 0.5, text, len(text), "")


class TestLedgerLockScenario:
    def pools(self):
        from bench.scenarios import Pools

        return Pools(token_ids=[1], ledger_ids=[2], invoice_ids=[3], customers=[(20001, 1001), (20002, 1002)])

    def scenario(self, key):
        from bench.scenarios import build

        return next(s for s in build(self.pools()) if s.key == key)

    def test_every_user_of_the_contended_scenario_writes_to_the_same_customer(self):
        import random

        scenario = self.scenario("ledger_create_one_customer")
        rng, user = random.Random(1), FakeUser(["done"] * 20)
        for _ in range(20):
            assert scenario.operation(user, rng).ok
        reviews = [dict(data) for data in user.posts if ("action", "confirm") not in data]
        assert {(d["coworker_id"], d["business_id"]) for d in reviews} == {("20001", "1001")}
        assert scenario.writes and scenario.requests_per_op == 3

    def test_a_save_stopped_by_a_moved_balance_is_confirmed_again_and_timed_in_full(self):
        import random

        outcome = self.scenario("ledger_create_one_customer").operation(
            FakeUser(["moved", "moved", "done"]), random.Random(1)
        )
        assert outcome.ok and outcome.seconds == pytest.approx(1.5)  # three confirms of 0.5 s

    def test_the_review_and_confirm_are_htmx_posts_as_the_page_sends_them(self):
        import random

        user = FakeUser(["moved", "done"])
        assert self.scenario("ledger_create").operation(user, random.Random(1)).ok
        assert len(user.fragments) == 3 and all(user.fragments)  # the review, then two confirms

    def test_a_refusal_for_a_busy_ledger_is_an_error_with_its_reason(self):
        import random

        outcome = self.scenario("ledger_create").operation(FakeUser(["busy"]), random.Random(1))
        assert not outcome.ok and outcome.error == "ledger busy: lock not had in time"

    def test_the_report_puts_the_create_p50_with_and_without_contention_side_by_side(self):
        free = result("ledger_create", users=50, latency_ms=100, mode="open", p50=130.0, kind="create")
        contended = result(
            "ledger_create_one_customer", users=50, latency_ms=100, mode="open", p50=900.0, kind="create", errors=3
        )
        lines = report.lock_lines([free, contended, result()])
        assert lines == [
            "50 users, 100 ms, open loop: create p50 130.0 ms on different customers, 900.0 ms all on one customer "
            "(+770.0 ms; 3 refused or failed of 10)"
        ]

    def test_the_contended_scenario_is_reported_not_judged_by_the_load_targets(self):
        contended = result(
            "ledger_create_one_customer", users=50, latency_ms=100, mode="open", p50=900.0, p99=5000.0, errors=3
        )
        spread = result("ledger_create", users=50, latency_ms=100, mode="open", p50=900.0, p99=5000.0, errors=3)
        assert targets.load_checks([contended], {}) == []
        assert [c.verdict for c in targets.load_checks([spread], {})] == ["MISS", "MISS"]  # the same figures, judged


class TestSearchFloors:
    """A floor must ask the sandbox for the page's own order: `dir` as the sandbox's profile reads it."""

    @pytest.mark.parametrize("descending_dir", ["1", "-1"])
    def test_every_search_floor_asks_for_the_descending_order_the_page_shows(self, descending_dir):
        import random

        from bench.scenarios import Pools, build

        pools = Pools(
            token_ids=[1], ledger_ids=[2], invoice_ids=[3], customers=[(20001, 1001)], descending_dir=descending_dir
        )
        searches = [scenario for scenario in build(pools) if scenario.kind == "search"]
        assert len(searches) == 4
        for scenario in searches:
            assert scenario.upstream(random.Random(1)).params["dir"] == descending_dir, scenario.key
