from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from plans import account_views, oidc
from plans import views as plan_views
from plans.second_factor import second_factor_not_required

admin.site.site_header = "Plan performance administration"
admin.site.site_title = "Plan performance admin"

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("help/counting/", plan_views.counting, name="counting"),
    path("account/", plan_views.account, name="account"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/second-factor/", account_views.second_factor_setup, name="second_factor_setup"),
    path("account/second-factor/qr.svg", account_views.second_factor_qr, name="second_factor_qr"),
    path(
        "account/second-factor/reset/",
        account_views.second_factor_reset,
        name="second_factor_reset",
    ),
    path("account/recovery-codes/", account_views.recovery_codes, name="recovery_codes"),
    path("sign-in/code/", account_views.second_factor_verify, name="second_factor_verify"),
    path("favicon.ico", plan_views.favicon, name="favicon"),
    path(
        "sign-in/",
        second_factor_not_required(
            auth_views.LoginView.as_view(template_name="registration/login.html")
        ),
        name="login",
    ),
    path("sign-out/", second_factor_not_required(auth_views.LogoutView.as_view()), name="logout"),
    # Single sign-on (404 unless configured): names as mozilla-django-oidc expects them.
    path(
        "sign-in/oidc/",
        login_not_required(oidc.SignInStart.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "sign-in/oidc/callback/",
        login_not_required(oidc.SignInCallback.as_view()),
        name="oidc_authentication_callback",
    ),
    path("", include("plans.urls")),
    path("", include("deliverables.urls")),
    path("", include("reports.urls")),
    path("", include("public.urls")),  # /public/ and /manage/plans/<slug>/public/
    path("", include("api.urls")),  # /api/ and /manage/api-tokens/
    path("admin/", admin.site.urls),
]
