"""Sources added from their URL and kept as snapshots; the page fetched again later (drift).

Pages come from a local web site (tests/web.py): saved articles in French and English, a page
thick with a site's boilerplate, and articles a test changes between two fetches."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from claims.models import (
    Appearance,
    Claim,
    ClaimStatus,
    QuoteDrift,
    ReviewAction,
    ReviewEvent,
    Snapshot,
    Source,
    Verdict,
)
from claims.policy import SYSTEM
from claims.services import (
    add_fetched_source,
    change_source,
    fetch_page,
    mark_drift_checked,
    mark_reviewed,
    recheck_source,
    record_appearance,
    record_claim_from_source,
    start_review,
)
from tests.factories import make_entity, make_source, make_user
from tests.web import LocalSite, article, saved_page


@pytest.fixture
def site(settings):
    """The local site, its address allowed as a desk would allow its intranet."""
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    local = LocalSite()
    yield local
    local.close()


@pytest.fixture
def editor(db):
    return make_user("editor")


# Extraction: the article, its title, author, date, publisher and language; not the site.


def test_a_french_article_is_read_without_the_sites_menus_and_footer(site, editor):
    url = site.serve("/maroc", saved_page("fr-article.html"))
    snapshot, page = fetch_page(url=url, by=editor)
    assert page.title == (
        "Le Maroc réaffirme son engagement à partager son expertise antiterroriste avec l'Afrique"
    )
    assert (page.author, page.publisher, page.language) == (
        "Yasmine Alaoui",
        "Le Courrier du Sahel",
        "fr",
    )
    assert page.published_on == datetime.date(2023, 3, 14)
    assert "réitéré la volonté du Maroc de partager son expérience avec les États africains" in (
        snapshot.text
    )
    assert "aucun incident terroriste n'a été enregistré" in snapshot.text
    for boilerplate in ("Accueil", "S'abonner", "À lire aussi", "Mentions légales", "dataLayer"):
        assert boilerplate not in snapshot.text
    # Paragraphs apart, as a pasted text has them.
    assert "\n\nLe responsable alaouite" in snapshot.text


def test_an_english_article_gives_its_metadata_from_its_json_ld(site, editor):
    url = site.serve("/state", saved_page("en-article.html"))
    _snapshot, page = fetch_page(url=url, by=editor)
    assert (page.title, page.author, page.publisher, page.language) == (
        "State Department: Morocco recorded no terrorist incident in 2021",
        "Daniel Reyes",
        "Maghreb Wire",
        "en",
    )
    assert page.published_on == datetime.date(2023, 2, 28)
    assert page.text.count("\n\n") == 4  # the headline and four paragraphs
    assert "Sign in" not in page.text and "Advertise" not in page.text


def test_a_page_thick_with_boilerplate_gives_its_article_only(site, editor):
    url = site.serve("/skhirat", saved_page("boilerplate.html"))
    _snapshot, page = fetch_page(url=url, by=editor)
    assert "la première réunion régionale des Directeurs politiques" in page.text
    assert "structures existantes au niveau de l'Afrique" in page.text
    for boilerplate in (
        "cookies",
        "Dernière minute",
        "Karim a écrit",  # the comments
        "Les plus lus",
        "Newsletter",
        "Partager",
        "Tous droits réservés",
    ):
        assert boilerplate not in page.text


def test_a_page_with_no_article_or_of_another_type_is_refused_with_a_reason(site, editor):
    from claims.fetching import FetchError

    # A page its scripts write in the browser: nothing to read on the server.
    empty = site.serve(
        "/app", b'<html><head><title>App</title></head><body><div id="root"></div>'
        b'<script src="/app.js"></script></body></html>'
    )  # fmt: skip
    pdf = site.serve("/report.pdf", b"%PDF-1.4", content_type="application/pdf")
    with pytest.raises(FetchError, match="No article could be read"):
        fetch_page(url=empty, by=editor)
    with pytest.raises(FetchError, match="application/pdf document, not a web page"):
        fetch_page(url=pdf, by=editor)
    assert not Snapshot.objects.exists()


# Adding a source by its URL, through the pages: fetched, shown, confirmed.


def test_an_editor_adds_a_source_by_its_url_and_confirms_what_was_read(
    client, site, editor, django_assert_max_num_queries
):
    body = saved_page("fr-article.html")
    url = site.serve("/maroc", body)
    client.force_login(editor)
    fetched = client.post(reverse("claims:source-fetch"), {"url": url})
    snapshot = Snapshot.objects.get()
    assert fetched.status_code == 302
    assert fetched["Location"] == reverse("claims:source-fetched", args=[snapshot.pk])
    assert snapshot.source is None  # nothing is a source until the editor confirms

    with django_assert_max_num_queries(8):
        shown = client.get(fetched["Location"])
    page = shown.content.decode()
    assert 'value="Yasmine Alaoui"' in page
    assert 'value="2023-03-14"' in page
    assert "Le Courrier du Sahel" in page and "no entity has that name yet" in page
    assert "réitéré la volonté du Maroc" in page and "Mentions légales" not in page

    publisher = make_entity(name="Le Courrier du Sahel", kind="organization")
    confirmed = client.post(
        fetched["Location"],
        {
            "title": "Le Maroc partage son expertise antiterroriste",
            "author": "Yasmine Alaoui",
            "kind": "article",
            "language": "fr",
            "published": "2023-03-14",
            "publisher": "Le Courrier du Sahel",
        },
    )
    source = Source.objects.get()
    assert confirmed["Location"] == reverse("claims:source-detail", args=[source.pk])
    snapshot.refresh_from_db()
    assert (source.snapshot, snapshot.source) == (snapshot, source)
    assert source.text == snapshot.text
    assert (source.url, source.author, source.publisher) == (url, "Yasmine Alaoui", publisher)
    assert source.published_label == "2023-03-14"
    # The response is kept as it came, compressed; the text by its hash.
    assert snapshot.raw == body and len(snapshot.raw_gzip) < len(body)
    assert snapshot.raw_size == len(body) and snapshot.text_sha256 == source.content_sha256
    # Confirming twice adds nothing.
    assert client.post(fetched["Location"], {"title": "Again"}).status_code == 404


def test_the_confirmation_page_reads_in_french(client, site, editor):
    url = site.serve("/maroc", saved_page("fr-article.html"))
    client.force_login(editor)
    fetched = client.post(reverse("claims:source-fetch"), {"url": url})
    page = client.get(fetched["Location"], HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vérifiez ce qui a été lu sur la page" in page
    assert "Ajouter la source" in page


@pytest.mark.parametrize(
    "address",
    ["http://127.0.0.1:9/admin", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/"],
)
def test_an_address_on_the_servers_own_network_is_refused_on_the_page(client, editor, address):
    client.force_login(editor)
    response = client.post(reverse("claims:source-fetch"), {"url": address})
    assert response.status_code == 200
    assert "on a private network" in response.content.decode()
    assert "the tracker fetches public pages only" in response.content.decode()
    assert not Snapshot.objects.exists()


def test_a_page_that_is_already_a_source_is_not_fetched_again(client, site, editor):
    url = site.serve("/maroc", saved_page("fr-article.html"))
    make_source(title="Déjà là", url=url)
    client.force_login(editor)
    response = client.post(reverse("claims:source-fetch"), {"url": url})
    assert "This page is already a source: “Déjà là”." in response.content.decode()
    assert site.requests == []


def test_an_editor_cannot_confirm_a_page_another_editor_fetched(client, site, editor):
    snapshot, _page = fetch_page(url=site.serve("/a", saved_page("en-article.html")), by=editor)
    client.force_login(make_user("editor"))
    assert client.get(reverse("claims:source-fetched", args=[snapshot.pk])).status_code == 404


def test_a_page_never_confirmed_is_forgotten_after_a_day(site, editor):
    old, _page = fetch_page(url=site.serve("/a", saved_page("en-article.html")), by=editor)
    Snapshot.objects.filter(pk=old.pk).update(
        fetched_at=old.fetched_at - datetime.timedelta(days=2),
        checked_at=old.fetched_at - datetime.timedelta(days=2),
    )
    fetch_page(url=site.serve("/b", saved_page("fr-article.html")), by=editor)
    assert not Snapshot.objects.filter(pk=old.pk).exists()
    assert Snapshot.objects.count() == 1


# Drift: the page fetched again.

OPENING = (
    "Le Maroc a réaffirmé son engagement à transmettre son expertise en matière de lutte contre "
    "le terrorisme aux autres nations africaines, lors d'une session plénière tenue à Niamey."
)
NO_INCIDENT = (
    "Selon le département d'État américain, aucun incident terroriste n'a été enregistré dans "
    "le pays en 2021, grâce à une stratégie de sécurité vigilante."
)
CO_CHAIRS = (
    "Le Maroc copréside le groupe de réflexion Afrique avec les États-Unis, le Niger et "
    "l'Italie depuis son lancement en 2021."
)
CELLS = "Les forces de l'ordre ont démantelé plusieurs cellules au cours de l'année."
THREAT = (
    "Un responsable a déclaré que « la menace reste élevée dans la région du Sahel », selon le "
    "rapport publié à Washington."
)
QUOTES = {
    "kept": "transmettre son expertise en matière de lutte contre le terrorisme",
    "removed": "aucun incident terroriste n'a été enregistré dans le pays en 2021",
    "reworded": "avec les États-Unis, le Niger et l'Italie",
    "moved": "plusieurs cellules au cours de l'année.",
    "lookalike": "la menace reste élevée dans la région du Sahel",
}


@pytest.fixture
def quoted(site, editor):
    """A source added from its page, one claim recorded from each of five quotes."""
    url = site.serve(
        "/article", article(OPENING, NO_INCIDENT, CO_CHAIRS, CELLS, THREAT, title="Le Maroc")
    )
    snapshot, _page = fetch_page(url=url, by=editor)
    source = add_fetched_source(
        snapshot=snapshot, by=editor, title="Le Maroc", kind="article", language="fr"
    )
    versions = {
        name: record_claim_from_source(
            source=source, by=editor, new_claim={"statement": f"Claim: {name}"}, quote=quote
        )
        for name, quote in QUOTES.items()
    }
    return source, versions


def change_the_page(site, *paragraphs):
    site.serve("/article", article(*paragraphs, title="Le Maroc"))


def test_the_recheck_flags_exactly_the_quotes_whose_page_changed(site, quoted):
    source, versions = quoted
    first_snapshot = source.snapshot
    change_the_page(
        site,
        "Un paragraphe ajouté, qui décale tout ce qui suit sans toucher aux citations.",
        # Its paragraph moved to the top, the words before the quote rewritten.
        CELLS.replace("Les forces de l'ordre ont", "La police affirme avoir"),
        OPENING,
        CO_CHAIRS.replace("les États-Unis, le Niger et l'Italie", "les États-Unis et le Niger"),
        # The threat's sentence is gone; the same words now stand in another sentence.
        "Pour un autre expert, la menace reste élevée dans la région du Sahel depuis dix ans.",
    )
    result = recheck_source(source=source, by=SYSTEM)

    assert result.changed and not result.error
    flagged = dict(Appearance.objects.exclude(drift="").values_list("claim__statement", "drift"))
    assert flagged == {
        "Claim: moved": QuoteDrift.MOVED,
        "Claim: reworded": QuoteDrift.REWORDED,
        "Claim: removed": QuoteDrift.REMOVED,
        "Claim: lookalike": QuoteDrift.REMOVED,
    }
    source.refresh_from_db()
    text = source.text
    kept, moved, reworded, removed, lookalike = (
        Appearance.objects.get(pk=versions[name].pk)
        for name in ("kept", "moved", "reworded", "removed", "lookalike")
    )
    # The source's text is the new fetch; the old one is kept.
    assert source.snapshot != first_snapshot and source.snapshot.text == text
    assert set(source.snapshots.all()) == {first_snapshot, source.snapshot}
    # A quote the change left alone follows the text, unflagged, in the new snapshot.
    assert text[kept.start : kept.end] == kept.quote and kept.snapshot == source.snapshot
    assert text[moved.start : moved.end] == QUOTES["moved"]
    assert (reworded.quote, text[reworded.start : reworded.end]) == (
        "avec les États-Unis et le Niger",
        "avec les États-Unis et le Niger",
    )
    # Removed: no place in the new text, its words and the snapshot it was quoted in kept.
    assert (removed.start, removed.quote, removed.snapshot) == (
        None,
        QUOTES["removed"],
        first_snapshot,
    )
    # The same words elsewhere, out of their context, do not capture the quote.
    assert lookalike.start is None and lookalike.snapshot == first_snapshot
    # Each claim's history says what happened.
    events = ReviewEvent.objects.filter(action=ReviewAction.SOURCE_CHANGED)
    assert sorted(events.values_list("new_value", flat=True)) == sorted(flagged.values())
    assert str(result.report) == "1 kept, 1 moved, 1 re-quoted, 2 lost"


def test_a_lookalike_passage_is_not_taken_for_a_reworded_quote(site, quoted):
    source, versions = quoted
    change_the_page(
        site,
        OPENING,
        NO_INCIDENT,
        CO_CHAIRS,
        CELLS,
        # Near the same words, in another sentence: the quote is gone, not reworded.
        "Un autre responsable a estimé que la menace restait élevée dans tout le Sahel.",
    )
    recheck_source(source=source, by=SYSTEM)
    lookalike = Appearance.objects.get(pk=versions["lookalike"].pk)
    assert (lookalike.drift, lookalike.start) == (QuoteDrift.REMOVED, None)
    assert lookalike.quote == QUOTES["lookalike"]
    assert set(Appearance.objects.exclude(drift="")) == {lookalike}


def test_an_unchanged_page_is_only_noted_as_seen(site, quoted):
    source, versions = quoted
    snapshot = source.snapshot
    before = {a.pk: a.version for a in Appearance.objects.all()}
    result = recheck_source(source=source, by=SYSTEM)
    assert str(result) == "unchanged"
    snapshot.refresh_from_db()
    assert snapshot.checked_at > snapshot.fetched_at
    assert Snapshot.objects.filter(source=source).count() == 1
    assert {a.pk: a.version for a in Appearance.objects.all()} == before
    assert not ReviewEvent.objects.filter(action=ReviewAction.SOURCE_CHANGED).exists()


def test_a_page_that_cannot_be_fetched_changes_nothing(site, quoted):
    source, _versions = quoted
    del site.pages["/article"]
    result = recheck_source(source=source, by=SYSTEM)
    assert "404" in result.error and not result.changed
    assert Snapshot.objects.filter(source=source).count() == 1
    assert not Appearance.objects.exclude(drift="").exists()


def test_a_reviewed_claim_whose_only_support_changed_is_reopened(site, quoted):
    source, versions = quoted
    reviewer = make_user("reviewer")
    verdict = Verdict.objects.get(slug="accurate")
    other = make_source(title="Country Reports on Terrorism 2021", text=NO_INCIDENT)
    lone, backed = versions["removed"].claim, versions["reworded"].claim
    record_appearance(claim=backed, source=other, by=reviewer, quote="aucun incident terroriste")
    for claim in (lone, backed):
        start_review(claim=claim, by=reviewer)
        mark_reviewed(claim=claim, by=reviewer, verdict=verdict, note="Vérifié.")
    change_the_page(site, OPENING, CO_CHAIRS.replace("et l'Italie", "et la France"), CELLS)

    result = recheck_source(source=source, by=SYSTEM)

    assert result.reopened == [lone]
    lone.refresh_from_db()
    backed.refresh_from_db()
    assert (lone.status, backed.status) == (ClaimStatus.IN_REVIEW, ClaimStatus.REVIEWED)
    reopening = ReviewEvent.objects.get(
        claim=lone, action=ReviewAction.STATUS, old_value="reviewed"
    )
    assert "changed after it was quoted" in reopening.note


def test_a_fetched_sources_text_cannot_be_edited_by_hand(quoted):
    source, _versions = quoted
    with pytest.raises(ValidationError, match="changes when the page is fetched again"):
        change_source(source=source, by=SYSTEM, text=source.text + " Ajout.")
    change_source(source=source, by=SYSTEM, title="Un titre corrigé")  # the rest can be


# What an editor sees of it.


def test_the_pages_show_the_change_and_an_editor_checks_it(
    client, site, quoted, editor, django_assert_max_num_queries
):
    source, versions = quoted
    change_the_page(site, OPENING, CO_CHAIRS, CELLS, THREAT)  # the "no incident" paragraph gone
    client.force_login(editor)
    recheck = client.post(reverse("claims:source-recheck", args=[source.pk]), follow=True)
    assert "The page changed: changed: 4 kept, 0 moved, 0 re-quoted, 1 lost." in (
        recheck.content.decode()
    )

    # session, user, source, its quotes, its snapshots, permissions (two); what it may cite
    # (its versions, their entities, its citations either way, the same claims' other
    # versions); what it cites and what cites it; its track record (ranks, verdicts): 15,
    # whatever the number of quotes.
    with django_assert_max_num_queries(15):
        page = client.get(reverse("claims:source-detail", args=[source.pk])).content.decode()
    assert "The page, as fetched" in page and "what changed since the fetch before" in page
    assert "the page changed:" in page

    with django_assert_max_num_queries(6):
        changes = client.get(reverse("claims:source-changes", args=[source.pk]))
    assert f"<del>{escape(NO_INCIDENT)}</del>" in changes.content.decode()

    claim = versions["removed"].claim
    claim_page = client.get(reverse("claims:claim-detail", args=[claim.pk])).content.decode()
    assert "The source changed after it was quoted:" in claim_page
    assert "removed from the page" in claim_page
    french = client.get(
        reverse("claims:claim-detail", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "La source a changé après avoir été citée" in french

    client.post(reverse("claims:version-checked", args=[versions["removed"].pk]))
    assert Appearance.objects.get(pk=versions["removed"].pk).drift == ""
    checked = ReviewEvent.objects.get(action=ReviewAction.SOURCE_CHECKED)
    assert (checked.claim, checked.actor, checked.old_value) == (claim, editor, "removed")
    with pytest.raises(ValidationError, match="has not changed since it was quoted"):
        mark_drift_checked(appearance=versions["removed"], by=editor)


def test_the_claims_list_filters_the_claims_whose_source_changed(client, site, quoted, editor):
    source, versions = quoted
    change_the_page(site, OPENING, CO_CHAIRS, CELLS, THREAT)
    recheck_source(source=source, by=SYSTEM)
    client.force_login(editor)
    listed = client.get(reverse("claims:claim-list"), {"source_changed": "true"})
    statements = [claim.statement for claim in listed.context["page"]]
    assert statements == ["Claim: removed"]
    others = client.get(reverse("claims:claim-list"), {"source_changed": "false"})
    assert "Claim: removed" not in [claim.statement for claim in others.context["page"]]


def test_the_command_fetches_every_fetched_source_again(site, quoted):
    from io import StringIO

    source, _versions = quoted
    make_source(title="Pasted, never fetched")
    change_the_page(site, OPENING, NO_INCIDENT, CO_CHAIRS, CELLS)
    out = StringIO()
    call_command("recheck_sources", stdout=out)
    told = out.getvalue()
    assert f"#{source.pk} Le Maroc: changed: 4 kept, 0 moved, 0 re-quoted, 1 lost" in told
    assert "1 source(s) fetched again: 0 unchanged, 1 changed (1 quote(s) flagged" in told


def test_the_command_refuses_a_source_that_was_not_fetched(db):
    from django.core.management.base import CommandError

    pasted = make_source(title="Pasted")
    with pytest.raises(CommandError, match="Not added from a URL"):
        call_command("recheck_sources", source=[pasted.pk])
    with pytest.raises(CommandError, match="No source has the id 999999"):
        call_command("recheck_sources", source=[999999])


def test_the_command_can_leave_the_work_to_the_worker(settings, quoted):
    from io import StringIO

    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    source, _versions = quoted
    call_command("recheck_sources", source=[source.pk], in_background=True, stdout=StringIO())
    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.args_kwargs["args"]) == (
        "claims.tasks.recheck_sources",
        [[source.pk]],
    )
    assert Claim.objects.count() == len(QUOTES)


def test_the_admin_shows_a_fetched_sources_text_read_only(admin_client, quoted):
    source, versions = quoted
    url = reverse("admin:claims_source_change", args=[source.pk])
    assert 'name="text"' not in admin_client.get(url).content.decode()
    quotes = list(source.appearances.order_by("pk"))
    data = {
        "title": "Le Maroc (titre corrigé)",
        "url": source.url,
        "author": "Yasmine Alaoui",
        "kind": source.kind,
        "language": source.language,
        "text": "Un texte collé par-dessus.",  # not a field of the form: ignored
        "appearances-TOTAL_FORMS": len(quotes),
        "appearances-INITIAL_FORMS": len(quotes),
        "appearances-MIN_NUM_FORMS": 0,
        "appearances-MAX_NUM_FORMS": 1000,
    }
    for index, appearance in enumerate(quotes):
        data[f"appearances-{index}-id"] = appearance.pk
        data[f"appearances-{index}-source"] = source.pk
    assert admin_client.post(url, data).status_code == 302
    changed = Source.objects.get(pk=source.pk)
    assert (changed.title, changed.author) == ("Le Maroc (titre corrigé)", "Yasmine Alaoui")
    assert changed.text == source.text and changed.snapshot == source.snapshot
