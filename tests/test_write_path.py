"""One write path and one gate: the admin writes through the services, Revert is not offered,
ranks change only by a decision, the policy has no silent default, a decision makes an open
form stale, and the review history cannot be rewritten by any ORM path (nor, on PostgreSQL,
by SQL)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import ProgrammingError, connection, transaction
from django.urls import reverse

from claims import policy
from claims.models import (
    Appearance,
    Claim,
    Conflict,
    Evidence,
    ReviewEvent,
    ReviewEventImmutable,
    Source,
)
from claims.services import (
    add_evidence,
    change_evidence,
    claim_timeline,
    flag_conflict,
    rank_version,
    remove_evidence,
    resolve_conflict,
    start_review,
    update_appearance,
)
from tests.factories import make_appearance, make_claim, make_source


def user(name):
    return get_user_model().objects.get(username=name)


def co_chairs():
    return Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")


@pytest.fixture
def admin_client(client, demo, service_writes_only):
    client.force_login(user("admin"))
    return client


# --- The admin -----------------------------------------------------------------------------------


def test_revert_is_not_offered_and_a_posted_revert_is_refused(admin_client):
    conflict = Conflict.objects.involving(co_chairs()).get()
    resolve_conflict(
        conflict=conflict,
        by=user("reviewer"),
        note="Italy joined.",
        prevailing=conflict.appearance_b,
    )
    record = conflict.history.order_by("history_id").first()  # the open conflict
    url = reverse("admin:claims_conflict_simple_history", args=[conflict.pk, record.history_id])
    page = admin_client.get(url).content.decode()
    assert "Revert" not in page
    events = ReviewEvent.objects.count()
    response = admin_client.post(url, {"kind": conflict.kind, "detail": "Rewritten."})
    assert response.status_code == 403
    conflict.refresh_from_db()
    assert conflict.state == "resolved" and conflict.detail != "Rewritten."
    assert ReviewEvent.objects.count() == events


def test_a_posted_revert_of_a_source_cannot_put_old_text_back(admin_client):
    from claims.services import change_source

    source = Source.objects.order_by("pk").first()
    old_record = source.history.order_by("history_id").first()
    change_source(source=source, by=user("admin"), text="Ajout. " + source.text)
    url = reverse("admin:claims_source_simple_history", args=[source.pk, old_record.history_id])
    response = admin_client.post(url, {"title": source.title, "text": old_record.text})
    assert response.status_code == 403
    source.refresh_from_db()
    assert source.text.startswith("Ajout. ")
    for version in source.appearances.all():
        assert source.text[version.start : version.end] == version.quote


def test_a_rank_cannot_be_set_in_the_admin(admin_client):
    version = co_chairs().appearances.order_by("pk").first()
    url = reverse("admin:claims_appearance_change", args=[version.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "rank" not in form.fields
    data = {
        "claim": version.claim_id,
        "source": version.source_id,
        "attribution": version.attribution,
        "quote": version.quote,
        "start": version.start,
        "end": version.end,
        "value_entities": [e.pk for e in version.value_entities.all()],
        "based_on": version.version,
        "rank": "preferred",
        "rank_reason": "Because.",
    }
    admin_client.post(url, data)
    version.refresh_from_db()
    assert version.rank == "normal"
    assert co_chairs().conflicts.get().state == "open"


def test_an_admin_save_refused_by_a_service_shows_the_message_and_writes_nothing(admin_client):
    # Two aliases that fold to the same key once were an IntegrityError; a name too long
    # once folded is refused on the form.
    url = reverse("admin:claims_entity_add")
    data = {
        "name": "ß" * 200,
        "kind": "country",
        "aliases-TOTAL_FORMS": 2,
        "aliases-INITIAL_FORMS": 0,
        "aliases-0-name": "Etats-Unis",
        "aliases-1-name": "États Unis",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "too long once spelled out" in response.content.decode()
    data["name"] = "Pays test"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    from claims.models import Entity

    assert list(Entity.objects.get(name="Pays test").aliases.values_list("name", flat=True)) == [
        "Etats-Unis"
    ]


def test_a_stale_admin_form_cannot_undo_a_conflict_decision(admin_client):
    claim = co_chairs()
    version = claim.appearances.order_by("pk").first()
    url = reverse("admin:claims_appearance_change", args=[version.pk])
    opened = admin_client.get(url).context["adminform"].form["based_on"].value()
    conflict = Conflict.objects.involving(claim).get()
    resolve_conflict(
        conflict=conflict,
        by=user("reviewer"),
        note="Italy joined.",
        prevailing=conflict.appearance_b,
    )
    response = admin_client.post(
        url,
        {
            "claim": version.claim_id,
            "source": version.source_id,
            "attribution": "reported",
            "quote": version.quote,
            "start": version.start,
            "end": version.end,
            "value_entities": [e.pk for e in version.value_entities.all()],
            "based_on": opened,
        },
    )
    assert response.status_code == 200
    assert "changed by someone else since you opened it" in response.content.decode()
    version.refresh_from_db()
    assert (version.rank, version.attribution) != ("normal", "reported")
    assert version.rank in ("preferred", "deprecated")


def test_deleting_in_the_admin_goes_through_the_service(admin_client):
    claim = co_chairs()
    response = admin_client.post(
        reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"}, follow=True
    )
    # It has a review history (its conflict was detected): archived, never deleted.
    assert "Cannot delete claim" in response.content.decode()
    assert Claim.objects.filter(pk=claim.pk).exists()


# --- The policy -----------------------------------------------------------------------------------


def test_nobody_is_refused_and_the_tracker_acts_by_name(demo):
    assert not policy.can(None, "add_source")
    with pytest.raises(PermissionDenied, match="Nobody is acting"):
        start_review(claim=co_chairs(), by=None)
    assert policy.can(policy.SYSTEM, "review_claim")


def test_every_action_of_the_policy_is_checked_by_a_service():
    from pathlib import Path

    services = "".join(
        path.read_text() for path in Path(policy.__file__).parent.glob("services/*.py")
    )
    unchecked = [action for action in policy.ACTIONS if f'"{action}"' not in services]
    assert unchecked == []


def test_ranks_change_only_by_a_decision_or_a_reviewer(demo):
    version = co_chairs().appearances.order_by("pk").first()
    with pytest.raises(Exception, match="cannot be set here"):
        update_appearance(
            appearance=version, by=user("editor"), based_on=version.version, rank="preferred"
        )
    with pytest.raises(PermissionDenied):
        rank_version(appearance=version, by=user("editor"), rank="preferred", reason="Mine.")
    rank_version(appearance=version, by=user("reviewer"), rank="deprecated", reason="Outdated.")
    version.refresh_from_db()
    assert (version.rank, version.version) == ("deprecated", 2)
    event = ReviewEvent.objects.get(action="rank")
    assert (event.actor.username, event.old_value, event.new_value) == (
        "reviewer",
        "normal",
        "deprecated",
    )


# --- The timeline ---------------------------------------------------------------------------------


def test_the_timeline_shows_evidence_sets_and_conflict_edits(demo):
    claim = co_chairs()
    editor = user("editor")
    source = Source.objects.order_by("pk").first()
    evidence = Evidence.objects.filter(claim=claim).first() or add_evidence(
        claim=claim, source=source, by=editor, stance="supports"
    )
    change_evidence(evidence=evidence, by=editor, stance="refutes", note="Read again.")
    remove_evidence(evidence=evidence, by=user("admin"))
    version = claim.appearances.order_by("pk").first()
    from claims.models import Entity

    update_appearance(
        appearance=version,
        by=editor,
        based_on=version.version,
        value_entities=[Entity.objects.get(name="Niger")],
    )
    first, second = claim.appearances.order_by("pk")[:2]
    flagged = Conflict.objects.involving(claim).get()
    assert flagged.origin == "auto"
    whats = {(entry.what, entry.actor): entry for entry in claim_timeline(claim)}
    assert ("evidence changed", "editor") in whats
    assert "refutes" in whats[("evidence changed", "editor")].detail
    assert ("evidence removed", "admin") in whats
    changed = whats[("version changed", "editor")].detail
    assert "value: entities" in changed and "“Niger”" in changed


def test_a_hand_flagged_conflict_edit_is_in_the_timeline(demo):
    claim = make_claim(statement="Edited conflict")
    source = make_source()
    a = make_appearance(claim=claim, source=source, quote="Le Maroc")
    b = make_appearance(claim=claim, source=source, quote="le Niger")
    from claims.services import change_conflict

    conflict = flag_conflict(appearance_a=a, appearance_b=b, detail="Rumour.", by=user("editor"))
    change_conflict(conflict=conflict, by=user("admin"), kind="other", detail="A denial.")
    entry = next(e for e in claim_timeline(claim) if e.what == "conflict edited")
    assert entry.actor == "admin" and "Rumour." in entry.detail and "A denial." in entry.detail
    with pytest.raises(Exception, match="detected automatically"):
        auto = Conflict.objects.involving(co_chairs()).get()
        change_conflict(conflict=auto, by=user("admin"), kind="other", detail="Mine.")


# --- The review history cannot be rewritten -------------------------------------------------------


@pytest.fixture
def event(demo):
    return ReviewEvent.objects.order_by("pk").first()


def test_no_orm_path_rewrites_or_deletes_a_review_event(event):
    original = (event.action, event.note)
    impostor = ReviewEvent(pk=event.pk, claim=event.claim, action="note", note="Rewritten.")
    with pytest.raises(ReviewEventImmutable):
        impostor.save()
    with pytest.raises(ReviewEventImmutable):
        ReviewEvent.objects.bulk_create(
            [impostor], update_conflicts=True, unique_fields=["id"], update_fields=["note"]
        )
    with pytest.raises(ReviewEventImmutable):
        ReviewEvent._base_manager.filter(pk=event.pk).update(note="Rewritten.")
    with pytest.raises(ReviewEventImmutable):
        ReviewEvent._base_manager.filter(pk=event.pk).delete()
    with pytest.raises(ReviewEventImmutable):
        ReviewEvent.objects.bulk_update([impostor], ["note"])
    event.refresh_from_db()
    assert (event.action, event.note) == original


def test_loaddata_cannot_overwrite_a_review_event(event, tmp_path):
    fixture = tmp_path / "events.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "claims.reviewevent",
                    "pk": event.pk,
                    "fields": {"claim": event.claim_id, "action": "note", "note": "Rewritten."},
                }
            ]
        )
    )
    with pytest.raises(ReviewEventImmutable):
        call_command("loaddata", str(fixture), verbosity=0)
    event.refresh_from_db()
    assert event.note != "Rewritten."


@pytest.mark.skipif(connection.vendor != "postgresql", reason="A trigger of PostgreSQL's.")
def test_the_database_refuses_to_rewrite_a_review_event(event):
    for sql in (
        "UPDATE claims_reviewevent SET note = 'Rewritten.' WHERE id = %s",
        "DELETE FROM claims_reviewevent WHERE id = %s",
    ):
        with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.note != "Rewritten."


def test_appearance_written_outside_a_service_fails_the_guard(demo, service_writes_only):
    with pytest.raises(AssertionError, match="outside a service"):
        Appearance.objects.filter(pk=co_chairs().appearances.first().pk).first().save()
