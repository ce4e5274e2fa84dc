"""Background tasks of statement imports, on django-tasks (database backend: `manage.py statements_worker`)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from .posting import RunResult, statement_import_run


@task()
def post_statement_import(import_id: int) -> str:
    """Post an import's waiting lines for one time slice, then queue the rest as a new task: a worker asked
    to stop finishes within a slice, and imports of several people take turns on one worker. Idempotent:
    run twice, or after a crash, it posts each line once."""
    result = statement_import_run(import_id=import_id, time_slice=float(settings.STATEMENTS_TIME_SLICE))
    if result is RunResult.MORE:
        post_statement_import.enqueue(import_id)
    return result.value
