"""The REST API (README, "API"): Django REST framework over the same services as the pages —
the same permissions, validation, conflict detection and optimistic locking — with filters by
django-filter, cursor pagination, token or session authentication, per-token throttling, and
its OpenAPI schema by drf-spectacular at /api/schema/ (interactive docs at /api/docs/)."""
