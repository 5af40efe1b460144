"""Reviewed claims as schema.org ClaimReview: valid JSON-LD (expanded offline by pyld, every
term a schema.org term or a documented one of ours), on a public page and in a feed."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse
from django.utils.http import http_date

from claims.models import Claim, Conflict, Verdict
from claims.services import (
    Decision,
    add_source,
    decide_conflict,
    mark_reviewed,
    record_claim_from_source,
    reopen,
    start_review,
)
from tests import jsonld
from tests.responses import body

pytestmark = pytest.mark.usefixtures("schemaorg")


@pytest.fixture
def schemaorg():
    jsonld.needs_schemaorg()


def reviewer():
    return get_user_model().objects.get(username="reviewer")


def review(claim, slug="inaccurate"):
    claim = start_review(claim=claim, by=reviewer())
    return mark_reviewed(
        claim=claim, by=reviewer(), verdict=Verdict.objects.get(slug=slug), note="Checked."
    )


@pytest.fixture
def contested(demo):
    """A reviewed claim whose versions conflict: the conflict decided (both hold), then the
    claim reviewed."""
    conflict = Conflict.objects.open().filter(appearance_a__claim=F("appearance_b__claim")).first()
    decide_conflict(
        conflict=conflict, by=reviewer(), decision=Decision.BOTH_HOLD, note="Two dates."
    )
    return review(Claim.objects.get(pk=conflict.appearance_a.claim_id)), conflict


def embedded(content: str) -> dict:
    (text,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    return json.loads(text)


def test_the_schema_org_examples_pass_the_check():
    examples = jsonld.examples()
    assert len(examples) == 2
    for example in examples:
        expanded = jsonld.expand(example)
        assert jsonld.unknown_terms(expanded) == set()
        (claim_review,) = jsonld.claim_reviews(expanded)
        assert jsonld.missing(claim_review) == []


def test_the_check_catches_a_misspelt_term():
    expanded = jsonld.expand({"@context": "https://schema.org", "@type": "ClaimReview",
                              "claimReviewd": "x", "reviewRating": {"@type": "Ratin"}})  # fmt: skip
    assert jsonld.unknown_terms(expanded) == {"http://schema.org/claimReviewd",
                                              "http://schema.org/Ratin"}  # fmt: skip


def test_a_reviewed_claim_has_a_public_page_with_valid_claim_review(client, contested):
    claim, conflict = contested
    response = client.get(reverse("claims:review", args=[claim.pk]))  # no login
    assert response.status_code == 200
    content = response.content.decode()
    assert claim.statement in content and "Inaccurate" in content
    document = embedded(content)
    expanded = jsonld.expand(document)
    assert jsonld.unknown_terms(expanded) == set()
    (claim_review,) = jsonld.claim_reviews(expanded)
    assert jsonld.missing(claim_review) == []
    assert jsonld.value(claim_review, "claimReviewed") == claim.statement
    (rating,) = claim_review["http://schema.org/reviewRating"]
    assert jsonld.value(rating, "ratingValue") == 1
    assert jsonld.value(rating, "bestRating") == 4 and jsonld.value(rating, "worstRating") == 1
    # The verdict's label in the claim's language: it was said in French.
    assert jsonld.value(claim_review, "inLanguage") == "fr"
    assert jsonld.value(rating, "alternateName") == "Inexact"
    # The claim: its speaker, every source it appeared in, the first one.
    item = document["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"]["name"]
    sources = {v.source.title for v in claim.appearances.select_related("source")}
    assert {work["name"] for work in item["appearance"]} == sources
    assert item["firstAppearance"]["name"] in sources
    # Its conflicting versions, each a Claim, linked by our documented extension.
    versions = {v["@id"]: v for v in item["claimtracker:version"]}
    a = next(k for k in versions if k.endswith(f"#version-{conflict.appearance_a_id}"))
    b = next(k for k in versions if k.endswith(f"#version-{conflict.appearance_b_id}"))
    assert {"@id": b} in versions[a]["claimtracker:contradicts"]
    assert {"@id": a} in versions[b]["claimtracker:contradicts"]


def test_the_claim_page_links_to_the_published_review(client, contested):
    claim, _conflict = contested
    client.force_login(reviewer())
    content = client.get(reverse("claims:claim-detail", args=[claim.pk])).content.decode()
    assert f'href="{reverse("claims:review", args=[claim.pk])}"' in content


def test_a_claim_not_reviewed_has_no_public_page(client, demo):
    claim = Claim.objects.exclude(status="reviewed").first()
    assert client.get(reverse("claims:review", args=[claim.pk])).status_code == 404


def test_a_statement_cannot_end_the_embedded_script(client, demo):
    claim = Claim.objects.get(property="held in")
    statement = 'Held in "Marrakech" </script><script>alert(1)</script> & more'
    claim.statement = statement
    from claims.services import update_claim

    update_claim(claim=claim, by=reviewer(), based_on=claim.version, statement=statement)
    claim = review(Claim.objects.get(pk=claim.pk), slug="accurate")
    content = client.get(reverse("claims:review", args=[claim.pk])).content.decode()
    assert "<script>alert(1)" not in content
    assert embedded(content)["claimReviewed"] == statement


def test_the_feed_lists_every_reviewed_claim_and_honours_if_modified_since(client, contested):
    claim, _conflict = contested
    other = review(Claim.objects.get(property="held in"), slug="unverifiable")
    response = client.get(reverse("claims:review-feed"))
    assert response["Content-Type"] == "application/ld+json"
    feed = json.loads(body(response))
    expanded = jsonld.expand(feed)
    assert jsonld.unknown_terms(expanded) == set()
    reviews = feed["dataFeedElement"]
    assert {r["claimReviewed"] for r in reviews} == {claim.statement, other.statement}
    # A verdict off the numeric scale says so by its name alone.
    unverifiable = next(r for r in reviews if r["claimReviewed"] == other.statement)
    assert "ratingValue" not in unverifiable["reviewRating"]
    assert unverifiable["reviewRating"]["alternateName"] == "Invérifiable"
    # A client that has the latest gets 304.
    since = http_date(Claim.objects.get(pk=other.pk).updated_at.timestamp() + 1)
    again = client.get(reverse("claims:review-feed"), HTTP_IF_MODIFIED_SINCE=since)
    assert again.status_code == 304
    # A claim reopened leaves the feed, and its change is the feed's last modification.
    reopened = reopen(claim=Claim.objects.get(pk=other.pk), by=reviewer(), note="New evidence.")
    response = client.get(reverse("claims:review-feed"))
    assert response["Last-Modified"] == http_date(reopened.updated_at.timestamp())
    assert other.statement not in {
        r["claimReviewed"] for r in json.loads(body(response))["dataFeedElement"]
    }


def test_the_feed_pages(client, demo, monkeypatch):
    monkeypatch.setattr("claims.views.FEED_PAGE_SIZE", 1)
    review(Claim.objects.get(property="held in"))
    review(Claim.objects.exclude(property="held in").exclude(status="reviewed").first())
    first = client.get(reverse("claims:review-feed"))
    assert 'rel="next"' in first["Link"]
    assert len(json.loads(body(first))["dataFeedElement"]) == 1
    last = client.get(reverse("claims:review-feed"), {"page": 2})
    assert "Link" not in last


def test_the_public_page_in_french(client, contested):
    claim, _conflict = contested
    client.cookies.load({"django_language": "fr"})
    content = client.get(reverse("claims:review", args=[claim.pk])).content.decode()
    assert "Vérification" in content and "Verdict: Inexact" in content


def test_the_page_and_the_feed_cost_a_fixed_number_of_queries(
    client, contested, django_assert_max_num_queries
):
    claim, _conflict = contested
    # the claim with its verdict and review date, its versions (sources, speakers), conflicts
    with django_assert_max_num_queries(3):
        client.get(reverse("claims:review", args=[claim.pk]))
    for other in Claim.objects.exclude(status="reviewed")[:3]:
        review(other)
    # last change, count, the page, its versions, their conflicts
    with django_assert_max_num_queries(5):
        body(client.get(reverse("claims:review-feed")))


def test_an_english_claim_is_reviewed_with_the_english_label(client, demo):
    source = add_source(by=reviewer(), title="Briefing", language="en", kind="article",
                        text="The minister said the group met in Rabat in 2021.")  # fmt: skip
    version = record_claim_from_source(
        by=reviewer(),
        source=source,
        new_claim={"statement": "The group met in Rabat in 2021."},
        start=0,
        end=len(source.text),
        quote=source.text,
    )
    claim = review(version.claim)
    document = embedded(client.get(reverse("claims:review", args=[claim.pk])).content.decode())
    assert document["inLanguage"] == "en"
    assert document["reviewRating"]["alternateName"] == "Inaccurate"
