"""Importing schema.org ClaimReview (README, "ClaimReview import"): partners' feeds with their
ratings mapped to the desk's verdicts (by name in any language and case, or by value on the
publisher's scale), unmapped ratings reported and nothing written, schema.org's own examples,
and this tracker's feed read back."""

import hashlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from claims.interchange import records_of, sniff
from claims.models import (
    Claim,
    ClaimStatus,
    Entity,
    EntityKind,
    Evidence,
    RatingMapping,
    ReviewAction,
    ReviewEvent,
    Source,
    SourceKind,
    Verdict,
)
from claims.policy import SYSTEM
from claims.services import import_records, save_rating_mapping
from tests import jsonld
from tests.factories import make_user
from tests.test_import import Rollback, desk_at_work, row_counts, upload


def import_reviews(document, *, by=SYSTEM):
    file = io.BytesIO(json.dumps(document, ensure_ascii=False).encode())
    return import_records(records=records_of(file, "claimreview"), by=by)


def verdict(slug: str) -> Verdict:
    return Verdict.objects.get(slug=slug)


def mapping(*, verdict_slug: str, **fields) -> RatingMapping:
    return save_rating_mapping(
        mapping=RatingMapping(verdict=verdict(verdict_slug), **fields), by=SYSTEM
    )


def review(statement, rating, *, publisher="Les Décodeurs", speaker="Jean Dupont", **more):
    """A ClaimReview as a fact-checker publishes it."""
    slug = hashlib.sha256(statement.encode()).hexdigest()[:12]
    return {
        "@type": "ClaimReview",
        "url": f"https://factcheck.example.org/{slug}",
        "datePublished": "2021-07-02",
        "inLanguage": "fr",
        "author": {"@type": "Organization", "name": publisher, "url": "https://example.org"},
        "claimReviewed": statement,
        "reviewRating": {"@type": "Rating", **rating},
        "itemReviewed": {
            "@type": "Claim",
            "author": {
                "@type": "Person",
                "name": speaker,
                "sameAs": ["https://fr.wikipedia.org/wiki/X", "https://www.wikidata.org/wiki/Q42"],
            },
            "datePublished": "2021-06-28",
            "appearance": [
                {"@type": "CreativeWork", "url": f"https://news.example.org/{slug}",
                 "name": "Interview"},
                {"@type": "CreativeWork", "url": f"https://tv.example.org/{slug}", "name": "Débat"},
            ],
        },
        **more,
    }  # fmt: skip


def feed(*reviews) -> dict:
    return {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": list(reviews)}


@pytest.fixture
def mappings(db):
    mapping(publisher="Les Décodeurs", label="faux", verdict_slug="inaccurate")
    mapping(label="Pants on Fire", verdict_slug="inaccurate")
    mapping(publisher="Full Fact", rating_value=2, worst_rating=1, best_rating=5,
            verdict_slug="misleading")  # fmt: skip


def test_a_partners_feed_comes_in_with_its_ratings_mapped(mappings):
    report = import_reviews(
        feed(
            # French, in capitals: the publisher's own mapping, case and accents aside.
            review("Le chômage a baissé de 10 %.", {"alternateName": "FAUX"}),
            # English, mapped for any publisher.
            review("Crime doubled.", {"alternateName": "pants on fire"}, publisher="PolitiFact"),
            # No name: its value on the publisher's 1-to-5 scale.
            review("Taxes fell.", {"ratingValue": "2", "bestRating": 5}, publisher="Full Fact"),
            # The desk's own verdict names need no mapping (this tracker's feed gives them).
            review("Le pont est fermé.", {"alternateName": "Trompeur", "ratingValue": 2}),
        )
    )
    assert report.ok, report.problems
    assert report.created["claims"] == 4 and report.created["versions"] == 8
    verdicts = dict(Claim.objects.values_list("statement", "verdict__slug"))
    assert verdicts == {
        "Le chômage a baissé de 10 %.": "inaccurate",
        "Crime doubled.": "inaccurate",
        "Taxes fell.": "misleading",
        "Le pont est fermé.": "misleading",
    }
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.REVIEWED}
    claim = Claim.objects.get(statement="Le chômage a baissé de 10 %.")
    # The speaker, a person with the Wikidata id of sameAs; a version in each appearance, the
    # first said on the claim's date.
    speaker = Entity.objects.get(name="Jean Dupont")
    assert speaker.kind == EntityKind.PERSON and speaker.wikidata_id == "Q42"
    versions = claim.appearances.order_by("pk")
    assert [v.source.title for v in versions] == ["Interview", "Débat"]
    assert {v.speaker_id for v in versions} == {speaker.pk}
    assert str(versions[0].said_on) == "2021-06-28" and versions[0].source.language == "fr"
    # The partner's review is kept: a fact-check by its publisher, with its rating and address.
    evidence = Evidence.objects.select_related("source__publisher").get(claim=claim)
    assert evidence.source.kind == SourceKind.FACT_CHECK
    assert evidence.source.url.startswith("https://factcheck.example.org/")
    assert evidence.source.publisher.name == "Les Décodeurs"
    assert evidence.source.publisher.kind == EntityKind.ORGANIZATION
    assert "FAUX" in evidence.note
    # Reviewed when the review says.
    event = ReviewEvent.objects.get(claim=claim, action=ReviewAction.VERDICT)
    assert event.created_at.date().isoformat() == "2021-07-02"


def test_importing_a_feed_again_changes_nothing(mappings):
    document = feed(review("Le chômage a baissé de 10 %.", {"alternateName": "Faux"}))
    assert import_reviews(document).ok
    before = row_counts()
    report = import_reviews(document)
    assert report.ok and report.created.total() == 0
    assert report.unchanged["claims"] == 1 and report.unchanged["versions"] == 2
    assert row_counts() == before


@pytest.mark.parametrize(
    "rating,named",
    [
        ({"alternateName": "Plutôt n'importe quoi"}, "“Plutôt n'importe quoi” of Les Décodeurs"),
        # The mapping is for 2 on 1 to 5, not on 1 to 6.
        ({"ratingValue": 2, "bestRating": 6}, "“2 (1–6)” of Full Fact"),
    ],
)
def test_an_unmapped_rating_is_reported_and_nothing_is_written(mappings, rating, named):
    publisher = "Full Fact" if "ratingValue" in rating else "Les Décodeurs"
    before = row_counts()
    report = import_reviews(
        feed(
            review("Le chômage a baissé de 10 %.", {"alternateName": "Faux"}),
            review("Taxes fell.", rating, publisher=publisher),
        )
    )
    assert not report.ok
    [problem] = report.problems
    assert (problem.where, problem.field) == ("dataFeedElement[1]", "reviewRating")
    assert named in problem.message and "not mapped" in problem.message
    assert row_counts() == before


def test_an_editor_imports_reviews_without_their_verdicts(mappings):
    report = import_reviews(
        feed(review("Taxes fell.", {"alternateName": "Unheard of"})), by=make_user("editor")
    )
    # Ratings are not read for a user who may not review: none is reported unmapped.
    assert report.ok, report.problems
    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.NEW and claim.verdict is None
    assert any("your role does not allow you to review" in note for note in report.notes)
    # The partner's review is kept as evidence all the same.
    assert Evidence.objects.filter(claim=claim).count() == 1


def test_bad_items_are_reported_by_their_json_path_and_field(mappings):
    bad_date = review("A.", {"alternateName": "Faux"})
    bad_date["itemReviewed"]["datePublished"] = "2021-02-30"
    no_statement = review("B.", {"alternateName": "Faux"})
    del no_statement["claimReviewed"]
    bad_url = review("C.", {"alternateName": "Faux"})
    bad_url["itemReviewed"]["appearance"][1]["url"] = "javascript:alert(1)"
    report = import_reviews([bad_date, no_statement, bad_url])
    places = [(problem.where, problem.field) for problem in report.problems]
    assert places == [
        ("[0]", "itemReviewed.datePublished"),
        ("[1]", "itemReviewed.name"),
        ("[2]", "itemReviewed.appearance[1].url"),
    ]
    assert "no day 30" in report.problems[0].message
    assert Claim.objects.count() == 0


@pytest.mark.parametrize(
    "text,message",
    [
        (b"{not json", "not valid JSON"),
        (b'{"@type": "WebPage", "name": "x"}', "no schema.org ClaimReview"),
        (b"[]", "no schema.org ClaimReview"),
    ],
)
def test_a_file_without_reviews_is_refused(db, text, message):
    report = import_records(records=records_of(io.BytesIO(text), "claimreview"), by=SYSTEM)
    assert not report.ok and message in report.problems[0].message


def test_json_that_is_not_a_dump_is_told_to_be_claimreview():
    assert sniff(io.BytesIO(b'\n  {"@context": "https://schema.org"}')) == "claimreview"
    assert sniff(io.BytesIO(b'[{"@type": "ClaimReview"}]')) == "claimreview"
    assert sniff(io.BytesIO(b"statement,source_url\r\n")) == "csv"


def test_the_schema_org_examples_import(db):
    mapping(publisher="http://www.politifact.com/", label="True", verdict_slug="accurate")
    examples = jsonld.examples()
    report = import_reviews({"@graph": examples})
    assert report.ok, report.problems
    perry = Claim.objects.get(statement__startswith="More than 3,000 homicides")
    assert perry.verdict.slug == "accurate"
    # The work reviewed is where the claim was said.
    assert perry.appearances.get().source.title == "The St. Petersburg Times interview [...]"
    # A clip of a video: said in the video; a review without a rating brings no verdict.
    cairo = Claim.objects.get(statement__startswith="In the middle of the Cold War")
    version = cairo.appearances.select_related("source", "speaker").get()
    assert version.source.url == "https://www.youtube.com/watch?v=B_889oBKkNU"
    assert version.speaker.name == "Barack Obama" and version.speaker.wikidata_id == "Q76"
    assert cairo.verdict is None and cairo.status == ClaimStatus.NEW


def our_feed() -> dict:
    return json.loads(Client().get(reverse("claims:review-feed")).content)


def comparable(document: dict) -> list[dict]:
    """A feed's reviews without what differs from one database to another: the addresses of
    the desk's own pages (ids)."""
    text = json.dumps(document["dataFeedElement"], sort_keys=True)
    for claim in Claim.objects.all():
        text = text.replace(f"/reviews/{claim.pk}/", "/reviews/ID/")
    return json.loads(text)


def test_our_own_feed_imports_into_an_empty_desk_to_the_same_feed(db):
    with pytest.raises(Rollback), transaction.atomic():
        desk_at_work()
        original = our_feed()
        expected = comparable(original)
        raise Rollback
    assert Claim.objects.count() == 0
    assert len(original["dataFeedElement"]) == 1
    report = import_reviews(original)
    assert report.ok, report.problems
    # Our own reviews are not evidence of themselves.
    assert not Evidence.objects.exists()
    assert comparable(our_feed()) == expected
    # Read again: nothing changes.
    before = row_counts()
    assert import_reviews(our_feed()).created.total() == 0
    assert row_counts() == before


def test_our_feed_read_back_into_the_desk_changes_nothing(db):
    desk_at_work()
    reviewed = Claim.objects.filter(status=ClaimStatus.REVIEWED).count()
    assert reviewed
    before = row_counts()
    report = import_reviews(our_feed())
    assert report.ok, report.problems
    assert report.created.total() == 0 and report.unchanged["claims"] == reviewed
    assert row_counts() == before


def test_a_claimreview_upload_is_told_from_its_content(mappings, client):
    client.force_login(make_user("reviewer"))
    document = feed(review("Le chômage a baissé de 10 %.", {"alternateName": "Faux"}))
    page = upload(client, json.dumps(document), name="feed.jsonld")
    assert "1 created" in page.content.decode().replace("claims: 1 created", "")
    assert Claim.objects.get().verdict.slug == "inaccurate"


# --- The mapping the desk edits ----------------------------------------------------------------


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"label": "Faux", "rating_value": 1, "worst_rating": 1, "best_rating": 5},
         "one or the other"),
        ({}, "one or the other"),
        ({"rating_value": 7, "worst_rating": 1, "best_rating": 5}, "between them"),
        ({"publisher": "LES DECODEURS", "label": "Fàux"}, "mapped already"),
    ],
)  # fmt: skip
def test_a_mapping_is_by_name_or_by_value_and_once(mappings, fields, message):
    with pytest.raises(ValidationError, match=message):
        mapping(verdict_slug="accurate", **fields)


def test_administrators_edit_the_mappings_in_the_admin(mappings, client, service_writes_only):
    client.force_login(make_user("admin"))
    url = reverse("admin:claims_ratingmapping_add")
    response = client.post(
        url, {"publisher": "AFP", "label": "Vrai", "verdict": verdict("accurate").pk}
    )
    assert response.status_code == 302
    assert RatingMapping.objects.get(publisher="AFP").normalized_label == "vrai"
    # The same name again, spelt otherwise: the form says so.
    response = client.post(
        url, {"publisher": "afp", "label": "VRAI", "verdict": verdict("misleading").pk}
    )
    assert "mapped already" in response.content.decode()
    assert RatingMapping.objects.filter(normalized_publisher="afp").count() == 1
    # Editors do not edit the scale or its mappings.
    client.force_login(make_user("editor", is_staff=True))
    assert client.get(url).status_code == 403
    assert Source.objects.count() == 0


def test_a_fact_checks_page_imports_by_its_json_ld(db, client):
    """A fact-checker's HTML page, as published: its ClaimReview is in a JSON-LD script (ours:
    the public review page). Another script that is not JSON is reported by its place."""
    with pytest.raises(Rollback), transaction.atomic():
        desk_at_work()
        claim = Claim.objects.get(status=ClaimStatus.REVIEWED)
        page = client.get(reverse("claims:review", args=[claim.pk])).content
        statement, verdict_slug = claim.statement, claim.verdict.slug
        raise Rollback
    assert b'<script type="application/ld+json">' in page
    file = io.BytesIO(page)
    assert sniff(file) == "claimreview"
    report = import_records(records=records_of(file), by=SYSTEM)
    assert report.ok, report.problems
    assert Claim.objects.get().statement == statement
    assert Claim.objects.get().verdict.slug == verdict_slug

    broken = b'<html><script type="application/ld+json">{"@type": </script>' + page[6:]
    report = import_records(records=records_of(io.BytesIO(broken), "claimreview"), by=SYSTEM)
    assert [p.where for p in report.problems] == ["script[0]"]
    assert "not valid JSON" in report.problems[0].message
