"""Optimistic locking: nobody's edit silently overwrites another's."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.urls import reverse

from claims.models import Appearance, Claim, ReviewEvent
from claims.services import StaleVersion, start_review, update_appearance, update_claim
from tests.factories import make_appearance, make_claim, make_user


@pytest.fixture
def people(db):
    return make_user("editor", username="eddie"), make_user("reviewer", username="rita")


def test_a_stale_claim_save_is_refused_with_what_changed_and_changes_nothing(people):
    editor, reviewer = people
    claim = make_claim(statement="Morocco co-chairs the group.")
    update_claim(claim=Claim.objects.get(pk=claim.pk), by=reviewer, based_on=1, statement="Fixed.")
    with pytest.raises(StaleVersion) as refused:
        update_claim(claim=claim, by=editor, based_on=1, statement="Mine.")
    message = " ".join(refused.value.messages)
    assert "changed by someone else since you opened it (your version 1)" in message
    assert "version 2 by rita" in message
    assert "statement “Morocco co-chairs the group.” → “Fixed.”" in message
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.statement, stored.version) == ("Fixed.", 2)
    assert stored.history.count() == 2


def test_a_workflow_step_on_a_stale_version_is_refused(people):
    editor, reviewer = people
    claim = make_claim()
    seen = Claim.objects.get(pk=claim.pk)
    update_claim(claim=claim, by=editor, based_on=1, statement="Edited meanwhile.")
    with pytest.raises(StaleVersion):
        start_review(claim=seen, by=reviewer)
    assert Claim.objects.get(pk=claim.pk).status == "new"
    assert not ReviewEvent.objects.exists()


def test_a_stale_version_save_is_refused(people):
    editor, reviewer = people
    appearance = make_appearance()
    update_appearance(appearance=appearance, by=reviewer, based_on=1, attribution="reported")
    with pytest.raises(StaleVersion, match="attribution"):
        update_appearance(
            appearance=Appearance.objects.get(pk=appearance.pk),
            by=editor,
            based_on=1,
            attribution="direct_quote",
        )
    assert Appearance.objects.get(pk=appearance.pk).attribution == "reported"


def test_side_by_side_in_the_admin_the_second_save_shows_what_changed(client, demo):
    users = {user.username: user for user in get_user_model().objects.all()}
    claim = Claim.objects.get(property="held in")
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    # The administrator opens the claim (version 1); meanwhile the reviewer edits it.
    client.force_login(users["admin"])
    form = client.get(url).context["adminform"].form
    assert form["based_on"].value() == 1
    update_claim(claim=claim, by=users["reviewer"], based_on=1, statement="The reviewer's words.")
    response = client.post(
        url,
        {
            "statement": "The administrator's words.",
            "subject": claim.subject_id,
            "property": claim.property,
            "value_type": claim.value_type,
            "based_on": 1,
            **{
                f"{prefix}-{key}": 0
                for prefix in ("appearances", "conflicts", "evidence", "review_events")
                for key in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "changed by someone else since you opened it" in content
    assert "version 2 by reviewer" in content
    assert Claim.objects.get(pk=claim.pk).statement == "The reviewer's words."


def test_a_review_step_posted_from_a_stale_page_is_refused_with_a_message(client, demo):
    users = {user.username: user for user in get_user_model().objects.all()}
    claim = Claim.objects.get(property="held in")
    update_claim(claim=claim, by=users["editor"], based_on=1, statement="Edited meanwhile.")
    client.force_login(users["reviewer"])
    response = client.post(
        reverse("claims:claim-review", args=[claim.pk]),
        {"step": "start_review", "based_on": 1},
        follow=True,
    )
    assert "version 2 by editor" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "new"


THREADS = 8


def test_concurrent_saves_of_one_version_exactly_one_wins(reference_data):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: there is no concurrent save to race.")
    editors = [make_user("editor", username=f"editor{n}") for n in range(THREADS)]
    claim = make_claim(statement="Original.")
    barrier = threading.Barrier(THREADS)
    outcomes = []

    def save(editor, number):
        try:
            mine = Claim.objects.get(pk=claim.pk)
            barrier.wait()
            update_claim(claim=mine, by=editor, based_on=1, statement=f"Version {number}.")
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(e, n)) for n, e in enumerate(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["saved"] + ["stale"] * (THREADS - 1)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.version == 2
    assert stored.history.filter(version=2).count() == 1
