"""Placeholder sign-in views: replaced by the Nexudus sign-in (issue 4)."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST


@login_not_required
@require_GET
def signin(request):
    return render(request, "accounts/signin.html")


@require_POST
def signout(request):
    logout(request)
    return redirect("accounts:signin")
