"""The invoice page and quick find read Nexudus from worker threads, which open their own database
connections (the person's stored token is read there): the test's data must be committed to be seen."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _committed_database(transactional_db):
    """Every test here runs with real commits (pytest-django's transactional_db), like production."""
