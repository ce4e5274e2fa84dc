"""The authentication backend: Django's ModelBackend with fewer queries per signed-in request."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


class SignedInUserBackend(ModelBackend):
    """ModelBackend, with the same answers, in fewer queries (issue 20):

    - `get_user` (once per request, from the session) joins the rows every signed-in page reads,
      `settings.AUTH_USER_RELATED` (the Nexudus account, the preferences version), into the user's query;
    - `get_all_permissions` reads the person's own and their groups' permissions in one plain SQL query, not
      two ORM ones (their compilation cost more than the reads), and keeps them for the request where
      ModelBackend does (`_perm_cache`, so a ModelBackend listed after this one reads nothing either).
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(*settings.AUTH_USER_RELATED).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                names = Permission.objects.values_list("content_type__app_label", "codename").order_by()
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_sql(connection.vendor), [user_obj.pk, user_obj.pk])
                    names = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}
        return user_obj._perm_cache


def _through(model: Any, name: str) -> Any:
    """The `_meta` of the table behind the many-to-many field `name` of `model`."""
    return model._meta.get_field(name).remote_field.through._meta


@functools.cache
def _permissions_sql(vendor: str) -> str:
    """(app label, codename) of every permission the user holds directly or through a group: what ModelBackend
    reads in two queries, quoted for the database vendor."""
    quote = connection.ops.quote_name
    user_model = get_user_model()
    own = _through(user_model, "user_permissions")
    groups = _through(user_model, "groups")
    granted = _through(Group, "permissions")

    def column(meta, name: str) -> str:
        return f"{quote(meta.db_table)}.{quote(meta.get_field(name).column)}"

    permission, content_type = Permission._meta, ContentType._meta
    return (
        f"SELECT {column(content_type, 'app_label')}, {column(permission, 'codename')}"
        f" FROM {quote(permission.db_table)} INNER JOIN {quote(content_type.db_table)}"
        f" ON {column(content_type, 'id')} = {column(permission, 'content_type')}"
        f" WHERE {column(permission, 'id')} IN ("
        f"SELECT {column(own, 'permission')} FROM {quote(own.db_table)} WHERE {column(own, 'user')} = %s"
        f" UNION SELECT {column(granted, 'permission')} FROM {quote(granted.db_table)}"
        f" INNER JOIN {quote(groups.db_table)} ON {column(groups, 'group')} = {column(granted, 'group')}"
        f" WHERE {column(groups, 'user')} = %s)"
    )
