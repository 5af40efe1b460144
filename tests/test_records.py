"""A source's and a publisher's track record, computed from outcomes: the ranks decisions gave
its versions, the verdicts of the reviewed claims it states or supports."""

import pytest
from django.urls import reverse

from claims.models import Evidence, Verdict
from claims.services import source_record
from claims.services.base import service_context
from tests.factories import make_appearance, make_claim, make_entity, make_source, make_user


@pytest.fixture
def desk(db):
    """A publisher with two sources. The wire: a version preferred, one set aside, one left
    normal; a claim it states reviewed accurate, one it supports as evidence reviewed
    inaccurate, one it states not reviewed yet. The other source: one version set aside."""
    accurate, inaccurate = (Verdict.objects.get(slug=s) for s in ("accurate", "inaccurate"))
    agency = make_entity(name="Agence Maghreb Presse", kind="organization")
    wire = make_source(title="Dépêche", publisher=agency)
    other = make_source(title="Bulletin", publisher=agency)
    stated = make_claim(statement="Stated, accurate.", status="reviewed", verdict=accurate)
    supported = make_claim(
        statement="Supported, inaccurate.", status="reviewed", verdict=inaccurate
    )
    pending = make_claim(statement="Stated, in review.", status="in_review")
    make_appearance(claim=stated, source=wire, rank="preferred", rank_reason="Decided: holds.")
    make_appearance(claim=pending, source=wire, rank="deprecated", rank_reason="Set aside.")
    make_appearance(claim=pending, source=wire)
    make_appearance(claim=supported, source=other, rank="deprecated", rank_reason="Set aside.")
    make_appearance(claim=make_claim(statement="Elsewhere."), source=make_source(title="Autre"))
    with service_context():
        Evidence.objects.create(claim=supported, source=wire, stance="supports")
        Evidence.objects.create(claim=stated, source=other, stance="refutes")
    return {"agency": agency, "wire": wire, "other": other}


def figures(record):
    return (
        {rank: count for rank, _label, count in record.ranks},
        {verdict.slug: count for verdict, count in record.verdicts},
    )


def test_a_sources_record_counts_ranks_and_the_verdicts_of_what_it_states_or_supports(desk):
    from claims.models import Source

    wire = Source.objects.filter(pk=desk["wire"].pk)
    assert figures(source_record(wire)) == (
        {"preferred": 1, "normal": 1, "deprecated": 1},
        {"accurate": 1, "inaccurate": 1},  # not the claim in review
    )
    # A source that refutes a claim does not count its verdict.
    other = Source.objects.filter(pk=desk["other"].pk)
    assert figures(source_record(other)) == (
        {"preferred": 0, "normal": 0, "deprecated": 1},
        {"inaccurate": 1},
    )


def test_a_publishers_record_adds_up_its_sources(desk):
    assert figures(source_record(desk["agency"].published_sources.all())) == (
        {"preferred": 1, "normal": 1, "deprecated": 2},
        {"accurate": 1, "inaccurate": 1},  # each claim once
    )


def test_the_source_and_publisher_pages_show_their_records(client, desk):
    client.force_login(make_user("editor"))
    page = client.get(reverse("claims:source-detail", args=[desk["wire"].pk])).content.decode()
    record = page[page.index('id="source-record"') :]
    assert "preferred: 1" in record and "deprecated: 1" in record
    assert "Accurate: 1" in record and "Inaccurate: 1" in record
    page = client.get(reverse("claims:entity-detail", args=[desk["agency"].pk])).content.decode()
    assert "As a publisher" in page and "deprecated: 2" in page
    french = client.get(
        reverse("claims:entity-detail", args=[desk["agency"].pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "En tant qu’éditeur" in french and "Exact : 1" in french
    # An entity that published nothing has no such panel.
    speaker = make_entity(name="Nobody in particular")
    page = client.get(reverse("claims:entity-detail", args=[speaker.pk])).content.decode()
    assert "As a publisher" not in page


def test_the_claims_list_filters_by_its_sources_record(client, desk):
    client.force_login(make_user("editor"))

    def listed(value):
        page = client.get(reverse("claims:claim-list"), {"source_record": value})
        return sorted(claim.statement for claim in page.context["page"])

    # Each claim with a version in a source that has a version set aside (the wire, the
    # bulletin) — not the claim elsewhere.
    assert listed("deprecated") == [
        "Stated, accurate.",
        "Stated, in review.",
        "Supported, inaccurate.",
    ]
    assert listed("preferred") == ["Stated, accurate.", "Stated, in review."]
    assert len(listed("")) == 4
