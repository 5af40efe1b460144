import pytest


@pytest.fixture(autouse=True)
def test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production serves collected, hashed static files; tests serve them as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def demo(db):
    from claims.services import load_demo

    return load_demo()


@pytest.fixture
def reference_data(transactional_db):
    """The rows the data migrations create (verdicts, roles), for tests that run outside a
    transaction: the database is emptied after each of those, migrations' rows included."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    from claims.models import Verdict

    verdicts = importlib.import_module("claims.migrations.0002_verdict_scale").VERDICTS
    for position, (slug, label, rating, description) in enumerate(verdicts, start=1):
        Verdict.objects.update_or_create(
            slug=slug,
            defaults={
                "label": label,
                "rating_value": rating,
                "position": position,
                "description": description,
            },
        )
    roles = importlib.import_module("claims.migrations.0003_roles").ROLES
    review = importlib.import_module("claims.migrations.0005_review_permissions")
    claims_permissions = Permission.objects.filter(content_type__app_label="claims")
    for role, codenames in roles.items():
        extra = review.REVIEW_PERMISSIONS if role == "reviewer" else []
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(claims_permissions.filter(codename__in=[*codenames, *extra]))
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.set(Permission.objects.filter(content_type__app_label__in=["claims", "auth"]))
