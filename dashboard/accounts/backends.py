"""The authentication backend: Django's ModelBackend, reading the signed-in user with their per-request rows."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class SignedInUserBackend(ModelBackend):
    """`get_user` (once per request, from the session) joins the rows every signed-in page reads,
    `settings.AUTH_USER_RELATED` (the Nexudus account, the preferences version), into the user's query:
    one query instead of one per row. Everything else is ModelBackend's."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(*settings.AUTH_USER_RELATED).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
