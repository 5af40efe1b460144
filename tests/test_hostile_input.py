"""What a careless or hostile user sends gets a clear message and writes nothing — never a
server error. Each case here gave a 500 (or lost text without a word) before."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from claims.dates import PreciseDate
from claims.models import Alias, Appearance, Claim, Conflict, Entity, Source
from claims.services import html_to_text

pytestmark = pytest.mark.usefixtures("service_writes_only")


def login(client, name):
    client.force_login(get_user_model().objects.get(username=name))
    return client


@pytest.fixture
def editor(client, demo):
    incidents()
    return login(client, "editor")


def counts():
    return [model.objects.count() for model in (Source, Entity, Alias, Claim, Appearance)]


def incidents():
    """A number-valued claim on the demo's article (the demo's own "no incident" claim states
    that none happened, in a period)."""
    from claims.policy import SYSTEM
    from claims.services import create_claim

    return Claim.objects.filter(property="terrorist incidents recorded").first() or create_claim(
        by=SYSTEM,
        statement="Terrorist incidents recorded in Morocco in 2021: none.",
        subject=Entity.objects.get(name="Morocco"),
        property="terrorist incidents recorded",
        value_type="number",
    )


def record_number(client, value):
    source = Source.objects.get(title__startswith="Le Maroc réaffirme")
    quote = "aucun incident terroriste"
    start = source.text.index(quote)
    return client.post(
        reverse("claims:source-detail", args=[source.pk]),
        {
            "quote": quote,
            "start": start,
            "end": start + len(quote),
            "claim": incidents().pk,
            "attribution": "reported",
            "value": value,
        },
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3.1415926", "no more than 6 decimal places"),
        ("1e-7", "no more than 6 decimal places"),
        ("1e309", "no more than 24 digits"),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("-inf", "is not a number"),
        ("1" * 30, "no more than 24 digits"),
    ],
)
def test_a_number_the_column_cannot_hold_is_refused_with_a_message(editor, value, message):
    before = counts()
    response = record_number(editor, value)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


def test_a_number_with_a_decimal_comma_and_spaces_is_taken(editor):
    assert record_number(editor, "1 234,5").status_code == 302
    assert incidents().appearances.latest("pk").value_number == 1234.5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "ß" * 300}, "too long once spelled out"),
        ({"name": "ﷺ" * 100}, "too long once spelled out"),
        ({"name": "Pays", "aliases": "ß" * 200}, "too long once spelled out"),
        ({"name": "Pays", "aliases": "x" * 301}, "at most 300 characters"),
        ({"name": "Pays", "aliases": "!!!"}, "at least one letter or digit"),
    ],
)
def test_names_too_long_or_empty_once_folded_are_refused(editor, data, message):
    before = counts()
    response = editor.post(reverse("claims:entity-create"), {"kind": "country", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before


def test_a_property_too_long_once_folded_is_refused(editor):
    source = Source.objects.first()
    quote = source.text[:20]
    before = counts()
    response = editor.post(
        reverse("claims:source-detail", args=[source.pk]),
        {
            "quote": quote,
            "start": 0,
            "end": len(quote),
            "statement": "A claim",
            "subject": "Maroc",
            "property": "ß" * 200,
            "value_type": "number",
            "attribution": "reported",
        },
    )
    assert response.status_code == 200
    assert "too long once spelled out" in response.content.decode()
    assert counts() == before


def test_a_conflict_decision_posted_with_a_bad_claim_number(client, demo):
    conflict = Conflict.objects.get()
    url = reverse("claims:conflict-decide", args=[conflict.pk])
    data = {"decision": "dismiss", "note": "Not one.", "claim": "abc"}
    assert login(client, "editor").post(url, data).status_code == 403
    response = login(client, "reviewer").post(url, data)
    assert response.status_code == 302
    page = reverse("claims:claim-detail", args=[conflict.claim_id])
    assert response["Location"] == f"{page}#conflict-{conflict.pk}"
    conflict.refresh_from_db()
    assert conflict.state == "dismissed"


def upload(client, name, content):
    return client.post(
        reverse("claims:source-create"),
        {
            "title": "Téléversé",
            "kind": "article",
            "language": "fr",
            "upload": SimpleUploadedFile(name, content),
        },
    )


def test_a_text_file_with_a_nul_byte_is_refused_naming_it(editor):
    before = counts()
    response = upload(editor, "note.txt", b"Le Maroc\x00 et le Niger.")
    assert response.status_code == 200
    assert "U+0000" in response.content.decode()
    assert counts() == before


def test_a_utf16_file_without_a_bom_is_read(editor):
    text = "Le Maroc co-préside le groupe.\r\nDeuxième ligne."
    assert upload(editor, "note.txt", text.encode("utf-16-le")).status_code == 302
    assert Source.objects.get(title="Téléversé").text == text.replace("\r\n", "\n")


def test_a_nul_in_an_admin_filter_is_refused_like_an_unknown_filter(client, demo):
    login(client, "admin")
    response = client.get(reverse("admin:claims_claim_changelist") + "?status__exact=%00")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
    response = client.get(reverse("admin:claims_claim_changelist") + "?q=%00")
    assert response.status_code == 302


# --- Pasted text ------------------------------------------------------------------------------


PARAGRAPHS = [
    "Le groupe de travail s'est réuni à Rabat.",
    "Le Maroc, les États-Unis et le Niger en assurent la co-présidence.",
    "Selon le communiqué, l'Italie a rejoint la co-présidence en 2022.",
]


def test_a_multi_paragraph_paste_can_be_quoted_from_its_third_paragraph(editor):
    # A browser submits a textarea with CRLF line endings; the page shows LF, and the offsets
    # of a selection are counted on the page's text.
    pasted = "\r\n\r\n".join(PARAGRAPHS)
    editor.post(
        reverse("claims:source-create"),
        {"title": "Communiqué", "kind": "press_release", "language": "fr", "text": pasted},
    )
    source = Source.objects.get(title="Communiqué")
    shown = "\n\n".join(PARAGRAPHS)
    assert source.text == shown
    quote = "l'Italie a rejoint la co-présidence en 2022"
    start = shown.index(quote)
    response = editor.post(
        reverse("claims:source-detail", args=[source.pk]),
        {
            "quote": quote,
            "start": start,
            "end": start + len(quote),
            "statement": "Italy joined the co-chairs in 2022.",
            "attribution": "paraphrase",
        },
    )
    assert response.status_code == 302
    version = Appearance.objects.get(claim__statement="Italy joined the co-chairs in 2022.")
    assert source.text[version.start : version.end] == quote


def test_decomposed_accents_are_composed(editor):
    decomposed = "Le Ministe\u0300re des Affaires e\u0301trange\u0300res."
    editor.post(
        reverse("claims:source-create"),
        {"title": "NFD", "kind": "article", "language": "fr", "text": decomposed},
    )
    assert Source.objects.get(title="NFD").text == "Le Ministère des Affaires étrangères."


# --- HTML and dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<html><head><title>T</title><body><p>Tout le corps.</p>", "Tout le corps."),
        ("<p>Avant.</p><iframe src=x><p>Après le cadre.</p>", "Avant.\n\nAprès le cadre."),
        ("<p>Avant.</p><svg><circle r=1 /><p>Après le dessin.</p>", "Avant.\n\nAprès le dessin."),
        ("<table><tr><td>Maroc</td><td>2021</td></tr></table>", "Maroc 2021"),
        ("<p>Visible.</p><p hidden>Caché.</p><div style='display: none'>Non.</div>", "Visible."),
        ("<p>Un<script>alert(1)</script> texte.</p>", "Un texte."),
    ],
)
def test_html_keeps_every_readable_word(html, expected):
    assert html_to_text(html)[0] == expected


@pytest.mark.parametrize("text", ["21-05", "5-5-5", "2021-02-30", "2021-13", "hier", "0000"])
def test_loose_dates_are_refused(text):
    with pytest.raises(ValueError, match=text):
        PreciseDate.parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("mai 2022", "2022-05"), ("26 juin 2018", "2018-06-26"), ("1er mars 2020", "2020-03-01")],
)
def test_french_dates_are_read(text, expected):
    assert str(PreciseDate.parse(text)) == expected


def test_date_errors_are_translated():
    with translation.override("fr"), pytest.raises(ValueError) as refused:
        PreciseDate.parse("2021-02-30")
    assert "n'est pas une date valide" in str(refused.value)
    assert "invalid literal" not in str(refused.value)


def test_a_pasted_text_with_one_huge_word_is_quoted_and_found(editor):
    """A page pasted with an inline image (base64: one 200,000-letter «word») — the search's
    folding used to take time quadratic in a word's length (minutes here)."""
    blob = "iVBORw0KGgo" * 20_000
    response = editor.post(
        reverse("claims:source-create"),
        {"title": "Page avec image", "kind": "article", "language": "fr",
         "text": f"Début.\r\n\r\n{blob}\r\n\r\nLe Maroc co-préside le groupe."},
    )  # fmt: skip
    assert response.status_code == 302
    source = Source.objects.get(title="Page avec image")
    quote = f"{blob}\n\nLe Maroc co-préside"
    start = source.text.index(quote)
    response = editor.post(
        reverse("claims:source-detail", args=[source.pk]),
        {"statement": "Le Maroc copréside le groupe.", "quote": quote, "start": start,
         "end": start + len(quote), "attribution": "paraphrase"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Claim.objects.search("co-préside").filter(statement__startswith="Le Maroc cop")
