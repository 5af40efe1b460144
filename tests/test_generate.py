"""The benchmark corpus: realistic, deterministic, and searched as the desk's own data."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from claims.models import Appearance, Claim, Entity, Source
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
    Appearance.objects.all().delete()
    Claim.objects.all().delete()
    call_command("generate_data", claims=20, seed=5, stdout=open("/dev/null", "w"))
    assert rows() == first


def test_generate_data_refuses_nothing_to_make(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_data", claims=0)
