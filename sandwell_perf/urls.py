from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from plans import account_views
from plans import views as plan_views

admin.site.site_header = "Plan performance administration"
admin.site.site_title = "Plan performance admin"

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("help/counting/", plan_views.counting, name="counting"),
    path("account/", plan_views.account, name="account"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("favicon.ico", plan_views.favicon, name="favicon"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("plans.urls")),
    path("", include("deliverables.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
]
