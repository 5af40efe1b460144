"""The review workflow's rules, the four-eyes rule, a claim's timeline and a speaker's track
record."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims.models import Appearance, Claim, Conflict, Verdict
from claims.policy import SYSTEM
from claims.services import (
    archive,
    assign,
    claim_timeline,
    confirm_verdict,
    delete_appearance,
    mark_reviewed,
    merge_claims,
    reopen,
    resolve_conflict,
    send_back,
    start_review,
    update_appearance,
    update_claim,
)
from tests.factories import make_appearance, make_claim, make_entity, make_user


@pytest.fixture
def reviewer(db):
    return make_user("reviewer", username="rita")


@pytest.fixture
def second_reviewer(db):
    return make_user("reviewer", username="sam")


@pytest.fixture
def accurate(db):
    return Verdict.objects.get(slug="accurate")


def fresh(claim):
    return Claim.objects.get(pk=claim.pk)


def test_a_claim_goes_from_new_to_in_review_to_reviewed(reviewer, accurate):
    claim = start_review(claim=make_claim(), by=reviewer)
    claim = mark_reviewed(claim=claim, by=reviewer, verdict=accurate, note="Checked.")
    claim = fresh(claim)
    assert (claim.status, claim.verdict, claim.version) == ("reviewed", accurate, 3)
    actions = list(claim.review_events.order_by("pk").values_list("action", "new_value"))
    assert actions == [("status", "in_review"), ("status", "reviewed"), ("verdict", "Accurate")]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            lambda claim, by, verdict: mark_reviewed(claim=claim, by=by, verdict=verdict, note="x"),
            "Put the claim in review before marking it reviewed",
        ),
        (
            lambda claim, by, verdict: start_review(claim=start_review(claim=claim, by=by), by=by),
            "Only a new claim can be put in review",
        ),
        (
            lambda claim, by, verdict: mark_reviewed(
                claim=start_review(claim=claim, by=by), by=by, verdict=None, note="x"
            ),
            "Choose a verdict.",
        ),
        (
            lambda claim, by, verdict: mark_reviewed(
                claim=start_review(claim=claim, by=by), by=by, verdict=verdict, note="  "
            ),
            "Explain the verdict in a note.",
        ),
        (
            lambda claim, by, verdict: archive(claim=claim, by=by, note=""),
            "Say why the claim is archived.",
        ),
        (
            lambda claim, by, verdict: archive(
                claim=archive(claim=claim, by=by, note="x"), by=by, note="again"
            ),
            "already archived",
        ),
        (
            lambda claim, by, verdict: reopen(claim=claim, by=by, note="x"),
            "Only a reviewed or archived claim can be reopened",
        ),
        (
            lambda claim, by, verdict: reopen(
                claim=archive(claim=claim, by=by, note="x"), by=by, note=""
            ),
            "Say why the claim is reopened.",
        ),
        (
            lambda claim, by, verdict: assign(claim=claim, to=None, by=by),
            "already assigned so",
        ),
        (
            lambda claim, by, verdict: update_claim(
                claim=claim, by=by, based_on=1, status="reviewed"
            ),
            "change through the review workflow",
        ),
        (
            lambda claim, by, verdict: confirm_verdict(claim=claim, by=by),
            "No verdict is waiting for a second reviewer",
        ),
    ],
)
def test_each_workflow_rule_refuses_with_its_message(reviewer, accurate, step, message):
    claim = make_claim()
    with pytest.raises(ValidationError) as refused:
        step(claim, reviewer, accurate)
    assert message in " ".join(refused.value.messages)


def test_a_claim_with_open_conflicts_cannot_be_marked_reviewed(demo, accurate):
    reviewer = get_user_model().objects.get(username="reviewer")
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    claim = start_review(claim=claim, by=reviewer)
    with pytest.raises(ValidationError, match="1 open conflict"):
        mark_reviewed(claim=claim, by=reviewer, verdict=accurate, note="Checked.")
    assert fresh(claim).status == "in_review"


def test_archived_claim_returns_to_the_status_it_had(reviewer, accurate):
    claim = mark_reviewed(
        claim=start_review(claim=make_claim(), by=reviewer),
        by=reviewer,
        verdict=accurate,
        note="Checked.",
    )
    claim = archive(claim=claim, by=reviewer, note="Old news.")
    claim = reopen(claim=claim, by=reviewer, note="In the news again.")
    assert (fresh(claim).status, fresh(claim).verdict) == ("reviewed", accurate)
    claim = reopen(claim=claim, by=reviewer, note="New evidence.")
    assert fresh(claim).status == "in_review"


def test_only_someone_who_works_on_claims_can_be_assigned(reviewer):
    outsider = get_user_model().objects.create_user("outsider")
    with pytest.raises(ValidationError, match="outsider cannot work on claims"):
        assign(claim=make_claim(), to=outsider, by=reviewer)
    editor = make_user("editor", username="eddie")
    claim = assign(claim=make_claim(), to=editor, by=reviewer)
    event = claim.review_events.get()
    assert (event.action, event.old_value, event.new_value) == ("assignee", "", "eddie")


def test_a_reviewed_claim_cannot_be_deleted_in_the_admin(client, reviewer, accurate):
    claim = mark_reviewed(
        claim=start_review(claim=make_claim(), by=reviewer), by=reviewer, verdict=accurate, note="x"
    )
    client.force_login(make_user("admin"))
    response = client.post(reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


# --- Four eyes ----------------------------------------------------------------------------------


@pytest.fixture
def four_eyes(settings):
    settings.FOUR_EYES_REVIEW = True


def test_four_eyes_a_verdict_waits_for_a_second_reviewer(
    four_eyes, reviewer, second_reviewer, accurate
):
    claim = start_review(claim=make_claim(), by=reviewer)
    claim = mark_reviewed(claim=claim, by=reviewer, verdict=accurate, note="Checked.")
    assert (fresh(claim).status, fresh(claim).proposed_verdict) == ("in_review", accurate)
    with pytest.raises(ValidationError, match="someone other than rita"):
        confirm_verdict(claim=fresh(claim), by=reviewer)
    confirm_verdict(claim=fresh(claim), by=second_reviewer, note="Agreed.")
    claim = fresh(claim)
    assert (claim.status, claim.verdict, claim.proposed_verdict) == ("reviewed", accurate, None)
    actions = list(claim.review_events.order_by("pk").values_list("action", "actor__username"))
    assert actions == [
        ("status", "rita"),
        ("verdict_proposed", "rita"),
        ("verdict_confirmed", "sam"),
        ("status", "sam"),
        ("verdict", "sam"),
    ]


def test_four_eyes_sending_back_records_the_disagreement(
    four_eyes, reviewer, second_reviewer, accurate
):
    claim = start_review(claim=make_claim(), by=reviewer)
    claim = mark_reviewed(claim=claim, by=reviewer, verdict=accurate, note="Checked.")
    with pytest.raises(ValidationError, match="Say why you send the verdict back"):
        send_back(claim=fresh(claim), by=second_reviewer, note="")
    send_back(claim=fresh(claim), by=second_reviewer, note="The 2021 report says otherwise.")
    claim = fresh(claim)
    assert (claim.status, claim.verdict, claim.proposed_verdict) == ("in_review", None, None)
    event = claim.review_events.get(action="verdict_sent_back")
    assert event.actor == second_reviewer
    assert event.old_value == "Accurate, proposed by rita"
    assert event.note == "The 2021 report says otherwise."


def test_four_eyes_is_off_by_default(reviewer, accurate):
    claim = start_review(claim=make_claim(), by=reviewer)
    mark_reviewed(claim=claim, by=reviewer, verdict=accurate, note="Checked.")
    assert fresh(claim).status == "reviewed"


# --- The timeline -------------------------------------------------------------------------------


def test_the_timeline_of_a_demo_claim_tells_every_step_in_order(demo, client):
    users = {user.username: user for user in get_user_model().objects.all()}
    reviewer, editor = users["reviewer"], users["editor"]
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    claim = update_claim(
        claim=claim, by=editor, based_on=claim.version, statement="Who co-chairs the group?"
    )
    claim = assign(claim=claim, to=reviewer, by=users["admin"])
    claim = start_review(claim=claim, by=reviewer)
    conflict = Conflict.objects.involving(claim).get()
    resolve_conflict(
        conflict=conflict,
        by=reviewer,
        note="Italy joined as co-chair later.",
        prevailing=conflict.appearance_b,
    )
    claim = mark_reviewed(
        claim=fresh(claim),
        by=reviewer,
        verdict=Verdict.objects.get(slug="mostly-accurate"),
        note="Morocco co-chairs; the list grew.",
    )

    timeline = claim_timeline(claim)
    oldest_first = [(entry.what, entry.actor) for entry in reversed(timeline)]
    expected = [
        ("claim created", "the tracker"),
        ("version added", "the tracker"),
        ("conflict detected", "the tracker"),
        ("claim edited", "editor"),
        ("assignment changed", "admin"),
        ("status changed", "reviewer"),
        ("version changed", "reviewer"),  # ranked deprecated
        ("version changed", "reviewer"),  # ranked preferred
        ("conflict resolved", "reviewer"),
        ("status changed", "reviewer"),
        ("verdict changed", "reviewer"),
    ]
    steps = iter(oldest_first)
    for step in expected:
        assert step in steps, f"{step} missing or out of order in {oldest_first}"
    entries = {entry.what: entry for entry in timeline}
    assert "Who co-chairs the group?" in entries["claim edited"].detail
    assert entries["conflict resolved"].note == "Italy joined as co-chair later."
    assert entries["verdict changed"].detail == "Mostly accurate"
    assert [e.at for e in timeline] == sorted((e.at for e in timeline), reverse=True)

    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "Italy joined as co-chair later." in page and "Timeline" in page


def test_the_admin_review_panel_takes_a_step_and_comes_back(client, demo):
    client.force_login(get_user_model().objects.get(username="admin"))
    claim = Claim.objects.get(property="held in")
    admin_page = reverse("admin:claims_claim_change", args=[claim.pk])
    assert f'action="/claims/{claim.pk}/review/"' in client.get(admin_page).content.decode()
    response = client.post(
        reverse("claims:claim-review", args=[claim.pk]),
        {"step": "start_review", "based_on": 1, "next": admin_page},
    )
    assert response["Location"] == admin_page
    assert fresh(claim).status == "in_review"
    response = client.post(
        reverse("claims:claim-review", args=[claim.pk]),
        {"step": "archive", "note": "x", "based_on": 2, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("claims:claim-detail", args=[claim.pk])


def _record(client, speaker) -> list[tuple[str, str]]:
    """A speaker's track record as their page shows it: (verdict, count) rows."""
    page = client.get(reverse("claims:entity-detail", args=[speaker.pk])).content.decode()
    record = page.split('id="record"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', record)


def test_a_speakers_track_record_follows_reviews_versions_and_merges(
    client, reviewer, accurate, settings
):
    false = Verdict.objects.get(slug="inaccurate")
    minister, envoy = make_entity(name="A minister"), make_entity(name="An envoy")
    claims = [make_claim() for _ in range(3)]
    for claim in claims:
        make_appearance(claim=claim, speaker=minister)
    make_appearance(claim=claims[0], speaker=minister)  # a claim said twice counts once
    moved = make_appearance(claim=claims[2], speaker=envoy)
    for claim, verdict in zip(claims, [accurate, accurate, false], strict=True):
        claim = start_review(claim=claim, by=reviewer)
        mark_reviewed(claim=claim, by=reviewer, verdict=verdict, note="Checked.")
    client.force_login(reviewer)
    assert _record(client, minister) == [("Accurate", "2"), ("Inaccurate", "1")]
    assert _record(client, envoy) == [("Inaccurate", "1")]

    reopen(claim=fresh(claims[1]), by=reviewer, note="A new source.")
    update_appearance(appearance=moved, by=reviewer, based_on=moved.version, speaker=minister)
    assert _record(client, minister) == [("Accurate", "1"), ("Inaccurate", "1")]
    assert _record(client, envoy) == []

    # Merged into a reviewed claim, the duplicate's speaker made it; then a version goes.
    said = make_appearance(claim=claims[1], speaker=envoy)
    duplicate = fresh(claims[1])
    merge_claims(duplicate=duplicate, into=claims[0], by=reviewer, based_on=duplicate.version)
    assert _record(client, envoy) == [("Accurate", "1")]
    delete_appearance(appearance=Appearance.objects.get(pk=said.pk), by=SYSTEM)
    assert _record(client, envoy) == []

    settings.LANGUAGE_CODE = "fr"
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("claims:entity-detail", args=[minister.pk])).content.decode()
    assert "Bilan" in page and '<th scope="row">Exact</th><td>1</td>' in page
