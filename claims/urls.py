from django.urls import path

from . import views

app_name = "claims"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("claims/", views.claim_list, name="claim-list"),
    path("claims/export.csv", views.claim_export, name="claim-export"),
    path("claims/export.json", views.claim_export_json, name="claim-export-json"),
    path("claims/versions.csv", views.claim_export_versions, name="claim-export-versions"),
    path("claims/similar/", views.claim_similar, name="claim-similar"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/edit/", views.claim_edit, name="claim-edit"),
    path("claims/<int:pk>/review/", views.claim_review, name="claim-review"),
    path("claims/<int:pk>/decide/", views.claim_decide, name="claim-decide"),
    path("claims/<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version-edit"),
    path("versions/<int:pk>/delete/", views.version_delete, name="version-delete"),
    path("versions/<int:pk>/checked/", views.version_checked, name="version-checked"),
    path("claims/<int:pk>/merge/", views.claim_merge, name="claim-merge"),
    path("conflicts/<int:pk>/decide/", views.conflict_decide, name="conflict-decide"),
    path("sources/", views.source_list, name="source-list"),
    path("sources/new/", views.source_create, name="source-create"),
    path("sources/fetch/", views.source_fetch, name="source-fetch"),
    path("sources/fetched/<int:pk>/", views.source_fetched, name="source-fetched"),
    path("sources/<int:pk>/", views.source_detail, name="source-detail"),
    path("sources/<int:pk>/recheck/", views.source_recheck, name="source-recheck"),
    path("sources/<int:pk>/changes/", views.source_changes, name="source-changes"),
    path("entities/new/", views.entity_create, name="entity-create"),
    path("entities/search/", views.entity_search, name="entity-search"),
    path("sources/search/", views.source_search, name="source-search"),
    path("search/", views.search, name="search"),
    path("entities/<int:pk>/", views.entity_detail, name="entity-detail"),
    path("queues/<str:name>/", views.queue, name="queue"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/feed.jsonld", views.review_feed, name="review-feed"),
    path("imports/", views.import_page, name="import"),
    path("imports/template.csv", views.import_template, name="import-template"),
    path("imports/dump.json", views.desk_dump_download, name="desk-dump"),
    path("imports/<int:pk>/", views.import_job, name="import-job"),
    path("imports/<int:pk>/progress.json", views.import_progress, name="import-progress"),
]
