"""The admin on the demo data: every change list, change form and add form opens, within a
bounded number of queries, and the admin's writes go through the services."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Appearance, Claim, Conflict, ReviewEvent, Source
from tests.factories import make_claim

# Every write these tests cause goes through a service (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("service_writes_only")

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label == "claims"
)


@pytest.fixture
def admin_client(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    return client


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_change_lists_never_count_every_row(admin_client, monkeypatch, app_label, model_name):
    """A change list counts at most 1,000 rows (then estimates), and never counts the whole
    unfiltered table a second time: at a million claims, those counts were most of its time."""
    monkeypatch.setattr("claims.pagination.EXACT_UP_TO", 3)
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT")]
    assert all("COALESCE" not in sql for sql in counts), "the rows' annotations are not counted"
    if connection.vendor == "postgresql":
        assert counts and all(sql.endswith("LIMIT 4) subquery") for sql in counts), counts
    else:
        assert len(counts) == 1, counts  # SQLite: a desk's own small database, counted once


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_change_list_opens_within_bounded_queries(
    admin_client, django_assert_max_num_queries, app_label, model_name
):
    # session, user, count, total count, the page with its related rows joined or counted in
    # subqueries, and the filters' choices (the review history also its date hierarchy): at most
    # 7, whatever the number of rows, since nothing is queried per row.
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_change_form_opens_within_bounded_queries(
    admin_client, django_assert_max_num_queries, app_label, model_name
):
    model = next(model for model in admin.site._registry if model._meta.model_name == model_name)
    obj = model.objects.order_by("pk").first()
    # The claim page is the widest: session, user, claim (twice: the admin's and the review
    # panel's), its timeline (events, claim and version history, the versions' sets of
    # entities, evidence history, the claims merged into it), review events, versions and
    # their entities, conflicts, evidence, content types (history link), the subject's choice,
    # its current value (versions, entities), possible duplicates (entities named; the claims
    # of the same fact, about an entity named, listing one; wording in quotes and statements;
    # the candidates with their versions and entities), the review form's verdicts and users;
    # each version's autocompletes (source, speaker, entities) look up their selected
    # options, up to 3 queries a version, and the demo's claims have at most 3.
    with django_assert_max_num_queries(38):
        response = admin_client.get(
            reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
        )
    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_add_form_opens_or_is_refused_for_the_history(admin_client, app_label, model_name):
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code == (403 if model_name == "reviewevent" else 200)


def test_change_list_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    url = reverse("admin:claims_claim_changelist")
    with django_assert_max_num_queries(8) as few:
        admin_client.get(url)
    claim = Claim.objects.first()
    for number in range(30):
        make_claim(statement=f"Extra claim {number}", subject=claim.subject)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)
    assert response.status_code == 200


def test_co_chair_claim_page_shows_both_versions_and_the_conflict(admin_client):
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    response = admin_client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    content = response.content.decode()
    assert "Italy" in content
    assert "Les Etats-Unis, le Niger et le Maroc se partagent la co-présidence" in content
    assert "different sets" in content


@pytest.mark.parametrize(
    ("term", "found"),
    [("etats unis", ["United States"]), ("Chekori", ["Ismail Chekkori"])],
)
def test_entity_autocomplete_finds_a_speaker_by_any_alias_or_a_near_spelling(
    admin_client, term, found
):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "claims",
            "model_name": "appearance",
            "field_name": "speaker",
            "term": term,
        },
    )
    names = [result["text"] for result in response.json()["results"]]
    assert names == found


def test_review_history_is_read_only_in_the_admin(admin_client):
    event = ReviewEvent.objects.first()
    response = admin_client.post(
        reverse("admin:claims_reviewevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert ReviewEvent.objects.filter(pk=event.pk).exists()


def test_flagging_a_conflict_in_the_admin_records_it_in_the_history(admin_client):
    claim = Claim.objects.get(property="held in")
    first, second = claim.appearances.order_by("pk")
    response = admin_client.post(
        reverse("admin:claims_conflict_add"),
        {
            "appearance_a": second.pk,
            "appearance_b": first.pk,
            "kind": "date",
            "detail": "Not the same month.",
        },
    )
    assert response.status_code == 302
    conflict = Conflict.objects.get(claim=claim)
    assert (conflict.appearance_a, conflict.appearance_b, conflict.origin) == (
        first,
        second,
        "manual",
    )
    event = claim.review_events.get()
    assert (event.action, event.actor.username) == ("conflict_flagged", "admin")


def test_flagging_versions_of_different_claims_is_refused(admin_client):
    first = Appearance.objects.order_by("pk").first()
    other = Appearance.objects.exclude(claim=first.claim).first()
    response = admin_client.post(
        reverse("admin:claims_conflict_add"),
        {"appearance_a": first.pk, "appearance_b": other.pk, "kind": "other", "detail": "x"},
    )
    assert response.status_code == 200
    assert "same claim" in response.content.decode()
    assert Conflict.objects.count() == 1


def test_editing_a_source_text_in_the_admin_re_anchors_its_quotes(admin_client):
    source = Source.objects.get(title__startswith="Le Maroc et la Coalition")
    quotes = list(source.appearances.order_by("pk"))
    data = {
        "title": source.title,
        "kind": source.kind,
        "language": source.language,
        "published_on": "2022-05-01",
        "published_precision": "month",
        "text": "Chapeau ajouté. " + source.text,
        "appearances-TOTAL_FORMS": len(quotes),
        "appearances-INITIAL_FORMS": len(quotes),
        "appearances-MIN_NUM_FORMS": 0,
        "appearances-MAX_NUM_FORMS": 1000,
    }
    for index, appearance in enumerate(quotes):
        data[f"appearances-{index}-id"] = appearance.pk
        data[f"appearances-{index}-source"] = source.pk
    response = admin_client.post(
        reverse("admin:claims_source_change", args=[source.pk]), data, follow=True
    )
    assert response.status_code == 200
    # Their words and context are all there, further on: kept, their offsets moved on.
    assert f"{len(quotes)} kept, 0 moved" in response.content.decode()
    source.refresh_from_db()
    for appearance in source.appearances.all():
        assert source.text[appearance.start : appearance.end] == appearance.quote
    assert source.history.count() == 2


@pytest.mark.parametrize("key", ["abc", str(10**20), "-1"])
def test_a_key_no_row_can_have_shows_the_form_again_with_its_message(admin_client, key):
    """A fuzzed evidence form with claim=10**20 overflowed SQLite's integers (a 500) when the
    admin looked the selected claim up to show the form again."""
    response = admin_client.post(
        reverse("admin:claims_evidence_add"), {"claim": key, "source": key, "stance": "supports"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
