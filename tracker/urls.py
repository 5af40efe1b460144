from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    # The editors' pages come later; until then the admin is the tracker's front door.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
