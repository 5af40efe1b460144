"""Every page in French says everything in French: each page is rendered in French and its
visible text (attributes read aloud or shown included) searched for the English of every
message the French catalogue translates, and for the English labels of the shipped
vocabularies (verdicts). What the desk typed — statements, quotes, names, titles — is marked
``translate="no"`` in the templates and is not looked at: it is in the language it was said in.
"""

import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from lxml import html

from claims.models import Claim, Source, Verdict
from claims.services import mark_reviewed, start_review

pytestmark = pytest.mark.usefixtures("service_writes_only")

# Attributes a reader sees or hears.
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{\w*\}|<[^>]+>")


@cache
def english_phrases() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern matching, as whole words, every English text of the catalogue that its
    French differs from; and what each is in French (to say what to use instead)."""
    catalogue = polib.pofile(Path(settings.BASE_DIR, "locale/fr/LC_MESSAGES/django.po"))
    french: dict[str, str] = {}
    for entry in catalogue:
        texts = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            texts = [
                (entry.msgid, entry.msgstr_plural[0]),
                (entry.msgid_plural, entry.msgstr_plural[1]),
            ]
        for english, translated in texts:
            for piece in PLACEHOLDER.split(english):
                piece = " ".join(piece.split()).strip(" .,:;–—()")
                # A word between placeholders ("of") is too common to tell English by, and
                # two letters are a language code as well ("to": Tongan).
                whole = piece == english.strip(" .,:;–—()")
                if (whole and len(piece) > 2 or len(piece) >= 4) and piece not in translated:
                    french.setdefault(piece, translated)
    for verdict in Verdict.objects.all():
        if verdict.label != verdict.label_fr:
            french.setdefault(verdict.label, verdict.label_fr)
    alternatives = "|".join(re.escape(piece) for piece in sorted(french, key=len, reverse=True))
    return re.compile(rf"(?<![\w&])(?:{alternatives})(?![\w-])"), french


def visible_text(page: str) -> str:
    tree = html.fromstring(page)
    for hidden in tree.xpath("//script | //style | //template | //*[@translate='no']"):
        hidden.drop_tree()
    texts = [" ".join(tree.text_content().split())]
    for attribute in READ_ATTRIBUTES:
        texts += tree.xpath(f"//@{attribute}")
    texts += tree.xpath("//input[@type='submit' or @type='button']/@value")
    return "\n".join(texts)


def english_in(page: str) -> list[str]:
    pattern, french = english_phrases()
    text = visible_text(page)
    return sorted(
        {f"{match.group()!r} (fr: {french[match.group()]!r})" for match in pattern.finditer(text)}
    )


def co_chairs() -> Claim:
    return Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")


def pages() -> dict[str, str]:
    claim, source = co_chairs(), Source.objects.first()
    reviewed = Claim.objects.filter(status="reviewed").first()
    return {
        "dashboard": reverse("claims:dashboard"),
        "claims list": reverse("claims:claim-list"),
        "claims list, filtered": reverse("claims:claim-list") + "?status=new&q=Maroc",
        "claim page (conflicts)": reverse("claims:claim-detail", args=[claim.pk]),
        "claim page (reviewed)": reverse("claims:claim-detail", args=[reviewed.pk]),
        "claim edit": reverse("claims:claim-edit", args=[claim.pk]),
        "correct a version": reverse("claims:version-edit", args=[claim.appearances.first().pk]),
        "sources list": reverse("claims:source-list"),
        "source page": reverse("claims:source-detail", args=[source.pk]),
        "add a source": reverse("claims:source-create"),
        "entity page": reverse("claims:entity-detail", args=[claim.subject_id]),
        "add an entity": reverse("claims:entity-create"),
        "search": reverse("claims:search") + "?q=Maroc",
        "conflict queue": reverse("claims:queue", args=["conflicts"]),
        "unreviewed queue": reverse("claims:queue", args=["unreviewed"]),
        "my queue": reverse("claims:queue", args=["mine"]),
        "import": reverse("claims:import"),
        "published review": reverse("claims:review", args=[reviewed.pk]),
    }


@pytest.fixture
def french_desk(client, demo):
    users = {user.username: user for user in get_user_model().objects.all()}
    # A claim through review, so that verdicts and review steps are on the pages.
    claim = Claim.objects.exclude(pk=co_chairs().pk).first()
    start_review(claim=claim, by=users["reviewer"])
    mark_reviewed(
        claim=claim,
        by=users["reviewer"],
        verdict=Verdict.objects.get(slug="accurate"),
        note="Vérifié.",
    )
    client.force_login(users["admin"])  # every button and form shows
    return client


def test_the_checker_finds_english(french_desk):
    page = '<p>Claims <span translate="no">Morocco co-chairs the group</span></p>'
    assert english_in(page) == ["'Claims' (fr: 'Affirmations')"]


def test_every_page_in_french_has_no_english(french_desk):
    found = {}
    for page, url in pages().items():
        response = french_desk.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, page
        assert response.headers["Content-Language"] == "fr"
        content = response.content.decode()
        if english := english_in(content):
            found[page] = english
        # Django's empty choice says nothing in any language.
        assert "---------" not in content, page
    assert not found, "\n".join(f"{page}: {', '.join(english)}" for page, english in found.items())


def test_forms_refused_in_french_say_why_in_french(french_desk):
    source = Source.objects.first()
    refused = {
        "record form": (
            reverse("claims:source-detail", args=[source.pk]),
            {"quote": "pas dans le texte", "start": "5", "end": "2", "new_statement": ""},
        ),
        "add a source": (reverse("claims:source-create"), {"title": "", "url": "pas une URL"}),
        "add an entity": (reverse("claims:entity-create"), {"name": ""}),
    }
    found = {}
    for page, (url, data) in refused.items():
        response = french_desk.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, page
        assert 'class="errorlist' in response.content.decode(), page
        if english := english_in(response.content.decode()):
            found[page] = english
    assert not found, found


def test_the_login_page_in_french(client, demo):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr")
    assert english_in(response.content.decode()) == []
    refused = client.post(
        reverse("login"), {"username": "editor", "password": "faux"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert english_in(refused.content.decode()) == []
