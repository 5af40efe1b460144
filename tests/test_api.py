"""The REST API (README, "API"): a script reads and updates claims with its token; every write
goes through the services (the role matrix is the policy's, refusals write nothing); a stale
write is 409 with what changed since; bad input is 400 naming the field; lists are paged by
cursor with a bounded number of queries; throttling counts per token; the OpenAPI schema
validates."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims import policy
from claims.api.throttling import PerToken
from claims.models import Appearance, Claim, ClaimStatus, Conflict, Evidence, Source
from claims.services import create_claim, record_appearance
from tests.factories import make_user
from tests.test_concurrency import race
from tests.test_import import row_counts

# Every write these tests cause goes through a service (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("service_writes_only")


def user(name):
    return get_user_model().objects.get(username=name)


def client_of(username: str | None) -> APIClient:
    """A script's client: authenticated by the user's token (none: anonymous)."""
    client = APIClient()
    if username:
        token, _created = Token.objects.get_or_create(user=user(username))
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def co_chairs():
    return Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")


def fresh_evidence_source():
    """A source the co-chairs claim does not have for evidence yet."""
    return Source.objects.exclude(evidence_for__claim=co_chairs()).first()


@pytest.fixture(autouse=True)
def no_throttle_history():
    cache.clear()


def test_a_script_trades_its_password_for_a_token_then_reads_claims(demo):
    response = APIClient().post(
        reverse("api:token"), {"username": "editor", "password": "demo-editor-pass"}
    )
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    claims = client.get(reverse("api:claim-list")).json()
    assert len(claims["results"]) == Claim.objects.count()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(reverse("api:claim-list")).status_code == 401
    assert APIClient().get(reverse("api:claim-list")).status_code == 401


def test_the_browser_session_works_too(demo, client):
    client.force_login(user("reviewer"))
    assert client.get(reverse("api:claim-list")).status_code == 200


def test_a_claim_reads_with_its_versions_conflicts_and_current_value(
    demo, django_assert_max_num_queries
):
    claim = co_chairs()
    client = client_of("reviewer")
    with django_assert_max_num_queries(14):
        data = client.get(reverse("api:claim-detail", args=[claim.pk])).json()
    assert data["statement"] == claim.statement and data["version"] == claim.version
    assert len(data["versions"]) == claim.appearances.count()
    stated = [sorted(v["value_entities"]) for v in data["versions"]]
    assert stated == [
        sorted(v.value_entities.values_list("pk", flat=True))
        for v in claim.appearances.order_by("pk")
    ]
    assert any(stated)
    assert [c["state"] for c in data["conflicts"]] == ["open"]
    assert data["current_value"]["basis"] == "disputed"
    assert "start_review" in data["steps"]


# --- The role matrix: the policy's, for every write ---------------------------------------------

ROLES = [None, "editor", "reviewer", "admin"]


def write_cases():
    """(policy action, how to make the request, the model whose rows it adds or changes)."""
    return {
        "add_source": lambda c: c.post(
            reverse("api:source-list"), {"title": "Communiqué", "text": "Le texte.\r\n\r\nFin."}
        ),
        "add_claim": lambda c: c.post(reverse("api:claim-list"), {"statement": "Un énoncé."}),
        "record_appearance": lambda c: c.post(
            reverse("api:version-list"),
            {"claim": co_chairs().pk, "source": Source.objects.first().pk, "quote": ""},
        ),
        "change_claim": lambda c: c.patch(
            reverse("api:claim-detail", args=[co_chairs().pk]),
            {"statement": "Reworded.", "version": co_chairs().version},
        ),
        "review_claim": lambda c: c.post(
            reverse("api:claim-steps", args=[co_chairs().pk]), {"step": "start_review"}
        ),
        "decide_conflict": lambda c: c.post(
            reverse("api:conflict-decide", args=[Conflict.objects.get().pk]),
            {"decision": "dismiss", "note": "Not a contradiction."},
        ),
        "add_evidence": lambda c: c.post(
            reverse("api:evidence-list"),
            {"claim": co_chairs().pk, "source": fresh_evidence_source().pk, "stance": "supports"},
        ),
        "delete_claim": lambda c: c.delete(reverse("api:claim-detail", args=[co_chairs().pk])),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(write_cases()))
def test_each_role_may_write_what_the_policy_allows_and_nothing_else(demo, role, action):
    before = row_counts()
    response = write_cases()[action](client_of(role))
    if role is None:
        assert response.status_code == 401
    elif policy.can(user(role), action):
        # Allowed, and carried out by the service — which refuses to delete a claim with a
        # review history (its conflict): 400 with its reason.
        expected = {"add_source": 201, "add_claim": 201, "record_appearance": 201,
                    "add_evidence": 201, "delete_claim": 400}.get(action, 200)  # fmt: skip
        assert response.status_code == expected, response.content
        if action == "delete_claim":
            assert "archive it instead" in response.json()["non_field_errors"][0]
    else:
        assert response.status_code == 403, response.content
        assert "Your role does not allow you to" in response.json()["detail"]
    if response.status_code >= 400:
        assert row_counts() == before


def test_a_reviewer_takes_a_claim_through_the_workflow(demo):
    client = client_of("reviewer")
    claim = Claim.objects.filter(value_type="none").first()
    url = reverse("api:claim-steps", args=[claim.pk])
    assert client.post(url, {"step": "start_review"}).json()["status"] == ClaimStatus.IN_REVIEW
    response = client.post(url, {"step": "mark_reviewed", "verdict": "misleading", "note": "Vu."})
    assert response.status_code == 200, response.content
    assert response.json()["verdict"] == "misleading"
    # A step that does not apply: 400 naming why, nothing changed.
    response = client.post(url, {"step": "start_review"})
    assert response.status_code == 400
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.REVIEWED


# --- Optimistic locking ---------------------------------------------------------------------------


def test_a_stale_write_is_409_with_what_changed_since(demo):
    claim = co_chairs()
    url = reverse("api:claim-detail", args=[claim.pk])
    read_by_editor = client_of("editor").get(url).json()["version"]
    # Someone else changes the claim in between.
    response = client_of("reviewer").patch(
        url, {"statement": "Le Maroc copréside le groupe.", "version": read_by_editor}
    )
    assert response.status_code == 200 and response.json()["version"] == read_by_editor + 1
    response = client_of("editor").patch(
        url, {"statement": "Morocco co-chairs it.", "version": read_by_editor}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == read_by_editor + 1
    assert "by reviewer" in body["changes"][0] and "copréside" in body["changes"][0]
    assert Claim.objects.get(pk=claim.pk).statement == "Le Maroc copréside le groupe."
    # Based on the current version, it goes through.
    response = client_of("editor").patch(
        url, {"statement": "Morocco co-chairs it.", "version": body["current_version"]}
    )
    assert response.status_code == 200


def test_a_change_without_its_version_is_refused(demo):
    version = Appearance.objects.first()
    response = client_of("editor").patch(
        reverse("api:version-detail", args=[version.pk]), {"quote": ""}
    )
    assert response.status_code == 400 and "version" in response.json()


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"said_on": "2021-02-30"}, "said_on", "no day 30"),
        ({"quote": "Not in the article at all."}, "quote", ""),
        ({"start": 5, "end": 2}, "end", ""),
        ({"claim": 999999}, "claim", "does not exist"),
        ({"attribution": "rumour"}, "attribution", "not a valid choice"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(demo, fields, field, message):
    before = row_counts()
    data = {"claim": co_chairs().pk, "source": Source.objects.first().pk, **fields}
    response = client_of("editor").post(reverse("api:version-list"), data)
    assert response.status_code == 400, response.content
    errors = response.json()
    named = errors.get(field) or errors.get("non_field_errors")
    assert named and message in " ".join(named)
    assert row_counts() == before


def test_a_source_pasted_from_a_browser_keeps_its_paragraphs(demo):
    text = "Premier paragraphe.\r\n\r\nDeuxième, avec « guillemets ».\r\n\r\nTroisième."
    response = client_of("editor").post(
        reverse("api:source-list"), {"title": "Dépêche", "text": text, "published": "2022-05"}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["text"] == text.replace("\r\n", "\n") and data["published"] == "2022-05"
    version = client_of("editor").post(
        reverse("api:version-list"),
        {"claim": co_chairs().pk, "source": data["id"], "quote": "Troisième."},
    )
    assert version.status_code == 201, version.content
    assert version.json()["start"] == data["text"].index("Troisième.")


# --- Lists: filters, cursor pages, bounded queries ------------------------------------------------


def test_claims_filter_as_the_list_page_does_accents_aside(demo):
    client = client_of("editor")
    for query in ("coprésidence", "copresidence", "COPRESIDENCE"):
        found = client.get(reverse("api:claim-list"), {"q": query}).json()["results"]
        assert co_chairs().pk in [claim["id"] for claim in found], query
    found = client.get(reverse("api:claim-list"), {"has_open_conflict": "true"}).json()
    assert [claim["id"] for claim in found["results"]] == [co_chairs().pk]


def test_entities_are_looked_up_by_alias(demo):
    client = client_of("editor")
    for name in ("etats-unis", "ÉTATS UNIS", "usa"):
        found = client.get(reverse("api:entity-list"), {"name": name}).json()["results"]
        assert [entity["name"] for entity in found] == ["United States"], name


@pytest.mark.parametrize("endpoint", ["claim", "version", "source", "entity", "conflict"])
def test_pages_follow_by_cursor_newest_first_in_bounded_queries(
    demo, endpoint, django_assert_max_num_queries
):
    for number in range(12):
        claim = create_claim(by=policy.SYSTEM, statement=f"Claim number {number}.")
        record_appearance(claim=claim, source=Source.objects.first(), by=policy.SYSTEM)
    client = client_of("editor")
    url, seen = f"{reverse(f'api:{endpoint}-list')}?page_size=5", []
    while url:
        with django_assert_max_num_queries(6):
            page = client.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen))
    model = {"version": Appearance, "claim": Claim, "source": Source, "conflict": Conflict}
    if endpoint in model:
        assert len(seen) == model[endpoint].objects.count()


# --- Throttling -----------------------------------------------------------------------------------


def test_throttling_counts_per_token(demo, monkeypatch):
    monkeypatch.setattr(PerToken, "THROTTLE_RATES", {"api": "3/minute"})
    editor, reviewer = client_of("editor"), client_of("reviewer")
    url = reverse("api:verdict-list")
    assert [editor.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another token has its own count.
    assert reviewer.get(url).status_code == 200


# --- The schema and the docs ----------------------------------------------------------------------


def test_the_openapi_schema_validates(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yaml")
    schema = (tmp_path / "api.yaml").read_text()
    assert "/api/claims/{id}/steps/" in schema and "tokenAuth" in schema


def test_the_docs_are_served_from_local_files(client):
    page = client.get(reverse("api:docs")).content.decode()
    assert "swagger-ui-bundle.js" in page and "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower() and "<script>" not in page
    assert client.get(reverse("api:schema")).status_code == 200


def test_evidence_is_added_changed_and_removed_through_the_services(demo):
    client = client_of("editor")
    source = fresh_evidence_source()
    response = client.post(
        reverse("api:evidence-list"),
        {"claim": co_chairs().pk, "source": source.pk, "stance": "refutes"},
    )
    assert response.status_code == 201, response.content
    url = reverse("api:evidence-detail", args=[response.json()["id"]])
    assert client.patch(url, {"note": "Page 3."}).json()["note"] == "Page 3."
    # Once a claim has a source for evidence: a second time is refused, by the model's rule.
    again = client.post(
        reverse("api:evidence-list"),
        {"claim": co_chairs().pk, "source": source.pk, "stance": "supports"},
    )
    assert again.status_code == 400
    # Removing evidence is not an editor's.
    assert not policy.can(user("editor"), "delete_evidence")
    assert client.delete(url).status_code == 403
    assert client_of("admin").delete(url).status_code == 204
    assert not Evidence.objects.filter(claim=co_chairs(), source=source).exists()


def test_errors_are_told_in_the_language_the_script_asks_for(demo):
    data = {"claim": co_chairs().pk, "source": Source.objects.first().pk, "said_on": "2021-02-30"}
    response = client_of("editor").post(
        reverse("api:version-list"), data, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    assert "n'est pas une date valide" in response.json()["said_on"][0]
    response = client_of("editor").patch(
        reverse("api:claim-detail", args=[co_chairs().pk]), {"statement": "X."},
        HTTP_ACCEPT_LANGUAGE="fr",
    )  # fmt: skip
    assert "La version sur laquelle repose votre modification" in response.json()["version"][0]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers: run on PostgreSQL (CI does) to race them.",
)
def test_two_scripts_changing_one_claim_at_once_one_wins_the_other_gets_409(reference_data):
    claim = create_claim(by=policy.SYSTEM, statement="Le groupe compte quatre membres.")
    for name in ("script1", "script2"):
        make_user("editor", username=name)
    url = reverse("api:claim-detail", args=[claim.pk])
    statuses = {}

    def change(name):
        response = client_of(name).patch(url, {"statement": f"By {name}.", "version": 1})
        statuses[name] = response.status_code

    assert race(lambda: change("script1"), lambda: change("script2")) == [None, None]
    assert sorted(statuses.values()) == [200, 409]
    winner = next(name for name, status in statuses.items() if status == 200)
    claim.refresh_from_db()
    assert claim.statement == f"By {winner}." and claim.version == 2


@pytest.mark.parametrize(
    "body,content_type",
    [
        (b"[1, 2, 3]", "application/json"),  # a list, not an object
        (b'{"statement": ', "application/json"),  # cut short
        (b"\xff\xfe\x00garbage", "application/json"),  # not UTF-8
        (b'{"statement": "' + b"x" * 3_000_000 + b'"}', "application/json"),  # 3 MB
        (b"statement=Un+%C3%A9nonc%C3%A9", "text/plain"),  # a type it does not read
    ],
)
def test_hostile_bodies_get_a_clear_refusal_and_write_nothing(demo, body, content_type):
    before = row_counts()
    response = client_of("editor").generic(
        "POST", reverse("api:claim-list"), body, content_type=content_type
    )
    assert response.status_code in (400, 413, 415), response.status_code
    assert response.json()
    assert row_counts() == before
