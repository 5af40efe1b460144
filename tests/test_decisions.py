"""Deciding a fact's value: a disagreement's conflicts read as the values they oppose, one
decision for all of them, named by their sources, dates and values, with nothing chosen in
advance — through the service and through the claim page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims.models import Appearance, Conflict, ReviewEvent
from claims.policy import SYSTEM
from claims.services import (
    current_value,
    decide_value,
    disagreement_of,
    record_appearance,
    resolve_conflict,
    update_claim,
)
from tests.factories import make_claim, make_entity, make_source, make_user
from tests.responses import body

pytestmark = pytest.mark.usefixtures("service_writes_only")


@pytest.fixture
def countries(db):
    return {name: make_entity(name=name) for name in ("Morocco", "Niger", "Italy", "Chad")}


@pytest.fixture
def reviewer(db):
    return make_user("reviewer")


def version(claim, *members, title="Communiqué", published_on=None, precision="day", **fields):
    dated = {"published_on": published_on, "published_precision": precision} if published_on else {}
    source = make_source(title=title, **dated)
    return record_appearance(
        claim=claim, by=SYSTEM, source=source, value_entities=members, **fields
    )


@pytest.fixture
def italy_disputed(countries):
    """Two sources list Morocco and Niger; a third adds Italy: two conflicts, one question."""
    claim = make_claim(value_type="entities", property="co-chairs")
    morocco, niger, italy = countries["Morocco"], countries["Niger"], countries["Italy"]
    pair = [
        version(claim, morocco, niger, title="Niamey", published_on=datetime.date(2023, 3, 2)),
        version(claim, morocco, niger, title="Rabat", published_on=datetime.date(2023, 4, 1)),
    ]
    odd = version(claim, morocco, niger, italy, title="Marrakech",
                  published_on=datetime.date(2022, 5, 1), precision="month")  # fmt: skip
    return claim, pair, odd


def test_a_disagreement_reads_as_the_values_with_the_versions_stating_them(italy_disputed):
    claim, pair, odd = italy_disputed
    disagreement = disagreement_of(claim)
    assert len(disagreement.conflicts) == 2
    values = {value.text: [w.source for w in value.witnesses] for value in disagreement.values}
    assert values == {
        "{Italy, Morocco, Niger}": ["Marrakech"],
        "{Morocco, Niger}": ["Niamey", "Rabat"],
    }
    dates = [w.date for value in disagreement.values for w in value.witnesses]
    assert dates == ["May 2022", "2 March 2023", "1 April 2023"]


def test_one_decision_settles_every_conflict_of_the_value(italy_disputed, reviewer):
    claim, pair, odd = italy_disputed
    disagreement = disagreement_of(claim)
    decide_value(
        claim=claim,
        by=reviewer,
        conflict_ids=[c.pk for c in disagreement.conflicts],
        decision="holds",
        holds=pair[1],
        note="Italy left the group in 2022.",
    )
    conflicts = Conflict.objects.filter(claim=claim)
    assert {(c.state, c.resolution) for c in conflicts} == {("resolved", "prevails")}
    assert {c.prevailing_id for c in conflicts} == {pair[0].pk, pair[1].pk}
    ranks = dict(Appearance.objects.filter(claim=claim).values_list("pk", "rank"))
    assert ranks == {pair[0].pk: "preferred", pair[1].pk: "preferred", odd.pk: "deprecated"}
    assert current_value(claim).text == "{Morocco, Niger}"
    assert disagreement_of(claim) is None
    assert ReviewEvent.objects.filter(claim=claim, action="conflict_resolved").count() == 2


def test_with_three_values_the_two_set_aside_are_resolved_as_another_value(countries, reviewer):
    claim = make_claim(value_type="entities", property="co-chairs")
    morocco, niger, italy, chad = countries.values()
    kept = version(claim, morocco, niger)
    others = [version(claim, morocco, italy), version(claim, morocco, chad)]
    disagreement = disagreement_of(claim)
    assert len(disagreement.conflicts) == 3 and len(disagreement.values) == 3
    decide_value(claim=claim, by=reviewer, conflict_ids=[c.pk for c in disagreement.conflicts],
                 decision="holds", holds=kept, note="Confirmed by the ministry.")  # fmt: skip
    between_others = Conflict.objects.get(appearance_a__in=others, appearance_b__in=others)
    assert (between_others.resolution, between_others.prevailing) == ("another", None)
    assert {a.rank for a in Appearance.objects.filter(pk__in=[o.pk for o in others])} == {
        "deprecated"
    }


def test_a_decision_on_what_changed_since_is_refused_and_writes_nothing(italy_disputed, reviewer):
    claim, pair, odd = italy_disputed
    shown = [c.pk for c in disagreement_of(claim).conflicts]
    # Meanwhile an editor records another version listing Chad: a third conflict.
    version(claim, make_entity(name="Chad"), title="Ndjamena")
    with pytest.raises(ValidationError, match="changed since the page was shown"):
        decide_value(claim=claim, by=reviewer, conflict_ids=shown, decision="holds",
                     holds=odd, note="Italy is a co-chair.")  # fmt: skip
    assert set(Conflict.objects.filter(claim=claim).values_list("state", flat=True)) == {"open"}
    assert not Appearance.objects.filter(claim=claim).exclude(rank="normal").exists()


@pytest.mark.parametrize(
    ("decision", "note", "message"),
    [("holds", "Why not.", "Choose the value"), ("dismiss", "  ", "Say why"), ("x", "n", "Choose")],
)
def test_an_incomplete_decision_is_refused(italy_disputed, reviewer, decision, note, message):
    claim, _pair, _odd = italy_disputed
    ids = [c.pk for c in disagreement_of(claim).conflicts]
    with pytest.raises(ValidationError, match=message):
        decide_value(claim=claim, by=reviewer, conflict_ids=ids, decision=decision, note=note)


def test_a_fixed_fact_offers_no_change_over_time(countries, reviewer):
    claim = make_claim(value_type="date", property="launch date", changes_over_time=False)
    earlier = version(claim, title="A", value_date=datetime.date(2021, 1, 1),
                      value_date_precision="year", as_of=datetime.date(2021, 6, 1),
                      as_of_precision="day")  # fmt: skip
    version(claim, title="B", value_date=datetime.date(2022, 1, 1), value_date_precision="year",
            as_of=datetime.date(2023, 6, 1), as_of_precision="day")  # fmt: skip
    conflict = Conflict.objects.get(claim=claim)
    assert conflict.timing == "" and "change over time" not in conflict.detail
    assert not disagreement_of(claim).may_each_hold
    with pytest.raises(ValidationError, match="fixed once for all"):
        resolve_conflict(conflict=conflict, by=reviewer, note="Both.", both_hold=True)
    # Said to change over time, the same versions may be a change: the engine says so.
    update_claim(claim=claim, by=SYSTEM, based_on=claim.version, changes_over_time=True)
    conflict.refresh_from_db()
    assert conflict.timing == "change_over_time"
    assert earlier.pk in (conflict.appearance_a_id, conflict.appearance_b_id)


# --- On the claim page ------------------------------------------------------------------------


def test_the_claim_page_asks_one_question_with_nothing_chosen(client, italy_disputed, reviewer):
    claim, pair, odd = italy_disputed
    client.force_login(reviewer)
    page = body(client.get(reverse("claims:claim-detail", args=[claim.pk])))
    form = page[
        page.index('id="decision-form"') : page.index("</form>", page.index('id="decision-form"'))
    ]
    assert form.count('type="radio"') == 4  # two values, each at its date, dismiss
    assert "checked" not in form
    assert "Marrakech, May 2022" in form and "Niamey, 2 March 2023 · Rabat, 1 April 2023" in form
    assert 'id="conflict-' not in page, "the two conflicts are decided together"
    french = body(
        client.get(reverse("claims:claim-detail", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    )
    assert "Marrakech, mai 2022" in french and "Niamey, 2 mars 2023" in french


def test_a_refused_decision_comes_back_with_its_note_and_the_reason(
    client, italy_disputed, reviewer
):
    claim, pair, odd = italy_disputed
    client.force_login(reviewer)
    ids = ",".join(str(c.pk) for c in disagreement_of(claim).conflicts)
    url = reverse("claims:claim-decide", args=[claim.pk])
    response = client.post(url, {"conflicts": ids, "note": "Italy left in 2022."})
    assert response.status_code == 200
    page = body(response)
    assert "Choose what holds." in page and "Italy left in 2022.</textarea>" in page
    assert 'data-refused="true"' in page
    response = client.post(url, {"conflicts": ids, "choice": f"holds:{pair[0].pk}", "note": ""})
    page = body(response)
    assert "Say why" in page and f'value="holds:{pair[0].pk}" required checked' in page
    assert set(Conflict.objects.values_list("state", flat=True)) == {"open"}
    decided = client.post(url, {"conflicts": ids, "choice": f"holds:{pair[0].pk}", "note": "Sure."})
    assert decided.status_code == 302 and decided["Location"].endswith("#conflicts")
    assert set(Conflict.objects.values_list("state", flat=True)) == {"resolved"}
    page = body(client.get(reverse("claims:claim-detail", args=[claim.pk])))
    assert 'class="differs"' not in page, "a version set aside no longer makes the others differ"
    assert "Reopen this conflict" in page and 'name="decision" value="reopen"' in page


def test_htmx_gets_a_refusal_in_place_and_a_decision_as_a_reload(client, italy_disputed, reviewer):
    claim, pair, _odd = italy_disputed
    client.force_login(reviewer)
    ids = ",".join(str(c.pk) for c in disagreement_of(claim).conflicts)
    url = reverse("claims:claim-decide", args=[claim.pk])
    refused = client.post(url, {"conflicts": ids, "note": "n"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and 'id="disagreement"' in body(refused)
    decided = client.post(url, {"conflicts": ids, "choice": f"holds:{pair[0].pk}", "note": "n"},
                          HTTP_HX_REQUEST="true")  # fmt: skip
    assert decided.status_code == 200 and decided["HX-Refresh"] == "true"
    assert disagreement_of(claim) is None
