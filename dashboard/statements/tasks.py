"""Background tasks of statement imports, on django-tasks (database backend: `manage.py statements_worker`)."""

from __future__ import annotations

from django_tasks import task

from .posting import statement_import_run


@task()
def post_statement_import(import_id: int) -> bool:
    """Post an import's waiting lines. Idempotent: run twice, or after a crash, it posts each line once."""
    return statement_import_run(import_id=import_id)
