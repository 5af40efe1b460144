import pytest
from django.core.exceptions import ValidationError

from claims.models import Alias, Entity
from claims.text import normalize_name
from tests.factories import make_entity


@pytest.fixture
def united_states(db):
    entity = make_entity(name="United States", wikidata_id="Q30")
    Alias.objects.create(entity=entity, name="États-Unis", language="fr")
    return entity


@pytest.mark.parametrize("typed", ["États-Unis", "etats-unis", "ETATS UNIS", " Etats  Unis "])
def test_alias_lookup_ignores_case_accents_and_punctuation(united_states, typed):
    assert list(Entity.objects.named(typed)) == [united_states]


def test_the_entity_name_counts_as_an_alias(united_states):
    assert list(Entity.objects.named("united states")) == [united_states]


def test_lookup_is_exact_not_a_substring_match(united_states):
    assert not Entity.objects.named("etats").exists()
    assert not Entity.objects.named("   ").exists()


def test_name_and_alias_matching_the_same_entity_give_it_once(united_states):
    Alias.objects.create(entity=united_states, name="United-States")
    assert Entity.objects.named("united states").count() == 1


def test_lookup_is_chainable(united_states):
    make_entity(name="Etats Unis", kind="group")
    assert Entity.objects.named("États-Unis").count() == 2
    assert list(Entity.objects.filter(kind="country").named("États-Unis")) == [united_states]


def test_renaming_an_entity_updates_its_lookup_key(united_states):
    united_states.name = "USA"
    united_states.save(update_fields=["name"])
    assert list(Entity.objects.named("usa")) == [united_states]


def test_normalize_name_folds_what_articles_spell_differently():
    assert normalize_name("Daech") != normalize_name("Daesh")
    assert normalize_name("groupe de réflexion Afrique") == "groupe de reflexion afrique"
    assert normalize_name("l’ISIS") == normalize_name("l'ISIS") == "l isis"


def test_wikidata_id_and_language_are_validated(db):
    entity = Entity(name="Morocco", kind="country", wikidata_id="1028")
    with pytest.raises(ValidationError) as refused:
        entity.full_clean()
    assert "Wikidata id is a Q followed by digits" in str(refused.value)
    alias = Alias(entity=make_entity(), name="Maroc", language="xx")
    with pytest.raises(ValidationError) as refused:
        alias.full_clean()
    assert "not an ISO 639-1 language code" in str(refused.value)


def test_duplicate_alias_is_refused_with_a_message(united_states):
    alias = Alias(entity=united_states, name="Etats-Unis")
    alias.normalized = normalize_name(alias.name)
    with pytest.raises(ValidationError) as refused:
        alias.full_clean()
    assert "already has this alias" in str(refused.value)
