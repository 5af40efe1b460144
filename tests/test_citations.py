"""Who cites whom: agreement counts independent origins, not sources."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from claims.models import Citation, CitationKind, Claim, Source
from claims.policy import SYSTEM
from claims.services import (
    add_citation,
    claim_origins,
    origins_of,
    record_appearance,
    suggest_citations,
)
from tests.factories import make_claim, make_entity, make_source, make_user

REPORT_TITLE = "Country Reports on Terrorism 2021: Morocco"


def no_incident():
    return Claim.objects.get(statement="No terrorist incident was recorded in Morocco in 2021.")


def co_chairs():
    return Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")


def test_the_demo_counts_origins_not_sources(client, demo):
    """The first article relays the State Department's report: what it reports has one
    origin, the report; the co-chairs, stated by both articles, have two."""
    client.force_login(make_user("editor"))
    page = client.get(reverse("claims:claim-detail", args=[no_incident().pk])).content.decode()
    assert "1 source,\n    <strong>1 independent origin</strong>" in page
    assert f"US Department of State, {REPORT_TITLE}" in page

    page = client.get(reverse("claims:claim-detail", args=[co_chairs().pk])).content.decode()
    assert "2 sources,\n    <strong>2 independent origins</strong>" in page
    # Each version's origin, and each side's in its conflict.
    assert page.count(f"US Department of State, {REPORT_TITLE}") >= 3
    assert "(origin: " in page


def test_three_articles_repeating_one_wire_story_are_one_origin(db):
    wire = make_source(title="AFP dispatch", text="Le Maroc n'a enregistré aucun incident.")
    articles = [
        make_source(
            title=f"Article {n}", text="Selon l'AFP, le Maroc n'a enregistré aucun incident."
        )
        for n in range(3)
    ]
    for article in articles:
        add_citation(citing=article, cited=wire, kind=CitationKind.REPUBLISHES, by=SYSTEM)
    claim = make_claim(statement="No incident in Morocco.")
    versions = [
        record_appearance(claim=claim, source=source, by=SYSTEM, quote="aucun incident")
        for source in articles
    ]
    origins = claim_origins(versions)
    assert [source.title for source in origins.origins] == ["AFP dispatch"]
    assert len(origins.sources) == 3
    # None repeats another version's source: they all repeat one that is not a version.
    assert origins.repeats == {}
    # The wire quoted too: each article's version now repeats it.
    wire_version = record_appearance(claim=claim, source=wire, by=SYSTEM, quote="aucun incident")
    origins = claim_origins([*versions, wire_version])
    assert {origins.repeats[v.pk].title for v in versions} == {"AFP dispatch"}
    assert wire_version.pk not in origins.repeats


def test_origins_follow_citations_through_several_steps(db):
    report, digest, article, blog = (
        make_source(title=title) for title in ("Report", "Digest", "Article", "Blog")
    )
    add_citation(citing=digest, cited=report, by=SYSTEM)
    add_citation(citing=article, cited=digest, by=SYSTEM)
    add_citation(citing=blog, cited=article, by=SYSTEM)
    add_citation(citing=blog, cited=make_source(title="Interview"), by=SYSTEM)
    found = origins_of([blog.pk, article.pk, report.pk])
    titles = {pk: sorted(Source.objects.get(pk=o).title for o in ids) for pk, ids in found.items()}
    assert titles == {
        blog.pk: ["Interview", "Report"],
        article.pk: ["Report"],
        report.pk: ["Report"],
    }


def test_a_citation_that_would_make_a_source_its_own_origin_is_refused(db):
    report, digest, article = (make_source(title=t) for t in ("Report", "Digest", "Article"))
    add_citation(citing=digest, cited=report, by=SYSTEM)
    add_citation(citing=article, cited=digest, by=SYSTEM)
    with pytest.raises(ValidationError, match="“Article” already cites “Report”"):
        add_citation(citing=report, cited=article, by=SYSTEM)
    with pytest.raises(ValidationError, match="cannot cite itself"):
        add_citation(citing=report, cited=report, by=SYSTEM)
    with pytest.raises(ValidationError, match="already cites that one"):
        add_citation(citing=article, cited=digest, by=SYSTEM)
    assert Citation.objects.count() == 2


def test_citing_needs_the_right_to_change_a_source(db):
    from django.core.exceptions import PermissionDenied

    report, article = make_source(title="Report"), make_source(title="Article")
    with pytest.raises(PermissionDenied):
        add_citation(
            citing=article, cited=report, by=get_user_model().objects.create_user("visitor")
        )


def test_suggestions_for_an_editor_to_confirm(db):
    ministry = make_entity(name="Ministry of the Interior", kind="organization")
    copied = "Aucun incident terroriste n'a été enregistré dans le pays en 2021, selon le rapport."
    make_source(title="Communiqué du ministère", publisher=ministry, text=copied)
    earlier = make_source(title="Dépêche", text="Le bilan : " + copied)
    article = make_source(title="Article", text="Le journal écrit : " + copied)
    later = make_source(title="Plus tard", text=copied)
    import datetime

    Source.objects.filter(pk=later.pk).update(
        published_on=datetime.date(2030, 1, 1), published_precision="day"
    )
    Source.objects.filter(pk=article.pk).update(
        published_on=datetime.date(2023, 1, 1), published_precision="day"
    )
    article.refresh_from_db()
    claim = make_claim(statement="No incident.", value_type="number", subject=make_entity())
    record_appearance(claim=claim, source=earlier, by=SYSTEM, quote=copied, value_number=0)
    record_appearance(claim=claim, source=later, by=SYSTEM, quote=copied, value_number=0)
    record_appearance(
        claim=claim, source=article, by=SYSTEM, quote=copied, speaker=ministry, value_number=0
    )
    found = {s.cited.title: (s.kind, s.reason) for s in suggest_citations(article)}
    assert found == {
        "Dépêche": (
            CitationKind.REPUBLISHES,
            # The quote shortened to 80 characters.
            "its quote «Aucun incident terroriste n'a été enregistré dans le pays en 2021, selon "
            "le rap…» is word for word in it",
        ),
        "Communiqué du ministère": (
            CitationKind.CITES,
            "it quotes Ministry of the Interior, who published it",
        ),
    }  # not "Plus tard": published after it
    add_citation(citing=article, cited=earlier, by=SYSTEM)
    assert [s.cited.title for s in suggest_citations(article)] == ["Communiqué du ministère"]


def test_the_same_value_in_an_earlier_version_is_suggested(db):
    claim = make_claim(statement="Three co-chairs.", value_type="number", subject=make_entity())
    first, second = make_source(title="First"), make_source(title="Second")
    record_appearance(claim=claim, source=first, by=SYSTEM, value_number=3)
    record_appearance(claim=claim, source=second, by=SYSTEM, value_number=3)
    [suggestion] = suggest_citations(second)
    assert (suggestion.cited, suggestion.kind) == (first, CitationKind.CITES)
    assert suggestion.reason == "it states the same value for “Three co-chairs.”"


def test_an_editor_records_confirms_and_removes_citations_on_the_source_page(
    client, demo, django_assert_max_num_queries
):
    editor = make_user("editor")
    client.force_login(editor)
    marrakech = Source.objects.get(title__startswith="Le Maroc et la Coalition")
    report = Source.objects.get(title=REPORT_TITLE)
    page = reverse("claims:source-detail", args=[marrakech.pk])
    with django_assert_max_num_queries(20):
        shown = client.get(page).content.decode()
    assert "It cites no other source: it is its own origin." in shown

    response = client.post(
        reverse("claims:source-cite", args=[marrakech.pk]),
        {"cited": REPORT_TITLE, "kind": "cites", "note": "Reprend ses chiffres."},
        follow=True,
    )
    assert "Citation recorded." in response.content.decode()
    citation = Citation.objects.get(citing=marrakech)
    assert (citation.cited, citation.note, citation.added_by) == (
        report,
        "Reprend ses chiffres.",
        editor,
    )
    # The co-chairs now have one origin: both articles relay the report.
    claim_page = client.get(reverse("claims:claim-detail", args=[co_chairs().pk]))
    assert "<strong>1 independent origin</strong>" in claim_page.content.decode()
    assert "repeats another version" not in claim_page.content.decode()

    cited_page = client.get(reverse("claims:source-detail", args=[report.pk])).content.decode()
    assert "Cited by:" in cited_page and marrakech.title in cited_page

    refused = client.post(
        reverse("claims:source-cite", args=[report.pk]), {"cited": marrakech.pk, "kind": "cites"}
    )
    assert refused.status_code == 302
    assert Citation.objects.count() == 2  # the demo's and this one: no cycle

    client.post(reverse("claims:citation-remove", args=[citation.pk]))
    assert not Citation.objects.filter(citing=marrakech).exists()


def test_the_source_page_reads_in_french(client, demo):
    client.force_login(make_user("editor"))
    report = Source.objects.get(title=REPORT_TITLE)
    page = client.get(
        reverse("claims:source-detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Qui elle cite, qui la cite" in page
    assert "Citée par :" in page


def test_a_dump_carries_the_citations_and_refuses_a_circle(db):
    import json

    from tests.test_import import Rollback, dump, import_dump

    with pytest.raises(Rollback), transaction.atomic():
        report = make_source(title="Report", text="Le rapport.")
        article = make_source(title="Article", text="L'article.")
        add_citation(citing=article, cited=report, kind=CitationKind.REPUBLISHES, by=SYSTEM)
        document = json.loads(dump())
        raise Rollback
    [citation] = document["citations"]
    assert citation["kind"] == "republishes"
    assert import_dump(json.dumps(document)).created["citations"] == 1
    Citation.objects.all().delete()
    # A hand-edited dump where the report also cites the article: refused, named, and
    # nothing imported.
    backwards = {**citation, "source": citation["cites"], "cites": citation["source"]}
    document["citations"].append(backwards)
    result = import_dump(json.dumps(document))
    assert not result.ok and not Citation.objects.exists()
    assert [(p.where, p.message) for p in result.problems] == [
        ("citations[1]", "A source cannot be its own origin.")
    ]
