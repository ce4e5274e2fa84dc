"""The chain check on crafted ledgers: gaps, same-moment entries, several businesses, currencies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dashboard.ledger.chain import chain_warning, check_chain, check_chains, owes_words
from tests.records import make_ledger_entry

D = Decimal
NOV_26 = datetime(2025, 11, 26, 10, 0, tzinfo=UTC)


def entry(id, debit="0", credit="0", balance="0", when=NOV_26, business=1001, currency="GBP", coworker=7):
    return make_ledger_entry(
        id=id,
        debit=D(debit),
        credit=D(credit),
        balance=D(balance),
        transaction_date=when,
        business_id=business,
        currency_code=currency,
        coworker_id=coworker,
    )


def test_a_chain_that_adds_up_has_no_break_and_owes_what_nexudus_shows():
    check = check_chain(
        [
            entry(1, debit="120", balance="120", when=NOV_26 - timedelta(days=2)),
            entry(2, credit="25", balance="95", when=NOV_26 - timedelta(days=1)),
            entry(3, debit="10.50", balance="105.50", when=NOV_26),
        ]
    )
    assert check.adds_up and chain_warning(check) == ""
    assert check.entries_balance == check.nexudus_balance == D("105.50")
    assert owes_words(check) == "owes GBP 105.50"


def test_an_entry_written_elsewhere_is_named_with_what_was_expected_and_what_nexudus_shows():
    check = check_chain(
        [
            entry(1019985, debit="120", balance="120", when=NOV_26 - timedelta(days=3)),
            entry(1019987, debit="0", credit="0", balance="95", when=NOV_26),  # someone typed 95 elsewhere
            entry(1019990, credit="20", balance="75", when=NOV_26 + timedelta(days=1)),  # follows the wrong one
        ]
    )
    assert [b.entry.id for b in check.breaks] == [1019987]  # reported once, not on every later entry
    assert chain_warning(check) == (
        "Balances stop adding up at entry 1019987 (26 Nov 2025): "
        "expected GBP 120.00 owed, Nexudus shows GBP 95.00 owed."
    )
    # The "owes" sentence is what the entries add up to, with Nexudus's figure beside it.
    assert check.entries_balance == D("100")
    assert owes_words(check) == "owes GBP 100.00 by the entries; Nexudus shows GBP 75.00 owed"


def test_a_gap_in_the_chain_counts_every_break_after_the_first():
    check = check_chain(
        [
            entry(1, debit="50", balance="50", when=NOV_26),
            entry(2, debit="50", balance="150", when=NOV_26 + timedelta(hours=1)),
            entry(3, credit="10", balance="140", when=NOV_26 + timedelta(hours=2)),
            entry(4, credit="10", balance="100", when=NOV_26 + timedelta(hours=3)),
        ]
    )
    assert [b.entry.id for b in check.breaks] == [2, 4]
    assert chain_warning(check).endswith("(and 1 more entry after it).")


def test_entries_of_the_same_moment_are_chained_by_id_whatever_order_they_arrive_in():
    same = [
        entry(12, credit="5", balance="115"),
        entry(10, debit="120", balance="120"),
        entry(14, credit="15", balance="100"),
    ]
    check = check_chain(same)
    assert [e.id for e in check.entries] == [10, 12, 14]
    assert check.adds_up


def test_same_moment_entries_in_the_wrong_id_order_break_the_chain():
    check = check_chain([entry(10, debit="120", balance="115"), entry(12, credit="5", balance="120")])
    assert not check.adds_up and check.breaks[0].entry.id == 10


def test_each_business_is_its_own_chain_in_its_own_currency():
    entries = [
        entry(1, debit="100", balance="100", business=1001, currency="GBP"),
        entry(2, debit="80", balance="80", business=1002, currency="EUR"),  # not 180: another chain
        entry(3, credit="30", balance="70", business=1001, currency="GBP", when=NOV_26 + timedelta(hours=1)),
        entry(4, credit="90", balance="-5", business=1002, currency="EUR", when=NOV_26 + timedelta(hours=1)),
    ]
    checks = check_chains(entries)
    assert checks[(7, 1001)].adds_up and owes_words(checks[(7, 1001)]) == "owes GBP 70.00"
    eur = checks[(7, 1002)]
    assert chain_warning(eur) == (
        "Balances stop adding up at entry 4 (26 Nov 2025): "
        "expected EUR 10.00 in credit, Nexudus shows EUR 5.00 in credit."
    )
    assert owes_words(eur) == "in credit EUR 10.00 by the entries; Nexudus shows EUR 5.00 in credit"


def test_differences_below_the_currencys_smallest_unit_are_not_breaks():
    gbp = check_chain(
        [
            entry(1, debit="0.1", balance="0.1"),
            entry(
                2, debit="0.2", balance="0.30000000000000004", when=NOV_26 + timedelta(hours=1)
            ),  # a float on the wire
        ]
    )
    assert gbp.adds_up
    jpy = check_chain([entry(1, debit="1000", balance="1000.4", currency="JPY")])  # JPY has no decimal places
    assert jpy.adds_up and owes_words(jpy) == "owes JPY 1,000"
    assert not check_chain([entry(1, debit="1000", balance="1001", currency="JPY")]).adds_up


def test_a_window_of_the_newest_entries_starts_from_the_first_ones_own_balance():
    window = [
        entry(50, credit="10", balance="240"),
        entry(51, debit="5", balance="245", when=NOV_26 + timedelta(hours=1)),
    ]
    assert check_chain(window, complete=True).breaks[0].entry.id == 50  # from zero, 240 cannot follow a credit
    partial = check_chain(window, complete=False)
    assert partial.adds_up and partial.opening == D("250") and partial.entries_balance == D("245")


def test_no_entries_is_a_settled_chain():
    check = check_chain([])
    assert check.adds_up and owes_words(check) == "settled"


amounts = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(amounts, amounts), min_size=1, max_size=30), st.randoms())
def test_any_ledger_written_by_running_sums_adds_up_in_any_arrival_order(moves, random):
    running, entries = D("0"), []
    for n, (debit, credit) in enumerate(moves):
        running += debit - credit
        when = NOV_26 + timedelta(minutes=n // 3)  # some share a moment: the id orders them
        entries.append(entry(1000 + n, debit=debit, credit=credit, balance=running, when=when))
    random.shuffle(entries)
    check = check_chain(entries)
    assert check.adds_up and check.entries_balance == running == check.nexudus_balance


@given(st.lists(st.tuples(amounts, amounts), min_size=2, max_size=30), st.data())
def test_one_altered_balance_is_found_at_that_entry(moves, data):
    running, entries = D("0"), []
    for n, (debit, credit) in enumerate(moves):
        running += debit - credit
        entries.append(entry(1000 + n, debit=debit, credit=credit, balance=running, when=NOV_26 + timedelta(minutes=n)))
    victim = data.draw(st.integers(min_value=0, max_value=len(entries) - 2))  # not the last: its next link shows it too
    shift = data.draw(st.decimals(min_value="0.01", max_value=500, places=2))
    altered = entries[victim]
    entries[victim] = entry(
        altered.id, altered.debit, altered.credit, altered.balance + shift, altered.transaction_date
    )
    check = check_chain(entries)
    assert [b.entry.id for b in check.breaks] == [altered.id, entries[victim + 1].id]
    assert check.breaks[0].expected == altered.balance and check.breaks[0].shown == altered.balance + shift
