from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.utils.text import format_lazy

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    # Back to the login page, which says the user is logged out (the session, and any message
    # in it, is gone by then).
    path(
        "accounts/logout/",
        auth_views.LogoutView.as_view(
            next_page=format_lazy("{}?logged-out", reverse_lazy("login"))
        ),
        name="logout",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("claims.api.urls")),
    path("", include("claims.urls")),
]
