"""The per-request reads of a signed-in page (issue 20): how many queries each page kind makes, and that the
cached copy of a person's table preferences and saved views is never stale (another session, another worker
with its own cache, the same request) and never someone else's."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from dashboard.core import preferences
from dashboard.core.models import PreferencesVersion, SavedView
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

HEADER = re.compile(r'<th scope="col"[^>]*>\s*(?:<a [^>]*>)?([^<]+)')
ROW = re.compile(r"<tr\b[^>]*>\s*<td")
TOKEN_LINK = re.compile(r'href="/payment-tokens/(\d+)/"')
LEDGER_LINK = re.compile(r'href="/ledger-entries/(\d+)/"')
DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def _headers(html: str) -> list[str]:
    return [text.strip() for text in HEADER.findall(html)]


def _page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def _worker(name: str):
    """Run as another gunicorn worker would: the same database, a per-process memory cache of its own."""
    return override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}}
    )


@pytest.fixture
def second_ops_client(ops_client, upstream, signin_throttle_cleared):
    """The same person (ops) in a second browser: a session of its own."""
    client = Client()
    assert sign_in(client, email="ops@sandbox.test").status_code == 302
    assert client.cookies["sessionid"].value != ops_client.cookies["sessionid"].value
    return client


# --- queries per page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/payment-tokens/?per_page=25", "/ledger-entries/?per_page=25", "/payment-tokens/?per_page=100"]
)
def test_a_signed_in_search_page_reads_only_the_session_and_the_user(ops_client, django_assert_max_num_queries, path):
    ops_client.post("/preferences/tables/payment_tokens/columns/", {"columns": ["id", "token"]})
    ops_client.post("/saved-views/", {"table": "ledger_entries", "name": "Mine", "querystring": "code=PAYM"})
    _page(ops_client, path)  # the first page after a change fills the cache
    with django_assert_max_num_queries(2):  # the session; the user with their account and preferences version
        html = _page(ops_client, path)
    assert "Mine" in html  # the saved view is in the nav, from the cache


def test_a_detail_page_reads_the_account_once_and_the_permissions_in_one_query(
    ops_client, django_assert_max_num_queries
):
    token_id = TOKEN_LINK.search(_page(ops_client, "/payment-tokens/?per_page=25")).group(1)
    entry_id = LEDGER_LINK.search(_page(ops_client, "/ledger-entries/?per_page=25")).group(1)
    for path in (f"/payment-tokens/{token_id}/", f"/ledger-entries/{entry_id}/"):
        _page(ops_client, path)
        # The session, the user (with account and version), the permissions (for the history), the history.
        with django_assert_max_num_queries(4) as captured:
            _page(ops_client, path)
        tables = " ".join(query["sql"] for query in captured.captured_queries)
        assert "accounts_nexudusaccount" in tables  # joined to the user...
        assert tables.count('FROM "accounts_nexudusaccount"') == 0  # ...never read on its own


def test_the_permissions_are_those_of_the_person_and_their_groups(ops_client, agent_client):
    """The backend's one-query read answers as ModelBackend's two queries do, in every arrangement."""
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Group, Permission

    from dashboard.accounts.backends import SignedInUserBackend

    users = get_user_model().objects
    ops, agent = (users.get(email=f"{name}@sandbox.test") for name in ("ops", "agent"))
    view_all = Permission.objects.get(codename="view_all", content_type__app_label="audit")
    other = Permission.objects.get(codename="view_user", content_type__app_label="auth")
    auditors = Group.objects.create(name="auditors")
    auditors.permissions.add(view_all, other)

    def answers(user) -> tuple[set[str], set[str], bool]:
        ours, django_own = SignedInUserBackend(), ModelBackend()
        return (
            ours.get_all_permissions(users.get(pk=user.pk)),
            django_own.get_all_permissions(users.get(pk=user.pk)),
            users.get(pk=user.pk).has_perm("audit.view_all"),
        )

    assert answers(ops) == (set(), set(), False)
    ops.groups.add(auditors)  # through a group
    agent.user_permissions.add(view_all)  # directly
    assert answers(ops) == ({"audit.view_all", "auth.view_user"},) * 2 + (True,)
    assert answers(agent) == ({"audit.view_all"},) * 2 + (True,)
    agent.groups.add(auditors)  # both ways at once: each permission once
    assert answers(agent) == ({"audit.view_all", "auth.view_user"},) * 2 + (True,)
    ops.groups.remove(auditors)
    assert answers(ops) == (set(), set(), False)
    users.filter(pk=agent.pk).update(is_active=False)
    assert answers(agent) == (set(), set(), False)
    users.filter(pk=ops.pk).update(is_superuser=True)
    ours, theirs, allowed = answers(ops)
    assert ours == theirs and len(ours) == Permission.objects.count() and allowed


# --- coherence ----------------------------------------------------------------------------------------


def test_columns_and_page_size_changed_in_one_session_show_in_the_other_at_once(ops_client, second_ops_client):
    assert "Notes" in _headers(_page(second_ops_client, "/payment-tokens/"))  # its cached copy is warm
    ops_client.post("/preferences/tables/payment_tokens/columns/", {"columns": ["token", "created_on"]})
    assert _headers(_page(second_ops_client, "/payment-tokens/")) == ["Id", "Token", "Created"]

    ops_client.get("/payment-tokens/?per_page=50&remember=per_page", HTTP_HX_REQUEST="true")
    assert len(ROW.findall(_page(second_ops_client, "/payment-tokens/"))) == 50
    ops_client.get("/payment-tokens/?per_page=25&remember=per_page", HTTP_HX_REQUEST="true")
    assert len(ROW.findall(_page(second_ops_client, "/payment-tokens/"))) == 25


def test_saved_views_created_replaced_and_deleted_in_one_session_show_in_the_other(ops_client, second_ops_client):
    assert "Big credits" not in _page(second_ops_client, "/")
    ops_client.post("/saved-views/", {"table": "ledger_entries", "name": "Big credits", "querystring": "code=PAYM"})
    html = _page(second_ops_client, "/")
    assert "Big credits" in html and 'href="/ledger-entries/?code=PAYM"' in html

    ops_client.post("/saved-views/", {"table": "ledger_entries", "name": "Big credits", "querystring": "code=ADJU"})
    html = _page(second_ops_client, "/")
    assert 'href="/ledger-entries/?code=ADJU"' in html and 'href="/ledger-entries/?code=PAYM"' not in html

    ops_client.post(f"/saved-views/{SavedView.objects.get().id}/delete/")
    assert "Big credits" not in _page(second_ops_client, "/")


def test_a_change_made_in_another_worker_is_seen_by_a_warm_and_a_cold_worker(ops_client, second_ops_client):
    with _worker("worker-b"):  # worker B caches the person's current preferences
        assert "Description" in _headers(_page(second_ops_client, "/ledger-entries/"))
        assert "Mine" not in _page(second_ops_client, "/")
    with _worker("worker-a"):  # worker A takes the change
        ops_client.post("/preferences/tables/ledger_entries/columns/", {"columns": ["id", "credit"]})
        ops_client.post("/saved-views/", {"table": "payment_tokens", "name": "Mine", "querystring": "provider=2"})
    with _worker("worker-b"):  # B's copy is of an older version: not used
        assert _headers(_page(second_ops_client, "/ledger-entries/")) == ["Id", "Credit"]
        assert "Mine" in _page(second_ops_client, "/")
    with _worker("worker-c"):  # a worker that has cached nothing yet
        assert _headers(_page(ops_client, "/ledger-entries/")) == ["Id", "Credit"]
        assert "Mine" in _page(ops_client, "/")


def test_the_request_that_makes_a_change_already_shows_it(ops_client):
    ops_client.post("/saved-views/", {"table": "payment_tokens", "name": "Short-lived", "querystring": "provider=2"})
    assert "Short-lived" in _page(ops_client, "/")  # cached now
    view = SavedView.objects.get()
    # The htmx delete answers with the menu, drawn in the same request as the delete.
    menu = ops_client.post(f"/saved-views/{view.id}/delete/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="saved-views-menu"' in menu and "Short-lived" not in menu


def test_people_never_see_each_others_cached_preferences(ops_client, agent_client):
    # Both caches warm, in one process.
    _page(ops_client, "/ledger-entries/")
    _page(agent_client, "/ledger-entries/")
    ops_client.post("/preferences/tables/ledger_entries/columns/", {"columns": ["id", "credit"]})
    ops_client.post("/saved-views/", {"table": "ledger_entries", "name": "Ops only", "querystring": "code=PAYM"})
    agent_client.post("/saved-views/", {"table": "ledger_entries", "name": "Agent only", "querystring": "code=ADJU"})
    ops_home, agent_home = _page(ops_client, "/"), _page(agent_client, "/")
    assert "Ops only" in ops_home and "Agent only" not in ops_home
    assert "Agent only" in agent_home and "Ops only" not in agent_home
    assert _headers(_page(ops_client, "/ledger-entries/")) == ["Id", "Credit"]
    assert "Description" in _headers(_page(agent_client, "/ledger-entries/"))


def test_every_change_gets_a_new_version_and_a_version_never_comes_back(ops_client):
    ops = get_user_model().objects.get(email="ops@sandbox.test")
    _page(ops_client, "/")
    seen = [PreferencesVersion.objects.get(user=ops).value]
    ops_client.post("/preferences/tables/ledger_entries/columns/", {"columns": ["id"]})
    seen.append(PreferencesVersion.objects.get(user=ops).value)
    ops_client.post("/saved-views/", {"table": "ledger_entries", "name": "A", "querystring": ""})
    seen.append(PreferencesVersion.objects.get(user=ops).value)
    ops_client.post(f"/saved-views/{SavedView.objects.get().id}/delete/")
    seen.append(PreferencesVersion.objects.get(user=ops).value)
    assert len(set(seen)) == 4


def test_a_cache_outage_costs_the_reads_not_the_page(ops_client):
    ops_client.post("/preferences/tables/ledger_entries/columns/", {"columns": ["id", "credit"]})
    with (
        mock.patch.object(preferences.cache, "get", side_effect=redis.ConnectionError("down")),
        mock.patch.object(preferences.cache, "set", side_effect=redis.ConnectionError("down")),
    ):
        assert _headers(_page(ops_client, "/ledger-entries/")) == ["Id", "Credit"]


def test_preferences_and_saved_views_are_written_only_by_the_preferences_module():
    """Every write must replace the person's version in its transaction (`preferences_change`): one home."""
    offenders = []
    for path in DASHBOARD.rglob("*.py"):
        if path.name == "preferences.py" and path.parent.name == "core" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id in {"TablePreference", "SavedView", "PreferencesVersion"}
            ):
                offenders.append(f"{path.relative_to(DASHBOARD)}:{node.lineno}")
    assert offenders == []


def test_the_cache_holds_no_token_and_no_class_of_ours(ops_client):
    """Only plain data goes into the cache: never the person's Nexudus tokens (decrypted or not)."""
    from django.core.cache import cache

    account = get_user_model().objects.get(email="ops@sandbox.test").nexudus_account
    tokens = account.token_set()
    secrets = {account.access_token, account.refresh_token, tokens.access_token, tokens.refresh_token}
    written = []
    real_set = cache.set
    with mock.patch.object(
        preferences.cache, "set", side_effect=lambda *a, **k: written.append(a) or real_set(*a, **k)
    ):
        ops_client.post("/saved-views/", {"table": "ledger_entries", "name": "A", "querystring": "code=PAYM"})
        _page(ops_client, "/ledger-entries/")
        token_id = TOKEN_LINK.search(_page(ops_client, "/payment-tokens/")).group(1)
        _page(ops_client, f"/payment-tokens/{token_id}/")
    assert written
    for _key, value, *_ in written:
        text = repr(value)
        assert all(secret not in text for secret in secrets)
        assert "dashboard." not in text and "object at" not in text  # builtins only


def test_a_session_opened_before_the_new_backend_still_works_and_sees_changes(ops_client):
    """Sessions store the backend that signed them in: ModelBackend's (before this change) keep working."""
    from django.contrib.auth import BACKEND_SESSION_KEY

    session = ops_client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert "Description" in _headers(_page(ops_client, "/ledger-entries/"))
    ops_client.post("/preferences/tables/ledger_entries/columns/", {"columns": ["id", "credit"]})
    assert _headers(_page(ops_client, "/ledger-entries/")) == ["Id", "Credit"]
    assert ops_client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
