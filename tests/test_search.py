"""Finding anything, in any spelling or language: the one search, the proposals of existing
claims for a passage, the look-ups, and merging a duplicate. Run on SQLite and PostgreSQL."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from claims.models import Claim, ClaimStatus, Conflict, Entity, ReviewAction, Source
from claims.policy import SYSTEM
from claims.services import (
    add_source,
    change_entity,
    claim_timeline,
    create_claim,
    merge_claims,
    propose_claims,
    record_claim_from_source,
    start_review,
    update_claim,
)
from tests.responses import body

CO_CHAIRS = "Morocco co-chairs the Africa Focus Group of the Global Coalition against Daesh."
LAUNCH = "The Africa Focus Group was launched in 2021."
# A new article, as an editor would paste it (CRLF, two paragraphs).
NIAMEY = (
    "Réunion à Niamey.\r\n\r\nLes coprésidents du Groupe de réflexion Afrique — le Maroc, "
    "les États-Unis, le Niger et l'Italie — ont été reçus. Le groupe, lancé en 2020, se réunit."
)
# Taken from the text as an editor selects it (a quote is the source's own words).
NIAMEY_PASSAGE = (
    "Les coprésidents du Groupe de réflexion Afrique — le Maroc, les États-Unis, le Niger et "
    "l'Italie"
)


def user(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def editor(client, demo):
    client.force_login(user("editor"))
    return client


@pytest.fixture
def niamey(demo):
    return add_source(by=SYSTEM, title="Niamey", language="fr", kind="article", text=NIAMEY)


def found(query):
    return set(Claim.objects.search(query).values_list("statement", flat=True))


# --- One search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "États-Unis",  # the quotes spell it «Etats-Unis» and «Etats Unis»
        "états-unis",  # not ASCII: SQLite's LIKE folds no case there
        "ETATS UNIS",
        "etats unis",
        "Italy",  # only the value names Italy, and in French
        "Italie",
        "l'Italie",
        "coprésidence groupe Afrique",  # the quote has «co-présidence»
        "copresidence",
        "Cluster Afrique",  # an alias of the subject
    ],
)
def test_the_co_chair_claim_is_found_in_any_spelling(demo, query):
    assert CO_CHAIRS in found(query)


def test_every_word_must_be_found(demo):
    assert CO_CHAIRS not in found("Italie Canada")
    assert found("zzzz introuvable") == set()


def test_an_entity_is_found_by_any_of_its_names(demo):
    daech, daesh, isis = found("daech"), found("Daesh"), found("ISIS")
    assert daech == daesh == isis
    # «Daesh» in a statement, «Daech» and «ISIS» in quotes: each finds the others.
    assert {
        CO_CHAIRS,
        "The Coalition's ministerial meeting in Marrakech took place in May 2022.",
    } <= daech
    assert any("defeat ISIS" in statement for statement in daech)


def test_a_word_with_accents_is_found_without_and_the_reverse(niamey):
    record_claim_from_source(
        source=niamey,
        by=SYSTEM,
        new_claim={"statement": "Four countries co-chair the group."},
        quote=NIAMEY_PASSAGE,
        attribution="paraphrase",
    )
    assert "Four countries co-chair the group." in found("copresidents")
    assert "Four countries co-chair the group." in found("COPRÉSIDENTS")


def test_the_search_follows_the_services(demo):
    """The folded texts are kept in step: an alias added, a statement edited."""
    italy = Entity.objects.get(name="Italy")
    assert CO_CHAIRS not in found("Italia")
    change_entity(entity=italy, by=SYSTEM, aliases=["Italie", ("Italia", "it")])
    assert CO_CHAIRS in found("Italia")
    claim = Claim.objects.get(statement=LAUNCH)
    update_claim(claim=claim, by=SYSTEM, based_on=claim.version, statement="Lancement du groupe.")
    assert found("lancement") == {"Lancement du groupe."}


def test_the_claims_list_searches_and_marks_what_it_found(editor, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = editor.get(reverse("claims:claim-list"), {"q": "coprésidence groupe afrique"})
    # (PostgreSQL's stemmer also finds «coprésident du Cluster Afrique».)
    assert "Morocco co-chairs the Africa Focus Group" in response.content.decode()
    content = editor.get(reverse("claims:claim-list"), {"q": "AFRICA"}).content.decode()
    assert "<mark>Africa</mark> Focus Group" in content


def newest_matching(query, status=None):
    claims = Claim.objects.search(query).order_by("-pk")
    if status:
        claims = claims.filter(status=status)
    return list(claims.values_list("pk", flat=True))


def listed(content, pks):
    return [pk for pk in pks if f'<span class="muted">#{pk}</span>' in content]


@pytest.mark.parametrize("statistics", [False, True])
def test_a_search_matching_more_than_the_limit_lists_the_newest_matches(
    editor, monkeypatch, statistics
):
    """Past the limit, the newest matches are ranked and listed, and the page says so. With
    the planner's statistics (PostgreSQL), a word in most claims is looked up by walking the
    claims newest first; without, through the search indexes: the same claims either way."""
    if statistics and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")
    monkeypatch.setattr("claims.filters.ClaimFilter.newest", 2)
    every = newest_matching("Maroc")
    assert len(every) > 2
    content = editor.get(reverse("claims:claim-list"), {"q": "maroc"}).content.decode()
    assert "2 claims" in content and 'id="newest-only"' in content
    assert "At least 2 claims match: the newest 2 are ranked here." in content
    assert listed(content, every) == every[:2]
    # The other filters apply first: the limit counts the matches they keep.
    start_review(claim=Claim.objects.get(pk=every[0]), by=user("reviewer"))
    content = editor.get(
        reverse("claims:claim-list"), {"q": "maroc", "status": ClaimStatus.NEW}
    ).content.decode()
    assert listed(content, every) == every[1:3]
    # The export has every match.
    export = body(editor.get(reverse("claims:claim-export"), {"q": "maroc"}))
    assert len(export.splitlines()) == 1 + len(every)
    # Under the limit nothing is said.
    content = editor.get(reverse("claims:claim-list"), {"q": "Italy"}).content.decode()
    assert 'id="newest-only"' not in content


def test_the_header_search_says_when_its_counts_stop(editor, monkeypatch):
    monkeypatch.setattr("claims.services.search.SearchResults.limit", 2)
    content = editor.get(reverse("claims:search"), {"q": "maroc"}).content.decode()
    assert "2 claims" in content
    assert "Counts stop at 2: more may match." in content


def test_the_admin_uses_the_same_search(client, demo, monkeypatch):
    client.force_login(user("admin"))
    response = client.get(reverse("admin:claims_claim_changelist"), {"q": "Italie"})
    assert "Morocco co-chairs the Africa Focus Group" in response.content.decode()
    assert "Algeria has supported" not in response.content.decode()
    # Its newest matches, as the pages.
    monkeypatch.setattr("claims.admin.SEARCH_NEWEST", 2)
    response = client.get(reverse("admin:claims_claim_changelist"), {"q": "maroc"})
    listed = {claim.pk for claim in response.context["cl"].result_list}
    assert listed == set(newest_matching("maroc")[:2])


# --- The header's search ------------------------------------------------------------------------


def test_the_header_search_groups_claims_sources_and_entities(
    editor, django_assert_max_num_queries
):
    page = editor.get(reverse("claims:dashboard")).content.decode()
    assert 'role="search"' in page and 'name="q"' in page
    with django_assert_max_num_queries(14):
        response = editor.get(reverse("claims:search"), {"q": "etats unis"})
    content = response.content.decode()
    assert "1 claim" in content
    assert "Morocco co-chairs the" in content
    assert "1 entity" in content and "United States" in content
    assert "0 sources" in content


def test_the_header_search_finds_a_source_by_its_title_without_accents(editor):
    content = editor.get(reverse("claims:search"), {"q": "reaffirme"}).content.decode()
    assert "1 source" in content
    assert "réaffirme" in content


def test_the_header_search_in_french(editor):
    editor.cookies.load({"django_language": "fr"})
    content = editor.get(reverse("claims:search"), {"q": "Italie"}).content.decode()
    assert "1 revendication" in content or "1 affirmation" in content
    assert "Rechercher" in content


@pytest.mark.parametrize("query", ["", "   ", "\x00", "' OR 1=1 --", "%", "_", "a" * 5000])
def test_the_header_search_takes_hostile_input(editor, query):
    response = editor.get(reverse("claims:search"), {"q": query})
    assert response.status_code == 200


# --- Look-ups -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Chekori", "Ismail Chekkori"),  # a near spelling
        ("chekk", "Ismail Chekkori"),  # a prefix of a word
        ("etats-unis", "United States"),  # an alias, accents aside
        ("groupe de reflexion", "Africa Focus Group"),
    ],
)
def test_the_entity_look_up(editor, typed, name):
    response = editor.get(reverse("claims:entity-search"), {"q": typed})
    assert response.json()["results"][0]["name"] == name


def test_the_claims_list_filters_are_look_ups_not_lists_of_every_row(editor):
    content = editor.get(reverse("claims:claim-list")).content.decode()
    assert "<option" not in content.split('name="speaker"')[1].split("</div>")[0]
    assert 'data-lookup-url="/entities/search/"' in content
    assert 'data-lookup-url="/sources/search/"' in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"speaker": "Chekori"}, 3),  # a near spelling of Ismail Chekkori
        ({"speaker": "chekkori"}, 3),
        ({"subject": "groupe de réflexion Afrique"}, 2),  # a French alias
        ({"source": "marrakech"}, 5),
    ],
)
def test_the_claims_list_filters_by_a_typed_name(editor, params, expected):
    content = editor.get(reverse("claims:claim-list"), params).content.decode()
    assert f"{expected} claims" in content


def test_a_filter_given_an_id_still_works(editor):
    chekkori = Entity.objects.get(name="Ismail Chekkori")
    content = editor.get(reverse("claims:claim-list"), {"speaker": chekkori.pk}).content.decode()
    assert "3 claims" in content


@pytest.mark.parametrize("typed", ["²", "٣", "9" * 30, " 0 "])
@pytest.mark.parametrize("field", ["speaker", "source", "subject"])
def test_a_filter_given_digits_that_are_no_id_answers_cleanly(editor, field, typed):
    """«²» is a digit to str.isdigit but no number to int(); thirty nines overflow a key.
    Neither is an id: they are looked up as text (a source's text may hold «2»)."""
    response = editor.get(reverse("claims:claim-list"), {field: typed})
    assert response.status_code == 200
    assert 'id="results"' in response.content.decode()


# --- Proposals ----------------------------------------------------------------------------------


def proposals(client, **params):
    return client.get(reverse("claims:claim-similar"), params).json()


def test_a_new_launch_date_proposes_the_launch_claim_with_its_reason(editor, niamey):
    data = proposals(
        editor,
        q="lancé en 2020",
        subject="groupe de réflexion Afrique",
        property="Launch year",
        value_type="date",
        value="2020",
    )
    first = data["results"][0]
    assert first["statement"] == LAUNCH
    assert first["reasons"][0] == "same subject and property; the value differs"


def test_the_passage_alone_proposes_the_launch_claim_first(editor, niamey):
    first = proposals(editor, q="lancé en 2020")["results"][0]
    assert first["statement"] == LAUNCH
    assert any("similar wording" in reason for reason in first["reasons"])


def test_the_same_value_is_said_so(editor):
    data = proposals(
        editor, q="Lancé en 2021", subject="Africa Focus Group", property="launch year",
        value_type="date", value="2021",
    )  # fmt: skip
    assert data["results"][0]["reasons"][0] == "same subject and property; same value"


def test_the_niamey_passage_proposes_the_co_chair_claim_first(editor, niamey):
    first = proposals(editor, q=NIAMEY_PASSAGE)["results"][0]
    assert first["statement"] == CO_CHAIRS
    assert "about Africa Focus Group" in first["reasons"]
    assert "its value names Italy, Morocco, Niger, United States" in first["reasons"]


def test_a_sentence_with_accents_finds_itself(demo):
    create_claim(by=SYSTEM, statement="Le Sénégal coprésidera la réunion ministérielle.")
    found_first = propose_claims("Le Sénégal coprésidera la réunion ministérielle")[0]
    assert found_first.claim.statement == "Le Sénégal coprésidera la réunion ministérielle."


def test_nothing_alike_is_said_so(editor):
    data = proposals(editor, q="Zzyzx quorp blimf")
    assert data["results"] == []
    assert data["empty"] == "No existing claim looks like this passage."


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a" * 6000},
        {"q": "\x00"},
        {"q": "Maroc", "subject": "nobody at all", "value_type": "planet"},
        {"q": "Maroc", "value_type": "date", "value": "2021-02-30"},
    ],
)
def test_proposals_take_hostile_input(editor, params):
    response = editor.get(reverse("claims:claim-similar"), params)
    assert response.status_code == 200
    assert "results" in response.json()


def test_the_claim_page_shows_the_same_ranking_as_possible_duplicates(
    client, demo, django_assert_max_num_queries
):
    twin = create_claim(
        by=SYSTEM,
        statement="The Africa Focus Group started in 2020.",
        subject=Entity.objects.get(name="Africa Focus Group"),
        property="Launch year",
        value_type="date",
    )
    client.force_login(user("reviewer"))
    content = client.get(reverse("claims:claim-detail", args=[twin.pk])).content.decode()
    duplicates = content.split('id="duplicates"')[1]
    assert LAUNCH in duplicates
    assert "same subject and property" in duplicates
    assert "Merge this claim into claim" in duplicates


# --- Merge --------------------------------------------------------------------------------------


@pytest.fixture
def duplicate(niamey):
    """A launch claim recorded twice: the new source says 2020."""
    return record_claim_from_source(
        source=niamey,
        by=SYSTEM,
        new_claim={
            "statement": "The Africa Focus Group started in 2020.",
            "subject": Entity.objects.get(name="Africa Focus Group"),
            "property": "launch year",
            "value_type": "date",
        },
        quote="lancé en 2020",
        attribution="paraphrase",
        value_date="2020-01-01",
        value_date_precision="year",
    ).claim


def test_merge_keeps_every_version_and_history_entry(duplicate):
    kept = Claim.objects.get(statement=LAUNCH)
    versions = {a.pk for c in (kept, duplicate) for a in c.appearances.all()}
    before = {(e.what, e.detail) for c in (kept, duplicate) for e in claim_timeline(c)}
    merge_claims(duplicate=duplicate, into=kept, by=user("reviewer"), based_on=duplicate.version,
                 note="Same fact.")  # fmt: skip
    duplicate.refresh_from_db()
    assert set(kept.appearances.values_list("pk", flat=True)) == versions
    assert duplicate.status == ClaimStatus.ARCHIVED and duplicate.merged_into == kept
    for claim in (kept, duplicate):
        assert claim.review_events.filter(action=ReviewAction.MERGED).count() == 1
    # 2020 against 2021, now on one claim: the engine sees it.
    assert Conflict.objects.involving(kept).open().count() == 1
    after = claim_timeline(kept)
    whats = {entry.what for entry in after}
    assert {"version added", "merged"} <= {str(what) for what in whats}
    assert len(after) > len(before) / 2
    assert any(entry.detail == f"#{duplicate.pk}" for entry in after)
    assert LAUNCH not in [p.claim.statement for p in propose_claims("started in 2020")[:0]]
    assert duplicate.pk not in [p.claim.pk for p in propose_claims("lancé en 2020")]


def test_merge_is_refused_when_value_types_differ(duplicate):
    other = Claim.objects.get(statement__startswith="Morocco is a member of the Coalition")
    with pytest.raises(ValidationError, match="only claims with one value type can be merged"):
        merge_claims(duplicate=duplicate, into=other, by=user("reviewer"), based_on=1)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and duplicate.appearances.count() == 1


def test_merge_is_for_reviewers(duplicate):
    kept = Claim.objects.get(statement=LAUNCH)
    with pytest.raises(PermissionDenied):
        merge_claims(duplicate=duplicate, into=kept, by=user("editor"), based_on=1)


def test_merge_from_the_claim_page(client, duplicate):
    kept = Claim.objects.get(statement=LAUNCH)
    client.force_login(user("reviewer"))
    response = client.post(
        reverse("claims:claim-merge", args=[duplicate.pk]),
        {"into": kept.pk, "based_on": duplicate.version, "note": "Same fact."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("claims:claim-detail", args=[kept.pk])
    assert f"Claim {duplicate.pk} merged into this one." in response.content.decode()
    page = client.get(reverse("claims:claim-detail", args=[duplicate.pk])).content.decode()
    assert f"This claim was merged into claim {kept.pk}" in page
    # A second merge of the same claim is refused with a message, nothing written.
    response = client.post(
        reverse("claims:claim-merge", args=[duplicate.pk]),
        {"into": kept.pk, "based_on": duplicate.version + 1},
        follow=True,
    )
    assert "was already merged into" in response.content.decode()


def test_a_merged_claim_cannot_be_reopened(duplicate):
    from claims.services import reopen

    kept = Claim.objects.get(statement=LAUNCH)
    merge_claims(duplicate=duplicate, into=kept, by=user("reviewer"), based_on=duplicate.version)
    duplicate.refresh_from_db()
    with pytest.raises(ValidationError, match="merged into"):
        reopen(claim=duplicate, by=user("reviewer"), note="Oops.")


def test_sources_are_searchable_after_a_change(demo):
    source = Source.objects.get(title__startswith="Le Maroc et la Coalition")
    from claims.services import change_source

    change_source(source=source, by=SYSTEM, title="Fiche œcuménique")
    assert Source.objects.filter(search_text__contains="oecumenique").exists()
