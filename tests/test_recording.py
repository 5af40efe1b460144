"""Adding sources and recording claims from them in the pages."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from claims.models import Appearance, Claim, Conflict, ReviewEvent, Source
from claims.services import html_to_text

# Every write these tests cause goes through a service (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("service_writes_only")

TEXT = (
    "Le Maroc co-préside le groupe avec les États-Unis et le Niger. "
    "Selon un autre communiqué, le groupe est co-présidé par le Maroc, les Etats-Unis, "
    "le Niger et l'Italie."
)


@pytest.fixture
def editor(client, demo):
    client.force_login(get_user_model().objects.get(username="editor"))
    return client


def add_source(client, **data):
    fields = {"title": "Communiqué", "kind": "press_release", "language": "fr", "text": TEXT}
    fields.update(data)
    return client.post(reverse("claims:source-create"), fields)


def test_an_editor_adds_a_source_by_pasting_its_text(editor):
    response = add_source(editor, published="2022-05", url="example.org/communique")
    source = Source.objects.get(title="Communiqué")
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:source-detail", args=[source.pk])
    assert (source.text, source.published_label, source.url) == (
        TEXT,
        "2022-05",
        "https://example.org/communique",
    )
    assert source.added_by.username == "editor"


def test_a_text_file_is_taken_as_it_is(editor):
    upload = SimpleUploadedFile("note.txt", "Première ligne.\nSeconde ligne.".encode())
    add_source(editor, text="", upload=upload)
    assert Source.objects.get(title="Communiqué").text == "Première ligne.\nSeconde ligne."


def test_an_html_file_is_reduced_to_its_readable_text(editor):
    html = (
        "<html><head><title>Le communiqué</title><style>p{color:red}</style></head><body>"
        "<script>alert(1)</script><h1>Titre</h1><p>Le Maroc   co-préside &amp; le Niger.</p>"
        "<p>Second<br>paragraphe.</p></body></html>"
    )
    upload = SimpleUploadedFile("page.html", html.encode())
    add_source(editor, title="", text="", upload=upload)
    source = Source.objects.get(title="Le communiqué")
    assert source.text == "Titre\n\nLe Maroc co-préside & le Niger.\n\nSecond\n\nparagraphe."


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("scan.pdf", b"%PDF-1.4"), "is not a .txt or .html file"),
        (SimpleUploadedFile("latin.txt", "é".encode("latin-1")), "is not UTF-8 text"),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_written(editor, upload, message):
    response = add_source(editor, text="", upload=upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Source.objects.filter(title="Communiqué").exists()


def test_an_impossible_date_is_refused(editor):
    response = add_source(editor, published="2021-02-30")
    assert "is not a valid date" in response.content.decode()


def test_html_to_text_keeps_paragraphs():
    assert html_to_text("<div>a<p>b</p>c</div>") == ("a\n\nb\n\nc", "")


def test_source_text_is_always_escaped(editor):
    hostile = 'Avant <script>alert(1)</script> et <img src=x onerror=alert(1)> après "x".'
    add_source(editor, title="Hostile", text=hostile)
    source = Source.objects.get(title="Hostile")
    content = editor.get(reverse("claims:source-detail", args=[source.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content
    assert "<script>alert(1)" not in content and "<img src=x" not in content


def record(client, source, **data):
    return client.post(reverse("claims:source-detail", args=[source.pk]), data)


def test_recording_a_new_structured_claim_with_a_speaker_found_by_an_alias(editor):
    add_source(editor)
    source = Source.objects.get(title="Communiqué")
    quote = "Le Maroc co-préside le groupe avec les États-Unis et le Niger."
    response = record(
        editor,
        source,
        quote=quote,
        start=0,
        end=len(quote),
        statement="The group's co-chairs.",
        subject="cluster afrique",
        property="co-chairs",
        value_type="entities",
        speaker="departement d'etat americain",
        attribution="reported",
        value="Maroc, Etats Unis, niger",
    )
    claim = Claim.objects.get(statement="The group's co-chairs.")
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:claim-detail", args=[claim.pk])
    version = claim.appearances.get()
    assert version.speaker.name == "US Department of State"
    assert claim.subject.name == "Africa Focus Group"
    assert {e.name for e in version.value_entities.all()} == {"Morocco", "United States", "Niger"}
    assert (version.start, version.end, version.quote) == (0, len(quote), quote)


def test_a_version_by_an_unnamed_speaker_as_of_a_date(editor):
    add_source(editor)
    source = Source.objects.get(title="Communiqué")
    quote = "Le Maroc co-préside le groupe avec les États-Unis et le Niger."
    response = record(editor, source, quote=quote, statement="The group's co-chairs.",
                      speaker_description="  le   ministre ", attribution="reported",
                      as_of="mai 2022")  # fmt: skip
    assert response.status_code == 302
    version = Appearance.objects.get(claim__statement="The group's co-chairs.")
    assert (version.speaker, version.speaker_description) == (None, "le ministre")
    assert (str(version.as_of), version.as_of_precision) == ("2022-05-01", "month")
    page = editor.get(response["Location"]).content.decode()
    assert 'not named: <span translate="no">le ministre</span>' in page and "May 2022" in page


def test_a_second_version_with_another_set_is_flagged_and_shown(editor):
    test_recording_a_new_structured_claim_with_a_speaker_found_by_an_alias(editor)
    source = Source.objects.get(title="Communiqué")
    claim = Claim.objects.get(statement="The group's co-chairs.")
    quote = "le groupe est co-présidé par le Maroc, les Etats-Unis, le Niger et l'Italie"
    record(
        editor,
        source,
        quote=quote,  # no offsets: typed, not selected; found in the text
        claim=claim.pk,
        attribution="paraphrase",
        value="Maroc, Etats-Unis, Niger, Italie",
    )
    assert claim.appearances.count() == 2
    # (The claim states the same fact as the demo's co-chair claim: its versions are compared
    # with those too.)
    conflict = Conflict.objects.get(appearance_a__claim=claim, appearance_b__claim=claim)
    assert "Italy: listed by" in conflict.detail
    page = editor.get(reverse("claims:claim-detail", args=[claim.pk])).content.decode()
    differs = '<li class="differs" title="Not listed by every version">'
    assert f'{differs}<span translate="no">Italy</span>' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quote": "absent du texte", "statement": "x"}, "This passage is not in the source"),
        ({"quote": "le Niger", "statement": "x"}, "occurs 2 times in the text"),
        ({"quote": "Le Maroc", "start": 1, "end": 9, "statement": "x"}, "does not match"),
        ({"quote": "Le Maroc", "statement": "x", "speaker": "Nobody"}, "No entity is called"),
        ({"quote": "Le Maroc"}, "Choose an existing claim or write a new statement"),
        (
            {"quote": "Le Maroc", "statement": "x", "value_type": "number", "value": "many"},
            "is not a number",
        ),
        (
            {"quote": "Le Maroc", "statement": "x", "value_type": "date", "value": "2021-02-30"},
            "is not a valid date",
        ),
        (
            {"quote": "Le Maroc", "statement": "x", "value_type": "entities", "value": "Atlantis"},
            "No entity is called “Atlantis”",
        ),
        (
            {"quote": "Le Maroc", "statement": "x", "value_type": "number", "value": "3"},
            "structured claim needs a subject",
        ),
        ({"quote": "Le Maroc", "statement": "x", "attribution": ""}, "This field is required"),
        (
            {
                "quote": "Le Maroc",
                "statement": "x",
                "speaker": "Morocco",
                "speaker_description": "le ministre",
            },
            "The speaker is named",
        ),  # fmt: skip
        ({"quote": "Le Maroc", "statement": "x", "as_of": "2021-13"}, "there is no month 13"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(editor, data, message):
    add_source(editor)
    source = Source.objects.get(title="Communiqué")
    claims, versions = Claim.objects.count(), Appearance.objects.count()
    response = record(editor, source, **{"attribution": "paraphrase", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Claim.objects.count(), Appearance.objects.count()) == (claims, versions)
    # Summarised above the form, where the focus goes, each problem a link to its field.
    page = response.content.decode()
    summary = page[
        page.index('class="error-summary"') : page.index(
            "</div>", page.index('class="error-summary"')
        )
    ]
    assert 'role="alert" tabindex="-1"' in page and message in summary


def test_similar_claims_are_proposed_for_a_passage(editor):
    response = editor.get(
        reverse("claims:claim-similar"),
        {"q": "Les Etats-Unis, le Niger et le Maroc se partagent la co-présidence"},
    )
    results = response.json()["results"]
    assert results[0]["statement"].startswith("Morocco co-chairs the Africa Focus Group")
    assert results[0]["current_value"] == "disputed"


def test_htmx_gets_the_proposals_as_buttons_naming_their_claims(
    editor, django_assert_max_num_queries
):
    passage = "Les Etats-Unis, le Niger et le Maroc se partagent la co-présidence"
    co_chairs = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    # session, user; the proposals' look-ups (entities named, wording in quotes and statements
    # — PostgreSQL first reads its words' frequencies —, the candidates with their versions and
    # entities); their current values (versions, entities).
    bound = 12 if connection.vendor == "postgresql" else 11
    with django_assert_max_num_queries(bound):
        response = editor.get(reverse("claims:claim-similar"), {"quote": passage},
                              HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="fr")  # fmt: skip
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    first = page.index("<button")
    assert f'data-claim="{co_chairs.pk}"' in page[first : page.index("</button>", first)]
    assert 'data-type-label="ensemble d&#x27;entités"' in page
    assert 'data-current="contestée"' in page
    nothing = editor.get(reverse("claims:claim-similar"), {"quote": "zzzz qqqq"},
                         HTTP_HX_REQUEST="true")  # fmt: skip
    assert "No existing claim looks like this passage." in nothing.content.decode()


def test_entities_are_found_by_any_alias_without_accents(editor):
    response = editor.get(reverse("claims:entity-search"), {"q": "etats"})
    assert [result["name"] for result in response.json()["results"]] == ["United States"]
    # htmx gets them as options for the look-up's list box, the name to take in each.
    options = editor.get(reverse("claims:entity-search"), {"q": "etats"}, HTTP_HX_REQUEST="true")
    page = options.content.decode()
    assert page.count('role="option"') == 1 and 'data-name="United States"' in page
    assert "États-Unis" in page  # an alias, shown beside the name
    titled = editor.get(reverse("claims:source-search"), {"q": "marrakech"}, HTTP_HX_REQUEST="true")
    assert 'data-name="Le Maroc et la Coalition mondiale contre Daech' in titled.content.decode()


def test_a_reviewer_resolves_then_reviews_in_the_pages(client, demo):
    reviewer = get_user_model().objects.get(username="reviewer")
    client.force_login(reviewer)
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    conflict = Conflict.objects.involving(claim).get()
    url = reverse("claims:conflict-decide", args=[conflict.pk])
    response = client.post(url, {"decision": "prevails_b"}, follow=True)
    assert "Say why this version prevails" in response.content.decode()
    client.post(url, {"decision": "prevails_b", "note": "Italy joined later."})
    review = reverse("claims:claim-review", args=[claim.pk])
    client.post(review, {"step": "start_review", "based_on": 1})
    claim.refresh_from_db()
    response = client.post(
        review,
        {"step": "mark_reviewed", "verdict": 2, "note": "Mostly right.", "based_on": claim.version},
        follow=True,
    )
    claim.refresh_from_db()
    assert (claim.status, claim.verdict.slug) == ("reviewed", "mostly-accurate")
    content = response.content.decode()
    assert "Italy joined later." in content and "Mostly right." in content
    actions = list(claim.review_events.order_by("pk").values_list("action", flat=True))
    assert actions == ["conflict_detected", "conflict_resolved", "status", "status", "verdict"]
    assert ReviewEvent.objects.filter(actor=reviewer).count() == 4


def test_an_editor_cannot_take_a_reviewers_step_in_the_pages(editor):
    claim = Claim.objects.get(property="held in")
    response = editor.post(
        reverse("claims:claim-review", args=[claim.pk]), {"step": "start_review", "based_on": 1}
    )
    assert response.status_code == 403
    page = editor.get(reverse("claims:claim-detail", args=[claim.pk])).content.decode()
    assert 'id="step-' not in page


def test_a_stale_edit_in_the_pages_shows_what_changed(editor):
    from claims.services import update_claim

    claim = Claim.objects.get(property="held in")
    url = reverse("claims:claim-edit", args=[claim.pk])
    reviewer = get_user_model().objects.get(username="reviewer")
    update_claim(claim=claim, by=reviewer, based_on=1, statement="Changed by the reviewer.")
    response = editor.post(
        url,
        {
            "statement": "Changed by the editor.",
            "subject": "Coalition ministerial meeting in Marrakech",
            "property": "held in",
            "value_type": "date",
            "based_on": 1,
        },
    )
    assert response.status_code == 200
    assert "version 2 by reviewer" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).statement == "Changed by the reviewer."


def test_an_editor_adds_an_entity_with_its_aliases_and_finds_it_by_them(editor):
    response = editor.post(
        reverse("claims:entity-create"),
        {"name": "Mohamed Bazoum", "kind": "person", "aliases": "Bazoum\nbazoum\nM. Bazoum"},
    )
    from claims.models import Entity

    entity = Entity.objects.get(name="Mohamed Bazoum")
    assert response["Location"] == reverse("claims:entity-detail", args=[entity.pk])
    assert sorted(entity.aliases.values_list("name", flat=True)) == ["Bazoum", "M. Bazoum"]
    assert list(Entity.objects.named("m bazoum")) == [entity]


def test_adding_an_entity_that_exists_asks_first(editor):
    from claims.models import Entity

    response = editor.post(
        reverse("claims:entity-create"), {"name": "Maroc", "kind": "country", "aliases": ""}
    )
    content = response.content.decode()
    assert "An entity already goes by one of these names: Morocco." in content
    assert Entity.objects.named("maroc").count() == 1
    editor.post(
        reverse("claims:entity-create"),
        {"name": "Maroc", "kind": "other", "aliases": "", "different": "on"},
    )
    assert Entity.objects.named("maroc").count() == 2
