from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from . import views

SWAGGER_UI_STYLE = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"

router = DefaultRouter()
router.register("sources", views.SourceViewSet, basename="source")
router.register("entities", views.EntityViewSet, basename="entity")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("versions", views.AppearanceViewSet, basename="version")
router.register("conflicts", views.ConflictViewSet, basename="conflict")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("verdicts", views.VerdictViewSet, basename="verdict")

app_name = "api"
urlpatterns = [
    path("", include(router.urls)),
    # A script trades a user name and password for its token (or an administrator makes one:
    # `manage.py drf_create_token USERNAME`).
    path("token/", obtain_auth_token, name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The interactive docs, from local static files; their script is a file of its own, as
    # the Content-Security-Policy allows no inline script, and the one style attribute Swagger
    # UI writes is allowed by its hash, on this page only.
    path(
        "docs/",
        csp_update({"style-src": [SWAGGER_UI_STYLE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
]
