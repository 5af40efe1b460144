import datetime

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from claims.models import Appearance, Claim, Conflict, Entity, Source
from claims.services import load_demo


def counts():
    return {model.__name__: model.objects.count() for model in apps.get_models()}


def test_load_demo_twice_gives_the_same_counts(db):
    load_demo()
    first = counts()
    second_run = load_demo()
    assert counts() == first
    assert sum(second_run.created.values()) == 0


def test_demo_has_both_sources_the_second_dated_to_the_month(demo):
    undated = Source.objects.get(title__startswith="Le Maroc réaffirme")
    dated = Source.objects.get(title__startswith="Le Maroc et la Coalition")
    assert (undated.published_on, undated.published_precision) == (None, "")
    assert (dated.published_on, dated.published_precision) == (datetime.date(2022, 5, 1), "month")
    assert dated.text.startswith(" date 2022-05 Marrakech")


def test_every_demo_quote_is_anchored_in_its_source(demo):
    appearances = Appearance.objects.select_related("source")
    assert appearances.count() >= 12
    for appearance in appearances:
        assert appearance.source.text[appearance.start : appearance.end] == appearance.quote
        assert appearance.prefix or appearance.start == 0


def test_demo_has_at_least_twelve_claims_with_speakers(demo):
    assert Claim.objects.count() >= 12
    chekkori = Entity.objects.named("Chekkori").get()
    assert Appearance.objects.filter(speaker=chekkori).count() == 3


@pytest.mark.parametrize(
    ("spelling", "entity"),
    [
        ("Cluster Afrique", "Africa Focus Group"),
        ("groupe de réflexion Afrique", "Africa Focus Group"),
        ("Daech", "Daesh"),
        ("ISIS", "Daesh"),
        ("l'ISIS", "Daesh"),
        ("Etats-Unis", "United States"),
        ("États-Unis", "United States"),
        ("Etats Unis", "United States"),
    ],
)
def test_demo_aliases_as_the_articles_spell_them(demo, spelling, entity):
    assert Entity.objects.named(spelling).get().name == entity


def test_demo_co_chair_claim_has_two_versions_and_a_conflict(demo):
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    versions = [
        {entity.name for entity in appearance.value_entities.all()}
        for appearance in claim.appearances.order_by("source__title")
        if appearance.value_entities.exists()
    ]
    assert versions == [
        {"United States", "Niger", "Italy", "Morocco"},
        {"United States", "Niger", "Morocco"},
    ]
    conflict = Conflict.objects.get(claim=claim)
    assert (conflict.state, conflict.origin, conflict.timing) == ("open", "auto", "undated")
    assert "Italy" in conflict.detail
    assert claim.review_events.get().action == "conflict_detected"


def test_demo_users_log_in_with_the_printed_passwords(db, capsys):
    call_command("load_demo", force=True)
    output = capsys.readouterr().out
    for username, password in [
        ("editor", "demo-editor-pass"),
        ("reviewer", "demo-reviewer-pass"),
        ("admin", "demo-admin-pass"),
    ]:
        assert f"{username:<10} password: {password}" in output
        # As the login page does: with the request (login throttling reads its address).
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password=password)
        assert user is not None and user.groups.filter(name=username).exists()


def test_load_demo_refuses_to_publish_passwords_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="passwords are published"):
        call_command("load_demo")
    assert not Source.objects.exists()


def test_only_the_demo_administrator_is_staff(db):
    from django.contrib.auth import get_user_model

    from claims.services import load_demo

    load_demo()
    User = get_user_model()
    User.objects.filter(username="editor").update(is_staff=True)  # an older demo's
    load_demo()
    staff = set(User.objects.filter(is_staff=True).values_list("username", flat=True))
    assert staff == {"admin"}
