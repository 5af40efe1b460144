"""The benchmark corpus: realistic, deterministic, and searched as the desk's own data."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from claims.models import Appearance, Claim, Conflict, Entity, ReviewEvent, Source
from claims.services.search import rebuild_claim_search


def rows():
    return list(Claim.objects.order_by("pk").values_list("statement", "property", "value_type"))


def vectors():
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, search_vector::text FROM claims_claim ORDER BY id")
        return cursor.fetchall()


def test_generate_data_makes_a_searchable_corpus(db):
    call_command("generate_data", claims=60, seed=3, stdout=open("/dev/null", "w"))
    assert Claim.objects.count() == 60
    assert Entity.objects.count() == 50 and Source.objects.count() == 12
    assert 60 <= Appearance.objects.count() <= 240
    for appearance in Appearance.objects.select_related("source"):
        assert appearance.source.text[appearance.start : appearance.end] == appearance.quote
    # The texts are those the services would write: rebuilding them changes nothing.
    texts = list(Claim.objects.order_by("pk").values_list("search_text", flat=True))
    versions = list(Appearance.objects.order_by("pk").values_list("search_text", flat=True))
    before = vectors()
    rebuild_claim_search(
        Claim, Appearance, Claim.objects.values_list("pk", flat=True), using="default"
    )
    assert list(Claim.objects.order_by("pk").values_list("search_text", flat=True)) == texts
    assert list(Appearance.objects.order_by("pk").values_list("search_text", flat=True)) == versions
    assert vectors() == before
    # French words are found without their accents, entities by their French alias.
    assert Claim.objects.search("securite").exists()
    entity = Entity.objects.filter(claims_about__isnull=False).first()
    alias = entity.aliases.get().name
    assert "é" in alias
    assert Claim.objects.search(alias.replace("é", "e")).filter(subject=entity).exists()


def test_the_same_seed_makes_the_same_corpus(db):
    call_command("generate_data", claims=20, seed=5, stdout=open("/dev/null", "w"))
    first = rows()
    # Made again beside the first (the review history cannot be deleted): the same claims.
    call_command("generate_data", claims=20, seed=5, stdout=open("/dev/null", "w"))
    assert rows()[20:] == first


def test_generate_data_refuses_nothing_to_make(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_data", claims=0)


def test_the_corpus_is_a_desk_at_work(db, client, django_user_model):
    """Claims at every step of review, with their events and history rows; conflicts found
    by the engine on the versions that differ — a few, as on a desk; three years of activity."""
    call_command("generate_data", claims=400, seed=2, stdout=io.StringIO())
    statuses = Counter(Claim.objects.values_list("status", flat=True))
    assert statuses["new"] > statuses["reviewed"] > statuses["in_review"] > 0
    assert statuses["archived"] > 0
    assert not Claim.objects.filter(status="reviewed", verdict=None).exists()
    assert not Claim.objects.filter(status="in_review", assignee=None).exists()
    reviewed = Claim.objects.filter(status="reviewed").first()
    steps = reviewed.review_events.order_by("created_at", "id")
    assert [(e.action, e.new_value) for e in steps] == [
        ("status", "in_review"),
        ("status", "reviewed"),
        ("verdict", reviewed.verdict.label),
    ]
    # A history row for each claim and version made, and one for each moment a claim's
    # review changed it: the claim's version counts them.
    assert Claim.history.filter(history_type="+").count() == 400
    assert Appearance.history.filter(history_type="+").count() == Appearance.objects.count()
    for claim in Claim.objects.all()[:50]:
        assert claim.version == Claim.history.filter(id=claim.pk).count()
    assert Claim.history.filter(id=reviewed.pk).latest("history_date").status == "reviewed"
    # Versions mostly agree: the engine opened conflicts on some claims, not on most.
    several = Claim.objects.filter(appearances__isnull=False).distinct().count()
    conflicted = Claim.objects.filter(
        appearances__in=Conflict.objects.open().values("appearance_a")
    ).distinct()
    assert 0 < conflicted.count() < several / 3
    out = io.StringIO()
    call_command("detect_conflicts", stdout=out)
    assert "Conflicts opened: 0, closed: 0, reopened: 0, updated: 0" in out.getvalue()
    dates = Claim.objects.order_by("pk").values_list("created_at", flat=True)
    assert (dates.last() - dates.first()).days > 2 * 365
    assert ReviewEvent.objects.count() == sum(
        len(c.review_events.all()) for c in Claim.objects.prefetch_related("review_events")
    )
    # Ids were given by the generator: what the desk adds next takes the ones after.
    entity = Entity.objects.create(
        name="After the corpus", normalized_name="after the corpus", kind="person"
    )
    assert entity.pk > Entity.objects.exclude(pk=entity.pk).order_by("-pk").first().pk
    # The pages read it as the desk's own.
    client.force_login(django_user_model.objects.create_superuser("boss", password="x" * 12))
    page = client.get(f"/claims/{reviewed.pk}/")
    assert "verdict changed" in page.content.decode()
