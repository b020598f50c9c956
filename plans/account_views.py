"""The signed-in user looking after their own sign-in: their password and second factor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change, checked by AUTH_PASSWORD_VALIDATORS; the session stays signed
    in (Django updates its hash) and other sessions of this user end."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is changed.")
        return response


password_change = require_http_methods(["GET", "POST"])(PasswordChange.as_view())
