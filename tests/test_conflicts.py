"""The contradiction engine on the database: detection, its paths, lifecycle and cost."""

import datetime
import importlib

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from claims.models import Appearance, Claim, Conflict, ReviewEvent
from claims.policy import SYSTEM
from claims.services import (
    current_value,
    delete_appearance,
    detect_conflicts,
    detect_in_batches,
    dismiss_conflict,
    flag_conflict,
    record_appearance,
    reopen_conflict,
    rescan,
    resolve_conflict,
    update_appearance,
)
from tests.factories import make_claim, make_entity, make_source, make_user


@pytest.fixture
def countries(db):
    return {name: make_entity(name=name) for name in ("United States", "Niger", "Morocco", "Italy")}


@pytest.fixture
def co_chairs(countries):
    return make_claim(
        value_type="entities", subject=make_entity(name="AFG", kind="group"), property="co-chairs"
    )


def version(claim, *members, source=None, **fields):
    return record_appearance(
        claim=claim,
        by=SYSTEM,
        source=source or make_source(),
        value_entities=members,
        **fields,
    )


@pytest.fixture
def disagreement(co_chairs, countries):
    us, niger, morocco, italy = countries.values()
    first = version(co_chairs, us, niger, morocco)
    second = version(co_chairs, us, niger, italy, morocco)
    return Conflict.objects.get(), first, second


def test_demo_co_chair_pair_gives_exactly_one_open_conflict_naming_italy(demo):
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    conflict = Conflict.objects.involving(claim).get()
    assert conflict.state == "open" and conflict.origin == "auto"
    assert "Italy: listed by «Le Maroc et la Coalition" in conflict.detail
    assert conflict.timing == "undated"
    assert "One version is undated" in conflict.detail


def test_demo_marrakech_ministerial_agrees_at_different_precisions(demo):
    claim = Claim.objects.get(property="held in")
    precisions = sorted(claim.appearances.values_list("value_date_precision", flat=True))
    assert precisions == ["month", "year"]
    assert not Conflict.objects.involving(claim).exists()
    assert current_value(claim).text == "2022-05"


def test_a_conflict_is_found_without_anyone_flagging_it(disagreement):
    conflict, first, second = disagreement
    assert (conflict.appearance_a, conflict.appearance_b) == (first, second)
    assert conflict.kind == "entity_set"
    event = ReviewEvent.objects.get()
    assert (event.action, event.actor) == ("conflict_detected", None)
    assert event.conflict_id == conflict.pk


def test_members_found_by_different_aliases_are_the_same_entity(co_chairs, countries):
    from claims.models import Alias, Entity

    Alias.objects.create(entity=countries["United States"], name="États-Unis")
    version(co_chairs, Entity.objects.named("Etats-Unis").get(), countries["Niger"])
    version(co_chairs, Entity.objects.named("united states").get(), countries["Niger"])
    assert not Conflict.objects.exists()


def test_claims_on_the_same_subject_and_property_are_compared_and_listed_as_duplicates(
    co_chairs, countries
):
    twin = make_claim(
        statement="Italy co-chairs it too.",
        value_type="entities",
        subject=co_chairs.subject,
        property="  Co-Chairs ",
    )
    other = make_claim(value_type="entities", subject=co_chairs.subject, property="members")
    first = version(co_chairs, countries["Niger"])
    second = version(twin, countries["Italy"])
    version(other, countries["Morocco"])
    conflict = Conflict.objects.get()
    assert {conflict.appearance_a, conflict.appearance_b} == {first, second}
    assert set(Claim.objects.same_fact_as(co_chairs)) == {co_chairs, twin}
    assert set(Claim.objects.with_possible_duplicates()) == {co_chairs, twin}
    assert Conflict.objects.involving(twin).get() == conflict


def test_detection_is_idempotent(disagreement):
    conflict, first, _ = disagreement
    before = (Conflict.objects.count(), ReviewEvent.objects.count(), conflict.history.count())
    result = detect_conflicts(first.claim, by=SYSTEM)
    assert (result.opened, result.closed, result.reopened, result.updated) == (0, 0, 0, 0)
    assert result.unchanged == 1
    assert before == (
        Conflict.objects.count(),
        ReviewEvent.objects.count(),
        conflict.history.count(),
    )


def test_a_conflict_whose_versions_come_to_agree_is_closed_with_a_note(disagreement, countries):
    conflict, first, _ = disagreement
    first.value_entities.add(countries["Italy"])
    result = detect_conflicts(first.claim, by=SYSTEM)
    conflict.refresh_from_db()
    assert result.closed == 1
    assert (conflict.state, conflict.resolution) == ("resolved", "now_agree")
    assert conflict.resolution_note == "Closed automatically: the two versions now agree."
    assert ReviewEvent.objects.filter(action="conflict_closed", conflict_id=conflict.pk).exists()


def test_a_resolved_conflict_whose_versions_change_is_reopened(disagreement, countries):
    conflict, first, second = disagreement
    reviewer = make_user("reviewer")
    resolve_conflict(conflict=conflict, by=reviewer, note="Italy joined later.", prevailing=second)
    detect_conflicts(first.claim, by=SYSTEM)
    conflict.refresh_from_db()
    assert conflict.state == "resolved"  # nothing changed: it stays resolved

    second.value_entities.remove(countries["Niger"])
    result = detect_conflicts(first.claim, by=SYSTEM)
    conflict.refresh_from_db()
    second.refresh_from_db()
    assert result.reopened == 1
    assert (conflict.state, conflict.resolution, conflict.prevailing) == ("open", "", None)
    assert "Niger: listed by" in conflict.detail
    assert second.rank == "normal"
    assert ReviewEvent.objects.filter(action="conflict_reopened", conflict_id=conflict.pk).exists()


def test_a_value_corrected_through_the_service_path_updates_an_open_conflict(disagreement):
    conflict, first, _ = disagreement
    first.value_entities.clear()
    detect_conflicts(first.claim, by=SYSTEM)
    conflict.refresh_from_db()
    assert conflict.state == "resolved"  # a version with no value says nothing


def test_a_conflict_flagged_by_hand_is_left_to_people(co_chairs, countries):
    first = version(co_chairs, countries["Niger"])
    second = version(co_chairs, countries["Niger"])
    flagged = flag_conflict(
        by=SYSTEM, appearance_a=first, appearance_b=second, detail="One is a rumour."
    )
    detect_conflicts(co_chairs, by=SYSTEM)
    flagged.refresh_from_db()
    assert (flagged.state, flagged.origin) == ("open", "manual")


def test_versions_no_longer_of_the_same_fact_close_their_conflict(co_chairs, countries):
    twin = make_claim(value_type="entities", subject=co_chairs.subject, property="co-chairs")
    version(co_chairs, countries["Niger"])
    version(twin, countries["Italy"])
    twin.property = "members"
    twin.save()
    detect_conflicts(twin, by=SYSTEM)
    conflict = Conflict.objects.get()
    assert conflict.state == "resolved"
    assert "no longer state the same fact" in conflict.resolution_note


def test_versions_at_different_times_are_labelled_a_possible_change_over_time(co_chairs, countries):
    version(
        co_chairs,
        countries["Niger"],
        source=make_source(published_on=datetime.date(2021, 1, 1), published_precision="year"),
    )
    version(
        co_chairs,
        countries["Niger"],
        countries["Italy"],
        as_of=datetime.date(2022, 5, 1),
        as_of_precision="month",
    )
    conflict = Conflict.objects.get()
    assert conflict.timing == "change_over_time"
    assert "holds as of 2021" in conflict.detail and "as of May 2022" in conflict.detail
    resolve_conflict(
        conflict=conflict, by=make_user("reviewer"), note="Italy joined in 2022.", both_hold=True
    )
    conflict.refresh_from_db()
    assert (conflict.state, conflict.resolution) == ("resolved", "both_hold")
    assert set(Appearance.objects.values_list("rank", flat=True)) == {"normal"}


@pytest.mark.parametrize("note", ["", "   "])
def test_resolve_and_dismiss_need_a_note(disagreement, note):
    conflict, _, second = disagreement
    reviewer = make_user("reviewer")
    with pytest.raises(ValidationError, match="Say why this version prevails"):
        resolve_conflict(conflict=conflict, by=reviewer, note=note, prevailing=second)
    with pytest.raises(ValidationError, match="not a real contradiction"):
        dismiss_conflict(conflict=conflict, by=reviewer, note=note)
    conflict.refresh_from_db()
    assert conflict.state == "open"
    assert not ReviewEvent.objects.exclude(action="conflict_detected").exists()


def test_resolving_ranks_the_versions_and_sets_the_current_value(disagreement, countries):
    conflict, first, second = disagreement
    assert current_value(first.claim).basis == "disputed"
    reviewer = make_user("reviewer")
    resolve_conflict(conflict=conflict, by=reviewer, note="Italy joined later.", prevailing=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.rank, second.rank) == ("deprecated", "preferred")
    assert "Italy joined later." in second.rank_reason
    value = current_value(first.claim)
    assert value.basis == "preferred"
    assert value.text == "{Italy, Morocco, Niger, United States}"
    event = ReviewEvent.objects.get(action="conflict_resolved")
    assert (event.actor, event.note) == (reviewer, "Italy joined later.")


def test_a_version_outside_the_pair_cannot_prevail(disagreement, co_chairs, countries):
    conflict, *_ = disagreement
    outsider = version(co_chairs)
    with pytest.raises(ValidationError, match="one of the two versions"):
        resolve_conflict(conflict=conflict, by=make_user("reviewer"), note="x", prevailing=outsider)


def test_dismiss_then_reopen(disagreement):
    conflict, *_ = disagreement
    reviewer = make_user("reviewer")
    dismiss_conflict(conflict=conflict, by=reviewer, note="Same list, one is older.")
    with pytest.raises(ValidationError, match="reopen it first"):
        dismiss_conflict(conflict=conflict, by=reviewer, note="again")
    reopen_conflict(conflict=conflict, by=reviewer, note="A newer source disagrees.")
    conflict.refresh_from_db()
    assert conflict.state == "open"
    actions = list(ReviewEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["conflict_detected", "conflict_dismissed", "conflict_reopened"]


@pytest.mark.parametrize("versions", [3, 30])
def test_detection_costs_the_same_queries_for_3_and_30_versions(
    co_chairs, countries, django_assert_max_num_queries, versions
):
    source = make_source()
    # One version lists Italy, the others Niger: every pair is compared (3 or 435 pairs), and
    # the odd one out conflicts with each of the others (2 or 29 conflicts).
    for index in range(versions):
        member = countries["Italy"] if index == 0 else countries["Niger"]
        Appearance.objects.create(claim=co_chairs, source=source).value_entities.set([member])
    # savepoint, the fact's advisory lock (PostgreSQL only), the fact group's claims found then
    # locked, versions, their entities, existing conflicts, the claims' last activity, insert
    # the conflicts and their history, the claims of their versions found and their open
    # conflicts counted, insert the review events, release: 14, whatever the pairs. (SQLite splits
    # a bulk write of thousands of rows into batches of 999 parameters; that is the driver's
    # limit, not a query per pair.)
    bound = 14 if connection.vendor == "postgresql" else 13
    with django_assert_max_num_queries(bound):
        detect_conflicts(co_chairs, by=SYSTEM)
    assert Conflict.objects.count() == versions - 1
    # Once the odd version agrees, closing every conflict is one bulk update and its history.
    Appearance.objects.order_by("pk").first().value_entities.set([countries["Niger"]])
    with django_assert_max_num_queries(bound):
        result = detect_conflicts(co_chairs, by=SYSTEM)
    assert result.closed == versions - 1


def test_command_rescans_everything_and_summarises(demo, capsys):
    Conflict.objects.all().delete()
    call_command("detect_conflicts", batch_size=5)
    output = capsys.readouterr().out
    assert "16/16 claims" in output
    assert "Claims scanned: 16. Conflicts opened: 1, closed: 0" in output
    call_command("detect_conflicts")
    assert "Conflicts opened: 0, closed: 0, reopened: 0, updated: 0, unchanged: 1." in (
        capsys.readouterr().out
    )


def test_command_scans_one_claim(demo, capsys):
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    call_command("detect_conflicts", claim=claim.pk)
    assert "Claims scanned: 1." in capsys.readouterr().out


@pytest.fixture
def reviewer_client(client, demo):
    """The admin is for administrators (reviewers decide conflicts in the pages): the demo's
    admin, who may do all a reviewer may."""
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_the_claim_page_shows_why_it_conflicts_and_its_current_value(reviewer_client):
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    content = reviewer_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content
    content = content.decode()
    assert "Italy: listed by «Le Maroc et la Coalition" in content
    assert "one version is undated" in content
    assert "its versions disagree" in content


def test_resolving_on_the_conflict_page_is_recorded_in_the_history(reviewer_client):
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    conflict = Conflict.objects.involving(claim).get()
    url = reverse("admin:claims_conflict_change", args=[conflict.pk])
    data = {"kind": conflict.kind, "detail": conflict.detail, "decision": "prevails_b"}
    response = reviewer_client.post(url, data)
    assert response.status_code == 200
    assert "A note is required" in response.content.decode()

    data["decision_note"] = "Italy joined as co-chair later."
    response = reviewer_client.post(url, data)
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert (conflict.state, conflict.prevailing) == ("resolved", conflict.appearance_b)
    event = claim.review_events.get(action="conflict_resolved")
    assert (event.actor.username, event.note) == ("admin", "Italy joined as co-chair later.")
    assert conflict.history.first().history_user.username == "admin"


def test_adding_a_version_in_the_admin_runs_the_engine(reviewer_client, countries):
    claim = Claim.objects.get(property="held in")
    source = claim.appearances.first().source
    response = reviewer_client.post(
        reverse("admin:claims_appearance_add"),
        {
            "claim": claim.pk,
            "source": source.pk,
            "attribution": "paraphrase",
            "rank": "normal",
            "value_date": "2021-05-01",
            "value_date_precision": "month",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Conflict.objects.involving(claim).filter(state="open").count() == 2

    added = claim.appearances.latest("pk")
    reviewer_client.force_login(get_user_model().objects.get(username="admin"))
    response = reviewer_client.post(
        reverse("admin:claims_appearance_delete", args=[added.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Conflict.objects.involving(claim).exists()


def test_deleting_an_entity_listed_in_a_version_compares_the_versions_again(reviewer_client):
    from claims.models import Entity

    reviewer_client.force_login(get_user_model().objects.get(username="admin"))
    italy = Entity.objects.get(name="Italy")
    response = reviewer_client.post(
        reverse("admin:claims_entity_delete", args=[italy.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    conflict = Conflict.objects.involving(claim).get()
    assert (conflict.state, conflict.resolution) == ("resolved", "now_agree")


def _engine_state():
    """What the engine decides: every conflict and every version's rank (not the times)."""
    conflicts = Conflict.objects.values_list(
        "appearance_a", "appearance_b", "origin", "state", "resolution", "fingerprint", "kind"
    )
    return set(conflicts), set(Appearance.objects.values_list("pk", "rank", "version"))


def _counts(result):
    return result.opened, result.closed, result.reopened, result.updated


@pytest.fixture
def out_of_step(countries):
    """Facts of every kind, brought in step by the services, then changed behind the engine's
    back (as a restore from a backup or a fix in SQL would): a set that comes to differ, a
    date conflict whose versions come to agree, a decided conflict whose version changes, an
    open number conflict whose value changes but still differs, a claim moved to another
    property, a fact whose claims' options differ, and what must stay as it is (a conflict
    flagged by hand, an unstructured claim, a claim without versions)."""
    us, niger, morocco, italy = countries.values()
    reviewer = make_user("reviewer")
    chairs = make_claim(value_type="entities", property="co-chairs")
    twin = make_claim(value_type="entities", subject=chairs.subject, property="Co-Chairs")
    version(chairs, us, niger)
    drifting = version(twin, us, niger)

    founded = make_claim(value_type="date", property="founded")
    version(founded, value_date=datetime.date(2019, 1, 1), value_date_precision="year")
    late = version(founded, value_date=datetime.date(2020, 1, 1), value_date_precision="year")
    version(founded, value_date=datetime.date(2019, 5, 1), value_date_precision="month")

    members = make_claim(value_type="number", property="members")
    kept = version(members, value_number=12)
    beaten = version(members, value_number=14)
    decided = Conflict.objects.involving(members).get()
    resolve_conflict(conflict=decided, by=reviewer, note="The newer count.", prevailing=kept)

    staff = make_claim(value_type="number", property="staff")
    version(staff, value_number=300)
    recount = version(staff, value_number=350)

    budget = make_claim(value_type="number", property="budget", tolerance=10)
    strict = make_claim(value_type="number", subject=budget.subject, property="budget")
    version(budget, value_number=100)
    version(strict, value_number=105)  # compared with its own options: a conflict

    ratified = make_claim(value_type="boolean", property="ratified")
    moved = make_claim(value_type="boolean", subject=ratified.subject, property="ratified")
    version(ratified, value_boolean=True)
    version(moved, value_boolean=False)

    free = make_claim()
    a, b = version(free), version(free)
    flag_conflict(appearance_a=a, appearance_b=b, detail="They differ in tone.", by=reviewer)
    make_claim(value_type="text", property="motto")

    assert Conflict.objects.count() == 7
    Appearance.value_entities.through.objects.filter(appearance=drifting, entity=niger).update(
        entity=italy
    )
    Appearance.objects.filter(pk=late.pk).update(value_date=datetime.date(2019, 1, 1))
    Appearance.objects.filter(pk=beaten.pk).update(value_number=15)
    Appearance.objects.filter(pk=recount.pk).update(value_number=400)
    Claim.objects.filter(pk=moved.pk).update(property="signed", property_key="signed")


def test_a_rescan_writes_what_the_engine_would_and_nothing_more(out_of_step):
    # The engine over every claim, as the oracle, then undone.
    with transaction.atomic():
        expected = detect_in_batches(Claim.objects.all(), by=SYSTEM)
        decided = _engine_state()
        transaction.set_rollback(True)
    assert _counts(expected) == (1, 4, 1, 1)  # closed: two of dates, the move, the budget

    result = rescan(by=SYSTEM)
    assert _counts(result) == _counts(expected)
    assert result.unchanged == expected.unchanged
    assert _engine_state() == decided
    reopened = Conflict.objects.get(resolution="", appearance_a__claim__property="members")
    assert reopened.state == "open"
    assert set(reopened.appearance_a.claim.appearances.values_list("rank", flat=True)) == {"normal"}
    assert _counts(rescan(by=SYSTEM)) == (0, 0, 0, 0)
    assert _counts(detect_in_batches(Claim.objects.all(), by=SYSTEM)) == (0, 0, 0, 0)


@pytest.mark.parametrize("facts", [2, 20])
def test_a_rescan_of_facts_in_step_reads_and_writes_the_same_whatever_their_number(
    countries, django_assert_max_num_queries, facts
):
    us, niger, *_ = countries.values()
    for _ in range(facts):
        claim = make_claim(value_type="entities")
        version(claim, us, niger)
        version(claim, us)
    # The conflicts, then every claim with its versions (savepoint and release around it).
    with django_assert_max_num_queries(4):
        result = rescan(by=SYSTEM)
    assert (result.unchanged, _counts(result)) == (facts, (0, 0, 0, 0))


def test_the_command_rescans_with_a_progress_bar(out_of_step, capsys):
    call_command("detect_conflicts")
    output = capsys.readouterr().out
    assert f"{Claim.objects.count()}/{Claim.objects.count()} claims" in output
    assert "Conflicts opened: 1, closed: 4, reopened: 1, updated: 1" in output


def test_a_speakers_page_lists_the_conflicts_of_what_they_said_on_either_side(
    client, co_chairs, countries
):
    us, niger, morocco, italy = countries.values()
    minister, envoy = make_entity(name="A minister", kind="person"), make_entity(name="An envoy")
    version(co_chairs, us, niger, speaker=minister)
    version(co_chairs, us, italy, speaker=envoy)
    other = make_claim(value_type="number", property="members")
    version(other, value_number=3, speaker=envoy)
    version(other, value_number=4)
    client.force_login(make_user("editor"))
    pages = {
        speaker: client.get(reverse("claims:entity-detail", args=[speaker.pk])).content.decode()
        for speaker in (minister, envoy)
    }
    # The minister's version is side a of one conflict; the envoy's, side b of it and side a
    # of the other.
    listed = {
        speaker: {
            conflict.pk for conflict in Conflict.objects.all() if f"#conflict-{conflict.pk}" in page
        }
        for speaker, page in pages.items()
    }
    assert len(listed[minister]) == 1 and len(listed[envoy]) == 2
    assert listed[minister] < listed[envoy]


def test_each_claim_counts_the_open_conflicts_of_its_versions_on_either_side(client, countries):
    us, niger, morocco, italy = countries.values()
    reviewer = make_user("reviewer")
    chairs = make_claim(value_type="entities", property="co-chairs")
    twin = make_claim(value_type="entities", subject=chairs.subject, property="co-chairs")
    other = make_claim(value_type="entities", property="members")
    version(chairs, us, niger)
    listing_italy = version(twin, us, italy)
    version(other, us)

    def counts():
        claims = Claim.objects.filter(pk__in=[chairs.pk, twin.pk, other.pk]).order_by("pk")
        return list(claims.values_list("open_conflicts", flat=True))

    assert counts() == [1, 1, 0]  # filed under one claim, counted on both
    client.force_login(reviewer)
    page = client.get(reverse("claims:claim-list"), {"has_open_conflict": "true"})
    assert page.content.decode().count("1 open conflict") == 2
    conflict = Conflict.objects.get()
    dismiss_conflict(conflict=conflict, by=reviewer, note="Two lists of different years.")
    assert counts() == [0, 0, 0]
    reopen_conflict(conflict=conflict, by=reviewer)
    assert counts() == [1, 1, 0]
    # A version moved to another claim: its conflict with the first fact is closed (no longer
    # the same fact), one with the other claim's version opened.
    update_appearance(
        appearance=listing_italy, by=reviewer, based_on=listing_italy.version, claim=other
    )
    assert counts() == [0, 0, 1]
    moved_back = Appearance.objects.get(pk=listing_italy.pk)
    update_appearance(appearance=moved_back, by=reviewer, based_on=moved_back.version, claim=twin)
    assert counts() == [1, 1, 0]  # the engine reopened it
    delete_appearance(appearance=Appearance.objects.get(pk=listing_italy.pk), by=SYSTEM)
    assert counts() == [0, 0, 0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's statistics")
def test_a_rescan_that_doubles_the_conflicts_brings_the_planners_statistics_up_to_date(
    countries, monkeypatch
):
    us, niger, *_ = countries.values()
    for _ in range(4):
        claim = make_claim(value_type="entities")
        version(claim, us, niger)
        version(claim, us)
    Conflict.objects.all().delete()  # as a restore without them
    Claim.objects.update(open_conflicts=0)
    # The module (``claims.services.rescan`` is also the function's name there).
    monkeypatch.setattr(importlib.import_module("claims.services.rescan"), "ANALYZE_AFTER", 1)

    assert rescan(by=SYSTEM, batch_size=1).opened == 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'claims_conflict'")
        # Analysed after 1, 2 and 4 (the table doubled): the statistics count all four.
        assert cursor.fetchone()[0] == 4
