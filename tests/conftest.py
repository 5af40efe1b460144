import pytest


@pytest.fixture(autouse=True)
def english_first():
    """Each test starts in English: a request in French leaves French active in its thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploads wait for their import here, not in the checkout.
    settings.IMPORTS_ROOT = tmp_path / "imports"
    # Production serves collected, hashed static files; tests serve them as they are.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def counts_kept_in_step(request):
    """After every test that wrote to the database, each claim's ``open_conflicts`` is what
    its conflicts say, and each speaker's track record what their claims say: every write
    path of the suite checks the counts the services keep."""
    used = [name for name in ("transactional_db", "db") if name in request.fixturenames]
    if not used:
        yield
        return
    # Set up here, the database is torn down after this check.
    request.getfixturevalue(used[0])
    yield
    from django.db.models import Q

    from claims.models import Claim, Conflict

    counted = {}
    for sides in Conflict.objects.open().values_list("appearance_a__claim", "appearance_b__claim"):
        for claim in set(sides):
            counted[claim] = counted.get(claim, 0) + 1
    kept = dict(
        Claim.objects.filter(Q(open_conflicts__gt=0) | Q(pk__in=counted)).values_list(
            "pk", "open_conflicts"
        )
    )
    assert kept == {pk: counted.get(pk, 0) for pk in kept}, "open conflicts kept ≠ counted"

    # And each speaker's track record (reviewed claims by verdict) is what their claims say.
    from django.db.models import Count

    from claims.models import Appearance, TrackRecord

    reviewed = Appearance.objects.filter(speaker__isnull=False, claim__status="reviewed")
    counted = reviewed.values_list("speaker", "claim__verdict").annotate(
        n=Count("claim", distinct=True)
    )
    kept = TrackRecord.objects.values_list("speaker", "verdict", "claims")
    assert set(kept) == set(counted.order_by()), "track record kept ≠ counted"


class DemoSnapshot:
    """The rows load_demo writes, taken the first time a test asks for the demo and put back
    with plain INSERTs for every later test: the services take about a second a test to
    load it (search rows, conflict detection, history), the INSERTs a few hundredths.

    Only for tests run in a transaction. A transactional test (browser, concurrency) runs after
    those, on a database emptied and refilled with reference rows under new ids, so it loads
    the demo through the services."""

    def __init__(self):
        self.tables = None  # [(table, columns, rows)]: the rows load_demo added

    def load(self):
        from claims.services import load_demo

        if self.tables is None:
            before = self._read()
            load_demo()
            self.tables = self._added(before, self._read())
        else:
            self._insert()

    @staticmethod
    def _read():
        from django.db import connection

        tables = {}
        with connection.cursor() as cursor:
            for table in connection.introspection.django_table_names(include_views=False):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                columns = [column[0] for column in cursor.description]
                tables[table] = columns, cursor.fetchall()
        return tables

    @staticmethod
    def _added(before, after):
        added = []
        for table, (columns, rows) in after.items():
            old = {repr(row) for row in before[table][1]}
            if len(old - {repr(row) for row in rows}):
                # A replay only adds rows: it could not give an update or a delete back.
                raise RuntimeError(f"load_demo changed rows it did not write, in {table}")
            new = [row for row in rows if repr(row) not in old]
            if new:
                added.append((table, columns, new))
        return added

    def _insert(self):
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection

        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            # Foreign keys are deferred to the end of the test's transaction: any order works.
            for table, columns, rows in self.tables:
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    rows,
                )
            # PostgreSQL's sequences do not see explicit ids; SQLite's AUTOINCREMENT does.
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


@pytest.fixture(scope="session")
def demo_snapshot():
    return DemoSnapshot()


@pytest.fixture
def demo(db, demo_snapshot):
    from django.db import connection

    from claims.services import load_demo

    if connection.in_atomic_block:
        demo_snapshot.load()
    else:
        load_demo()


@pytest.fixture
def reference_data(transactional_db):
    """The rows the data migrations create (verdicts, roles), for tests that run outside a
    transaction: the database is emptied after each of those, migrations' rows included."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    from claims.models import Verdict
    from claims.services.base import service_context

    verdicts = importlib.import_module("claims.migrations.0002_verdict_scale").VERDICTS
    labels_fr = importlib.import_module("claims.migrations.0009_verdict_label_fr").FRENCH
    descriptions_fr = importlib.import_module(
        "claims.migrations.0016_verdict_description_fr"
    ).FRENCH
    for position, (slug, label, rating, description) in enumerate(verdicts, start=1):
        with service_context():
            Verdict.objects.update_or_create(
                slug=slug,
                defaults={
                    "label": label,
                    "label_fr": labels_fr[slug],
                    "rating_value": rating,
                    "position": position,
                    "description": description,
                    "description_fr": descriptions_fr[slug],
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


@pytest.fixture
def service_writes_only():
    """Fail any save or delete of a domain row made outside a service (claims/services): the
    one write path, held for every request and call of the test. Test data made by the
    factories is marked as a service's own (tests/factories.py)."""
    from django.db.models.signals import m2m_changed, pre_delete, pre_save

    from claims.models import (
        Alias,
        Appearance,
        Claim,
        Conflict,
        Entity,
        Evidence,
        RatingMapping,
        ReviewEvent,
        Source,
        Verdict,
    )
    from claims.services.base import in_service

    def refuse(sender, **kwargs):
        if not in_service():
            raise AssertionError(f"A {sender.__name__} was written outside a service.")

    models = [Source, Entity, Alias, Claim, Appearance, Conflict, Evidence, Verdict, RatingMapping]
    models.append(ReviewEvent)
    signals = [(pre_save, model) for model in models] + [(pre_delete, model) for model in models]
    signals.append((m2m_changed, Appearance.value_entities.through))
    for signal, sender in signals:
        signal.connect(refuse, sender=sender, weak=False, dispatch_uid=f"guard-{sender.__name__}")
    yield
    for signal, sender in signals:
        signal.disconnect(sender=sender, dispatch_uid=f"guard-{sender.__name__}")
