"""Twenty people credit one customer at the same instant through two dashboard instances, against a Nexudus
that keeps each entry's Balance exactly as sent (the sandbox's `ledger_balance=as_sent`).

With the ledger lock (the default) the customer's chain still adds up entry by entry afterwards, every
acknowledged entry exists exactly once, and any refusal is the clear "someone else is writing" message.
Without it (`LEDGER_WRITE_LOCK=false`) the same run breaks the chain: that is what proves the first test
can fail. The instances are real gunicorn processes in the production configuration sharing this test's
database: the SQLite file in the SQLite pass, PostgreSQL (with Redis) in scripts/test-postgres.sh.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.production.servers import manage, production_env

from .concurrent_writers import broken_links, chain_of, run_writers, start_instances
from .helpers import unpaid_invoice

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),  # the instances must see committed rows, and theirs are flushed
]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("ledger-static")
    manage(production_env(root, STATIC_ROOT=str(root / "static")), "collectstatic", "--noinput")
    return root / "static"


@pytest.fixture(scope="module")
def locked_instances(django_db_setup, django_db_blocker, sandbox, static_root, tmp_path_factory) -> Iterator[list]:
    with django_db_blocker.unblock():
        instances = start_instances(
            tmp_path_factory.mktemp("ledger-locked"), sandbox.url, static_root, lock=True, threads=10
        )
    yield instances
    for instance in instances:
        instance.stop()


@pytest.fixture
def customer(upstream, signin_throttle_cleared):
    """A GBP customer whose chain adds up before the test, on a Nexudus that keeps balances as sent."""
    upstream.configure(ledger_balance="as_sent", latency_ms=5)
    invoice = unpaid_invoice(upstream, "GBP")
    coworker_id, business_id = invoice["CoworkerId"], invoice["BusinessId"]
    assert broken_links(chain_of(upstream, coworker_id, business_id)) == []
    return coworker_id, business_id


def test_two_instances_ten_writers_each_keep_the_chain_adding_up(locked_instances, upstream, customer):
    coworker_id, business_id = customer
    before = len(chain_of(upstream, coworker_id, business_id))

    results = run_writers(
        locked_instances, coworker_id=coworker_id, business_id=business_id, per_instance=10, tag="locked"
    )

    assert [r.unexpected for r in results if r.unexpected] == []
    acknowledged = [r for r in results if r.entry_id is not None]
    refused = [r for r in results if r.refused]
    assert len(acknowledged) + len(refused) == 20
    assert acknowledged, "no writer got through at all"
    chain = chain_of(upstream, coworker_id, business_id)
    assert broken_links(chain) == []
    by_description: dict[str, list[int]] = {}
    for record in chain:
        by_description.setdefault(record["Description"], []).append(record["Id"])
    for result in acknowledged:
        assert by_description.get(result.description) == [result.entry_id]  # exists, exactly once
    for result in refused:
        assert result.description not in by_description  # refused: nothing was written
    assert len(chain) == before + len(acknowledged)
    # Every writer reviewed the same starting balance: all but the first found it moved and saw new figures.
    assert sum(r.moved for r in results) >= len(acknowledged) - 1


def test_without_the_lock_the_same_run_breaks_the_chain(
    django_db_blocker, sandbox, static_root, tmp_path_factory, upstream, customer
):
    """The control: the test above can fail. Kept small (2 instances x 3 writers) and with some upstream
    latency, so that writers overlap between reading the latest balance and writing theirs."""
    coworker_id, business_id = customer
    upstream.configure(latency_ms=40)
    with django_db_blocker.unblock():
        instances = start_instances(
            tmp_path_factory.mktemp("ledger-unlocked"), sandbox.url, static_root, lock=False, threads=3
        )
    try:
        results = run_writers(
            instances, coworker_id=coworker_id, business_id=business_id, per_instance=3, tag="unlocked"
        )
    finally:
        for instance in instances:
            instance.stop()
    assert [r.unexpected for r in results if r.unexpected] == []
    assert broken_links(chain_of(upstream, coworker_id, business_id)) != []
