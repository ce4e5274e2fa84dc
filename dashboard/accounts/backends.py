"""The authentication backend: Django's ModelBackend with fewer queries per signed-in request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class SignedInUserBackend(ModelBackend):
    """ModelBackend, with the same answers, in fewer queries (issue 20):

    - `get_user` (once per request, from the session) joins the rows every signed-in page reads,
      `settings.AUTH_USER_RELATED` (the Nexudus account, the preferences version), into the user's query;
    - `get_all_permissions` reads the person's own and their groups' permissions in one query, not two, and
      keeps them for the request where ModelBackend does (`_perm_cache`, so a second ModelBackend listed
      after this one reads nothing either).
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
                permissions = Permission.objects.all()
            else:
                permissions = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            names = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}
        return user_obj._perm_cache
