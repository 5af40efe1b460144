"""The claims list: each filter narrows the demo list as it should, filters combine, and the CSV
export holds exactly the filtered list."""

import csv
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from claims.models import Appearance, Claim, Entity, Source, Verdict
from claims.policy import SYSTEM
from claims.services import (
    add_entity,
    add_evidence,
    add_source,
    assign,
    change_source,
    create_claim,
    decide_conflict,
    delete_appearance,
    mark_reviewed,
    record_claim_from_source,
    start_review,
    update_claim,
)
from tests.responses import body

# Every write these tests cause goes through a service (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("service_writes_only")

ALL = 16


@pytest.fixture
def desk(client, demo):
    users = {user.username: user for user in get_user_model().objects.all()}
    client.force_login(users["editor"])
    return users


def listed(client, **params):
    response = client.get(reverse("claims:claim-list"), params)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count <= 25, "the demo fits one page"
    return {claim.statement for claim in page.object_list}


def statements(**lookups):
    return set(Claim.objects.filter(**lookups).values_list("statement", flat=True))


def test_without_filters_every_claim_is_listed(client, desk):
    assert len(listed(client)) == ALL


def test_status_and_verdict(client, desk):
    reviewer = desk["reviewer"]
    held_in = Claim.objects.get(property="held in")
    claim = start_review(claim=held_in, by=reviewer)
    assert listed(client, status="in_review") == {held_in.statement}
    accurate = Verdict.objects.get(slug="accurate")
    mark_reviewed(claim=claim, by=reviewer, verdict=accurate, note="Both agree.")
    assert listed(client, verdict=accurate.pk) == {held_in.statement}
    assert listed(client, status=["new", "reviewed"]) == statements()
    assert len(listed(client, status="new")) == ALL - 1


def test_speaker(client, desk):
    chekkori = Entity.objects.get(name="Ismail Chekkori")
    assert listed(client, speaker=chekkori.pk) == statements(appearances__speaker=chekkori)
    assert len(listed(client, speaker=chekkori.pk)) == 3


def test_source_publisher_and_language(client, desk):
    marrakech = Source.objects.get(title__contains="Marrakech")
    expected = statements(appearances__source=marrakech)
    assert len(expected) == 5
    assert listed(client, source=marrakech.pk) == expected
    ministry = add_entity(by=desk["editor"], name="Ministry", kind="organization")
    change_source(source=marrakech, by=desk["editor"], publisher=ministry)
    assert listed(client, publisher=marrakech.publisher.pk) == expected
    assert listed(client, publisher="ministry") == expected  # by name, as the look-up sends it
    assert len(listed(client, language="fr")) == ALL
    english = add_source(
        by=desk["editor"], title="Report", language="en", text="Niger is a country."
    )
    record_claim_from_source(
        source=english,
        by=desk["editor"],
        new_claim={"statement": "Niger is a country."},
        quote="Niger is a country.",
        start=0,
        end=19,
    )
    assert listed(client, language="en") == {"Niger is a country."}


def test_subject_and_assignee(client, desk):
    morocco = Entity.objects.get(name="Morocco")
    assert listed(client, subject=morocco.pk) == statements(subject=morocco)
    assert len(statements(subject=morocco)) == 4
    claim = Claim.objects.get(property="launch year")
    assign(claim=claim, to=desk["editor"], by=desk["reviewer"])
    assert listed(client, assignee=desk["editor"].pk) == {claim.statement}


def test_date_range_uses_when_said_else_the_source_date(client, desk):
    dated = statements(appearances__source__title__contains="Marrakech")
    assert listed(client, said_after="2022-01-01") == dated
    assert listed(client, said_after="2022-01-01", said_before="2022-12-31") == dated
    assert listed(client, said_before="2021-12-31") == set()
    assert listed(client, said_after="2023-01-01") == set()


def test_has_open_conflict(client, desk):
    co_chairs = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    assert listed(client, has_open_conflict="true") == {co_chairs.statement}
    assert len(listed(client, has_open_conflict="false")) == ALL - 1


def test_text_searches_statements_and_quotes(client, desk):
    assert listed(client, q="small group") == {
        "Morocco is a member of the Coalition's Small Group."
    }
    # "co-présidence" is only in a quote, in French.
    assert listed(client, q="co-présidence") == {
        Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs").statement
    }


def test_filters_combine(client, desk):
    state = Entity.objects.get(name="US Department of State")
    morocco = Entity.objects.get(name="Morocco")
    assert listed(client, speaker=state.pk, subject=morocco.pk) == {
        "No terrorist incident was recorded in Morocco in 2021.",
        "Morocco's anti-terrorism legislation was enacted in 2003.",
    }
    assert listed(client, speaker=state.pk, subject=morocco.pk, q="2003") == {
        "Morocco's anti-terrorism legislation was enacted in 2003."
    }


def test_filter_state_is_in_the_url_and_the_count_shown(client, desk):
    state = Entity.objects.get(name="US Department of State")
    response = client.get(
        reverse("claims:claim-list"), {"speaker": state.pk, "ordering": "statement"}
    )
    content = response.content.decode()
    count = len(statements(appearances__speaker=state))
    assert f"{count} claims" in content
    assert f"export.csv?speaker={state.pk}&amp;ordering=statement" in content
    listed_in_order = [claim.statement for claim in response.context["page"].object_list]
    assert listed_in_order == sorted(listed_in_order)


def csv_rows(response) -> list[dict]:
    """The rows of a CSV export, read as a spreadsheet does: it starts with a byte order
    mark, so that Excel reads its accents as UTF-8."""
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_export_matches_the_filtered_list(client, desk):
    state = Entity.objects.get(name="US Department of State")
    params = {"speaker": state.pk, "has_open_conflict": "false"}
    rows = csv_rows(client.get(reverse("claims:claim-export"), params))
    assert {row["statement"] for row in rows} == listed(client, **params)
    assert rows[0].keys() >= {"id", "status", "verdict", "subject", "versions", "open_conflicts"}


def test_the_csv_has_a_claim_a_row_with_labels_its_current_value_and_counts(client, desk):
    rows = {row["statement"]: row for row in csv_rows(client.get(reverse("claims:claim-export")))}
    co_chairs = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    row = rows[co_chairs.statement]
    assert (row["status"], row["status_label"]) == ("new", "new")
    assert row["value_type"] == "entities" and row["current_value"] == "disputed"
    assert int(row["versions"]) == co_chairs.appearances.count() == 3
    assert row["sources"] == "2" and row["open_conflicts"] == "1"
    assert row["url"] == f"http://testserver/claims/{co_chairs.pk}/"
    assert rows["The Africa Focus Group was launched in 2021."]["current_value"] == "2021"
    # A reviewed claim: its verdict's code and, in French, its French label.
    claim = Claim.objects.exclude(pk=co_chairs.pk).first()
    start_review(claim=claim, by=desk["reviewer"])
    mark_reviewed(claim=claim, by=desk["reviewer"], verdict=Verdict.objects.get(slug="accurate"),
                  note="Checked.")  # fmt: skip
    french = client.get(reverse("claims:claim-export"), HTTP_ACCEPT_LANGUAGE="fr")
    row = next(row for row in csv_rows(french) if row["id"] == str(claim.pk))
    assert (row["status"], row["status_label"]) == ("reviewed", "vérifiée")
    assert (row["verdict"], row["verdict_label"]) == ("accurate", "Exact")


def test_the_versions_csv_has_a_version_a_row(client, desk):
    params = {"q": "coprésidence"}
    rows = csv_rows(client.get(reverse("claims:claim-export-versions"), params))
    claims = listed(client, **params)
    versions = Appearance.objects.filter(claim__statement__in=claims)
    assert sorted(int(row["version_id"]) for row in rows) == sorted(v.pk for v in versions)
    row = rows[0]
    assert row["source"] and row["quote"] and row["attribution"] in {"direct", "paraphrase",
                                                                     "reported"}  # fmt: skip
    assert "Morocco" in row["value"].split("; ")
    assert (row["rank"], row["rank_label"]) == ("normal", "normal")


def test_an_export_is_named_after_the_day_and_its_filters(client, desk):
    today = timezone.localdate().isoformat()
    plain = client.get(reverse("claims:claim-export"))
    assert plain["Content-Disposition"] == f'attachment; filename="claims-{today}.csv"'
    filtered = client.get(
        reverse("claims:claim-export-versions"),
        {"status": ["new", "in_review"], "q": "Coprésidence", "ordering": "statement"},
    )
    assert filtered["Content-Disposition"] == (
        f'attachment; filename="versions-{today}-q-copresidence-status-new-in-review.csv"'
    )
    as_json = client.get(reverse("claims:claim-export-json"), {"q": '"; rm -rf'})
    assert as_json["Content-Disposition"] == f'attachment; filename="claims-{today}-q-rm-rf.json"'


def test_json_export_has_the_filtered_claims_with_their_versions(client, desk):
    params = {"q": "coprésidence", "subject": "groupe de réflexion Afrique"}
    response = client.get(reverse("claims:claim-export-json"), params)
    assert response.streaming and response["Content-Type"] == "application/json"
    claims = json.loads(body(response))
    assert {claim["statement"] for claim in claims} == listed(client, **params)
    co_chairs = next(claim for claim in claims if claim["property"] == "co-chairs")
    assert co_chairs["subject"] == "Africa Focus Group"
    assert co_chairs["value_type"] == "entities"
    version = co_chairs["versions"][0]
    assert version["quote"] and version["source"]["title"]
    assert version["value"] == sorted(version["value"]) and "Morocco" in version["value"]
    launch = json.loads(body(client.get(reverse("claims:claim-export-json"), {"q": "launched"})))
    # A date as precise as it was said; a claim's other fields as the list shows them.
    assert {v["value"] for claim in launch for v in claim["versions"]} >= {"2021"}


def test_json_export_keeps_hostile_text_as_text(client, desk):
    statement = 'He said "</script><script>alert(1)</script>"\r\nand\u2028left.'
    create_claim(by=SYSTEM, statement=statement)
    claims = json.loads(body(client.get(reverse("claims:claim-export-json"))))
    assert statement in {claim["statement"] for claim in claims}


def test_an_invalid_filter_value_is_reported_not_a_crash(client, desk):
    response = client.get(reverse("claims:claim-list"), {"said_after": "2021-02-30"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_csv_cells_that_look_like_formulas_stay_text(client, desk):
    create_claim(by=SYSTEM, statement='=HYPERLINK("http://evil.example")')
    response = client.get(reverse("claims:claim-export"))
    assert '\'=HYPERLINK("http://evil.example")' in {row["statement"] for row in csv_rows(response)}


# --- The default order: the latest activity first -------------------------------------------


def first_listed(client) -> Claim:
    response = client.get(reverse("claims:claim-list"))
    return response.context["page"].object_list[0]


def test_every_kind_of_activity_brings_its_claim_to_the_top(client, desk):
    editor, reviewer = desk["editor"], desk["reviewer"]
    co_chairs = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    quiet = list(Claim.objects.exclude(pk=co_chairs.pk).order_by("last_activity_at", "pk"))
    source = Source.objects.get(title__contains="Marrakech")
    conflict = co_chairs.conflicts.get(state="open")
    steps = {
        "a version": lambda claim: record_claim_from_source(
            claim=claim, source=source, by=editor, attribution="paraphrase"
        ),
        "evidence": lambda claim: add_evidence(
            claim=claim, source=source, by=reviewer, stance="supports"
        ),
        "a review step": lambda claim: start_review(claim=claim, by=reviewer),
        "an edit": lambda claim: update_claim(
            claim=claim, by=editor, based_on=claim.version, statement=f"{claim.statement} (bis)"
        ),
        "a deleted version": lambda claim: delete_appearance(
            appearance=claim.appearances.first(), by=desk["admin"]
        ),
    }
    for claim, (what, step) in zip(quiet, steps.items(), strict=False):
        assert first_listed(client) != claim
        version = Claim.objects.get(pk=claim.pk).version
        step(Claim.objects.get(pk=claim.pk))
        assert first_listed(client) == claim, what
        if what not in {"a review step", "an edit"}:  # those change the claim itself
            # Activity is no revision of the claim: a form open on it is not stale.
            assert Claim.objects.get(pk=claim.pk).version == version, what
    decide_conflict(conflict=conflict, by=reviewer, decision="both_hold", note="Both were true.")
    assert first_listed(client) == co_chairs


def test_a_version_that_opens_a_conflict_brings_the_claim_to_the_top(client, desk):
    """The walk-through's case: the co-chair claim sank to row 16 of 16."""
    italy = Entity.objects.get(name="Italy")
    co_chairs = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    other = Claim.objects.exclude(pk=co_chairs.pk).order_by("last_activity_at").first()
    record_claim_from_source(
        claim=other, source=Source.objects.first(), by=desk["editor"], attribution="paraphrase"
    )
    assert first_listed(client) == other
    opened_before = co_chairs.conflicts.count()
    record_claim_from_source(
        claim=co_chairs,
        source=Source.objects.get(title__contains="réaffirme"),
        by=desk["editor"],
        attribution="paraphrase",
        value_entities=[italy],
    )
    assert co_chairs.conflicts.count() > opened_before
    assert first_listed(client) == co_chairs


def test_the_sort_options_are_named_in_full_and_work(client, desk):
    response = client.get(reverse("claims:claim-list"), {"ordering": "activity"})
    options = response.context["filter"].form.fields["ordering"].choices
    labels = [str(label) for _value, label in options]
    assert labels[0] == "Latest activity first (a search: best matches first)"
    assert "Statement, Z to A" in labels
    assert not [label for label in labels if "descending" in label]
    listed_in_order = list(response.context["page"].object_list)
    assert listed_in_order == sorted(listed_in_order, key=lambda c: (c.last_activity_at, c.pk))
    french = client.get(reverse("claims:claim-list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "---------" not in french.content.decode()


def test_the_language_filter_names_its_languages(client, desk):
    english = body(client.get(reverse("claims:claim-list")))
    assert '<option value="fr">French (fr)</option>' in english
    french = body(client.get(reverse("claims:claim-list"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert '<option value="fr">Français (fr)</option>' in french
    assert '<option value="en">Anglais (en)</option>' in french


def test_no_filter_lists_the_desks_rows(client, desk):
    """Speakers, sources and publishers are looked up, not listed: the page's weight does not
    grow with the desk (at a million claims, an <option> each made 27 MB)."""
    before = len(client.get("/claims/").content)
    for number in range(40):
        publisher = add_entity(by=desk["editor"], name=f"Gazette {number}", kind="organization")
        add_source(by=desk["editor"], title=f"Edition {number}", language="fr", text="Un texte.")
        change_source(source=Source.objects.get(title=f"Edition {number}"), by=desk["editor"],
                      publisher=publisher)  # fmt: skip
    page = client.get("/claims/").content.decode()
    assert "Gazette 7" not in page and "Edition 7" not in page
    assert abs(len(page) - before) < 200


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite counts exactly: it has no planner's estimate"
)
def test_a_long_list_is_counted_about(client, desk, monkeypatch):
    """Beyond what is counted exactly, the list says about how many (the planner's estimate),
    and its pages still run."""
    monkeypatch.setattr("claims.pagination.EXACT_UP_TO", 10)
    page = body(client.get("/claims/"))
    assert re.search(r"about [\d,]+ claims", page)
    assert client.get("/claims/?page=2").status_code == 200
    # A short one is counted exactly.
    assert "3 claims" in body(client.get("/claims/?speaker=Ismail+Chekkori"))
    client.cookies["django_language"] = "fr"
    assert re.search(r"environ [\d\s]+ affirmations", body(client.get("/claims/")))
