"""Claims that none happened: their scope, their search records, and the conflict with a
version that reports an occurrence in their period."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims.models import Claim, Conflict, ConflictKind, SearchRecord, ValueType
from claims.policy import SYSTEM
from claims.services import (
    add_search_record,
    create_claim,
    detect_conflicts,
    record_appearance,
    rescan,
)
from tests.factories import make_claim, make_entity, make_source, make_user

NO_INCIDENT = "No terrorist incident was recorded in Morocco in 2021."


def no_incident():
    return Claim.objects.get(statement=NO_INCIDENT)


def report_an_incident(on: str, precision: str = "day", *, text="Un attentat a eu lieu."):
    """Another claim, of the same subject and property, dated: an occurrence."""
    morocco = no_incident().subject
    claim = create_claim(
        by=SYSTEM,
        statement=f"A terrorist incident took place in Morocco on {on}.",
        subject=morocco,
        property="Terrorist incident",  # spelt otherwise: the same property, folded
        value_type=ValueType.DATE,
    )
    source = make_source(title="Agence", text=text)
    year, *rest = on.split("-")
    date = datetime.date(
        int(year), int(rest[0]) if rest else 1, int(rest[1]) if len(rest) > 1 else 1
    )
    record_appearance(
        claim=claim,
        source=source,
        by=SYSTEM,
        quote=text,
        value_date=date,
        value_date_precision=precision,
    )
    return claim


def test_the_demo_claim_of_absence_shows_its_scope_search_and_origins(client, demo):
    claim = no_incident()
    assert claim.value_type == ValueType.ABSENCE
    client.force_login(make_user("editor"))
    page = client.get(reverse("claims:claim-detail", args=[claim.pk])).content.decode()
    scope = page[page.index('id="scope"') : page.index("</section>", page.index('id="scope"'))]
    for told in ("terrorist incident", "Morocco", "2021", "US Department of State"):
        assert told in scope
    assert "Country Reports on Terrorism 2021: Morocco (US Department of State)" in scope
    assert "nothing found" in scope and "2021-01-01" in scope and "2021-12-31" in scope
    assert "<strong>1 independent origin</strong>" in page
    french = client.get(
        reverse("claims:claim-detail", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Portée" in french and "rien trouvé" in french
    assert "aucun en 2021" in french


def test_an_occurrence_in_the_period_conflicts_with_the_absence(demo):
    incident = report_an_incident("2021-08-12")
    conflict = Conflict.objects.get(kind=ConflictKind.ABSENCE)
    assert conflict.kind == ConflictKind.ABSENCE and conflict.state == "open"
    assert {conflict.appearance_a.claim, conflict.appearance_b.claim} == {no_incident(), incident}
    assert conflict.detail.startswith("«Le Maroc réaffirme son engagement")
    assert conflict.detail.endswith(
        "» says none were recorded in 2021; «Agence» reports one on 12 August 2021."
    )
    # The claim that none happened cannot be marked reviewed while it stands.
    assert no_incident().open_conflicts == 1


def test_occurrences_outside_the_period_or_not_within_it_do_not_conflict(demo):
    report_an_incident("2022-03-01")  # another year
    report_an_incident("2020-12-31", text="Un attentat la veille du Nouvel An.")
    assert not Conflict.objects.filter(kind=ConflictKind.ABSENCE).exists()


def test_an_occurrence_known_loosely_does_not_contradict_a_narrower_period():
    from claims.dates import PreciseDate
    from claims.services.comparison import Absence, Version, differ

    none_in_may = Version(1, "A", Absence(PreciseDate(datetime.date(2021, 5, 1), "month")))
    in_2021 = Version(2, "B", PreciseDate(datetime.date(2021, 1, 1), "year"))
    on_may_3 = Version(3, "C", PreciseDate(datetime.date(2021, 5, 3), "day"))
    none_in_2021 = Version(4, "D", Absence(PreciseDate(datetime.date(2021, 1, 1), "year")))
    assert not differ(none_in_may, in_2021, value_type="absence")
    assert differ(none_in_may, on_may_3, value_type="date")
    assert differ(in_2021, none_in_2021, value_type="absence")  # within it: contradicted
    assert not differ(none_in_may, none_in_2021, value_type="absence")  # both say none


def test_two_occurrences_are_compared_as_the_dates_they_are(db):
    morocco = make_entity(name="Morocco")
    claims = [
        make_claim(value_type="date", subject=morocco, property="founded", changes_over_time=False)
        for _ in range(2)
    ]
    for claim, year in zip(claims, (1956, 1957), strict=True):
        record_appearance(
            claim=claim,
            source=make_source(),
            by=SYSTEM,
            value_date=datetime.date(year, 1, 1),
            value_date_precision="year",
        )
    assert Conflict.objects.get().kind == ConflictKind.DATE


def test_the_rescan_finds_what_the_engine_finds(demo):
    from tests.factories import make_appearance

    incident = make_claim(
        statement="An incident.", value_type="date", subject=no_incident().subject,
        property="terrorist incident",
    )  # fmt: skip
    # Written past the services: the engine has not compared it yet.
    make_appearance(
        claim=incident, value_date=datetime.date(2021, 8, 1), value_date_precision="month"
    )
    summary = rescan(by=SYSTEM)
    assert summary.opened == 1
    assert Conflict.objects.get(kind=ConflictKind.ABSENCE).state == "open"
    # In step: nothing to do the second time, nor for the engine.
    assert rescan(by=SYSTEM).opened == 0
    result = detect_conflicts(no_incident(), by=SYSTEM)
    assert (result.opened, result.updated, result.unchanged) == (0, 0, 1)


def test_a_search_record_is_for_a_claim_of_absence_only_and_says_what_was_found(db):
    claim = make_claim(value_type="absence", subject=make_entity(), property="incident")
    record = add_search_record(
        claim=claim,
        by=SYSTEM,
        searched="Global Terrorism Database",
        url="https://example.org/gtd",
        query="country=Morocco year=2021",
        covered_from=datetime.date(2021, 1, 1),
        covered_to=datetime.date(2021, 12, 31),
        searched_on=datetime.date(2026, 11, 20),
        found_nothing=False,
        found="2021-08-12 Casablanca\r\n2021-09-01 Rabat\r\n",
    )
    assert record.items == ["2021-08-12 Casablanca", "2021-09-01 Rabat"]
    with pytest.raises(ValidationError, match="not both, not neither"):
        add_search_record(
            claim=claim, by=SYSTEM, searched="X", query="y", searched_on=datetime.date.today(),
            found_nothing=True, found="Something",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="ends before it starts"):
        add_search_record(
            claim=claim, by=SYSTEM, searched="X", query="y", searched_on=datetime.date.today(),
            covered_from=datetime.date(2022, 1, 1), covered_to=datetime.date(2021, 1, 1),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="claim that none happened"):
        add_search_record(
            claim=make_claim(), by=SYSTEM, searched="X", query="y",
            searched_on=datetime.date.today(),
        )  # fmt: skip
    assert SearchRecord.objects.count() == 1


def test_an_editor_records_a_search_on_the_claim_page(client, demo):
    editor = make_user("editor")
    client.force_login(editor)
    claim = no_incident()
    response = client.post(
        reverse("claims:search-record-add", args=[claim.pk]),
        {
            "searched": "Global Terrorism Database",
            "url": "start.umd.edu/gtd",
            "query": "country=Morocco\r\nyear=2021",
            "covered_from": "2021-01-01",
            "covered_to": "2021-12-31",
            "searched_on": "2026-11-20",
            "found_nothing": "on",
            "found": "",
        },
        follow=True,
    )
    assert "Search recorded." in response.content.decode()
    record = claim.search_records.get(searched="Global Terrorism Database")
    assert (record.url, record.query, record.added_by) == (
        "https://start.umd.edu/gtd",
        "country=Morocco\r\nyear=2021".replace("\r\n", "\n"),
        editor,
    )


def test_who_recorded_it_is_for_a_claim_of_absence_only(db):
    with pytest.raises(ValidationError, match="names who recorded it"):
        create_claim(
            by=SYSTEM, statement="Morocco has 37 million inhabitants.", value_type="number",
            subject=make_entity(), property="population", recorded_by=make_entity(),
        )  # fmt: skip
