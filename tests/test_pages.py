"""The editors' pages over HTTP: who may open them, what they cost, what they show."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from claims.models import Claim, Source
from claims.policy import SYSTEM
from claims.services import detect_conflicts, record_appearance
from tests.factories import make_appearance, make_claim, make_entity, make_source, make_user
from tests.responses import body

# Every write these tests cause goes through a service (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("service_writes_only")

ROLES = ["editor", "reviewer", "admin"]


def login(client, role):
    client.force_login(get_user_model().objects.get(username=role))
    return client


def co_chairs():
    return Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")


PAGES = {
    "dashboard": lambda: reverse("claims:dashboard"),
    "claim list": lambda: reverse("claims:claim-list"),
    "claim export": lambda: reverse("claims:claim-export"),
    "claim export as JSON": lambda: reverse("claims:claim-export-json"),
    "versions export": lambda: reverse("claims:claim-export-versions"),
    "claim page": lambda: reverse("claims:claim-detail", args=[co_chairs().pk]),
    "source list": lambda: reverse("claims:source-list"),
    "source page": lambda: reverse("claims:source-detail", args=[Source.objects.first().pk]),
    "entity page": lambda: reverse("claims:entity-detail", args=[co_chairs().subject_id]),
    "conflict queue": lambda: reverse("claims:queue", args=["conflicts"]),
    "my queue": lambda: reverse("claims:queue", args=["mine"]),
    "unreviewed queue": lambda: reverse("claims:queue", args=["unreviewed"]),
    "similar claims": lambda: reverse("claims:claim-similar") + "?q=Niger",
    "entity search": lambda: reverse("claims:entity-search") + "?q=etats",
    "add a source": lambda: reverse("claims:source-create"),
    "add an entity": lambda: reverse("claims:entity-create"),
    "edit a claim": lambda: reverse("claims:claim-edit", args=[co_chairs().pk]),
    "correct a version": lambda: reverse(
        "claims:version-edit", args=[co_chairs().appearances.first().pk]
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_page_opens_for_every_role(client, demo, role):
    login(client, role)
    opened = {page: client.get(url()).status_code for page, url in PAGES.items()}
    assert opened == dict.fromkeys(PAGES, 200)


def test_each_page_sends_anonymous_users_to_log_in(client, demo):
    for url in PAGES.values():
        response = client.get(url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_is_refused_the_editors_pages(client, demo):
    client.force_login(get_user_model().objects.create_user("visitor"))
    assert client.get(PAGES["add a source"]()).status_code == 403
    assert client.get(PAGES["add an entity"]()).status_code == 403
    assert client.get(PAGES["edit a claim"]()).status_code == 403
    response = client.post(
        reverse("claims:source-detail", args=[Source.objects.first().pk]), {"quote": "x"}
    )
    assert response.status_code == 403


@pytest.fixture
def rows(db, request):
    """``request.param`` claims, each with two versions (from their own source, publisher and
    speaker) in conflict, assigned to the user returned."""
    user = make_user("reviewer", username="rows")
    subject = make_entity(name="Subject")
    for number in range(request.param):
        claim = make_claim(
            statement=f"Claim {number}", value_type="number", subject=subject, assignee=user
        )
        for value in (1, 2):
            make_appearance(
                claim=claim,
                source=make_source(publisher=make_entity(name=f"Paper {number}-{value}")),
                speaker=make_entity(name=f"Speaker {number}-{value}", kind="person"),
                attribution="reported",
                value_number=value,
            )
        detect_conflicts(claim, by=SYSTEM)
    return user


# (page, url, most queries)
# One more query where a count asks PostgreSQL's planner (claims.pagination).
PLANNER = 1 if connection.vendor == "postgresql" else 0

LIST_PAGES = [
    # session, user, count, the page of rows (counts in subqueries, relations joined), and the
    # choices of 6 filters.
    ("claim list", lambda: reverse("claims:claim-list"), 10),
    # session, user, the rows (streamed in chunks), and per chunk their versions with sources
    # and speakers, and the versions' members (for the current value).
    ("claim export", lambda: reverse("claims:claim-export"), 5),
    ("versions export", lambda: reverse("claims:claim-export-versions"), 5),
    # session, user, the claims (streamed in chunks), and per chunk their versions with
    # sources and speakers, and the versions' members.
    ("claim export as JSON", lambda: reverse("claims:claim-export-json"), 5),
    # session, user, count, the page (with their quote count and publisher).
    ("source list", lambda: reverse("claims:source-list"), 4),
    # session, user, a bounded count for each of the four statuses, open conflicts, my claims,
    # recent activity (review steps, sources, versions, evidence): 12; and the planner for
    # the statuses' counts too.
    (
        "dashboard",
        lambda: reverse("claims:dashboard"),
        17 if connection.vendor == "postgresql" else 12,
    ),
    # session, user, count, the page (conflicts with their claims and sources, or claims);
    # for conflicts, their versions and those versions' entities (to describe them).
    ("conflict queue", lambda: reverse("claims:queue", args=["conflicts"]), 6),
    ("my queue", lambda: reverse("claims:queue", args=["mine"]), 4),
    ("unreviewed queue", lambda: reverse("claims:queue", args=["unreviewed"]), 4),
    # session, user, entity, aliases, count, page, track record (kept counts), conflicts,
    # whether it publishes sources (none here: no publisher's record).
    (
        "subject page",
        lambda: reverse("claims:entity-detail", args=[Claim.objects.first().subject_id]),
        10,
    ),
]


@pytest.mark.parametrize("rows", [10, 50], indirect=True)
def test_list_pages_cost_the_same_for_10_and_50_rows(client, rows, django_assert_max_num_queries):
    client.force_login(rows)
    for _name, url, most in LIST_PAGES:
        # A list counted past 1,000 rows also asks PostgreSQL's planner how many (the 50 rows'
        # conflicts are): one more, whatever the rows.
        with django_assert_max_num_queries(most + PLANNER):
            response = client.get(url())
            body(response)
        assert response.status_code == 200


@pytest.mark.parametrize("versions", [10, 50])
def test_the_claim_page_costs_the_same_for_10_and_50_versions(
    client, db, django_assert_max_num_queries, versions
):
    reviewer = make_user("reviewer")
    claim = make_claim(value_type="entities")
    members = [make_entity(name=f"Member {n}") for n in range(3)]
    source = make_source()
    for number in range(versions):
        record_appearance(
            by=SYSTEM,
            claim=claim,
            source=source,
            speaker=members[number % 3],
            value_entities=members[: 1 + number % 3],
        )
    client.force_login(reviewer)
    # session, user, claim, the user's permissions (two); versions and their entities (side
    # by side), again for the current value; timeline (events, claim history, version
    # history and its sets of entities, evidence history) and the claims merged into it;
    # possible duplicates (entities named; the claims of the same fact, about one of them,
    # listing one — none here; wording in quotes and statements; the candidates with their
    # versions and entities); the review form's verdicts and users;
    # the disagreement (the claim's versions' ids, open conflicts, their versions, their
    # entities); the other conflicts, and their versions with their entities (to describe
    # them); evidence; the citations of its sources, for their origins: 27, whatever the
    # number of versions (PostgreSQL: 28, the rarest words' frequencies from its statistics
    # for the wording's candidates).
    with django_assert_max_num_queries(28 if connection.vendor == "postgresql" else 27):
        response = client.get(reverse("claims:claim-detail", args=[claim.pk]))
    assert response.status_code == 200
    # Member 0 is listed by every version; members 1 and 2 by some: those are marked.
    marked = response.content.decode().count('class="differs"')
    assert marked == sum(number % 3 for number in range(versions))


def test_pages_speak_french_when_asked(client, demo):
    login(client, "editor")
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("claims:dashboard")).content.decode()
    assert '<html lang="fr">' in page
    assert "Tableau de bord" in page and "Conflits ouverts" in page
    # A count and its status agree: «16 nouvelles affirmations», not «16 Nouvelle».
    assert "</strong>nouvelles affirmations</a>" in page
    claim = client.get(PAGES["claim page"]()).content.decode()
    assert "côte à côte" in claim and "Ses versions divergent" in claim
    assert "Une version n&#x27;est pas datée" in claim


def test_every_message_has_its_french_translation():
    import polib
    from django.conf import settings

    catalog = polib.pofile(str(settings.BASE_DIR / "locale/fr/LC_MESSAGES/django.po"))
    assert catalog.percent_translated() == 100
    assert not catalog.fuzzy_entries()


def test_the_catalogue_holds_every_message_of_the_code(tmp_path):
    """``makemessages`` run on a copy of the project finds no message that the committed
    catalogue lacks: a string added to the code without its translation fails here."""
    import os
    import shutil
    import subprocess
    import sys

    import polib
    from django.conf import settings

    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs GNU gettext (xgettext) to check the catalogue.")
        pytest.skip("GNU gettext (xgettext) is not installed: apt-get install gettext.")
    copy = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "var", "*.sqlite3", "staticfiles", "docs"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--ignore=.venv",
         "--ignore=tests", "--ignore=bench"],
        cwd=copy, env={**os.environ, "DEBUG": "1"}, check=True, capture_output=True,
    )  # fmt: skip
    fresh = polib.pofile(str(copy / "locale/fr/LC_MESSAGES/django.po"))
    missing = [entry.msgid for entry in fresh.untranslated_entries() + fresh.fuzzy_entries()]
    assert not missing, missing


def test_the_dashboard_shows_editors_work_beside_review_steps(client, demo):
    """A new source and its recorded versions were never in "Recent activity"."""
    editor = get_user_model().objects.get(username="editor")
    from claims.services import add_source, record_claim_from_source

    source = add_source(
        by=editor, title="Communiqué du ministère", language="fr", text="Le ministre a parlé."
    )
    record_claim_from_source(
        source=source,
        by=editor,
        new_claim={"statement": "The minister spoke."},
        attribution="paraphrase",
    )
    login(client, "reviewer")
    content = body(client.get(reverse("claims:dashboard")))
    recent = content[content.index('id="recent"') :]
    assert "source added" in recent and "Communiqué du ministère" in recent
    assert "version recorded" in recent and "The minister spoke." in recent
    assert recent.index("version recorded") < recent.index("source added"), "newest first"
    french = body(client.get(reverse("claims:dashboard"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "version enregistrée" in french


def test_logging_out_says_so(client, demo):
    login(client, "editor")
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login") + "?logged-out"
    assert "You are logged out." in response.content.decode()
    assert "You are logged out." not in client.get(reverse("login")).content.decode()
    login(client, "editor")
    french = client.post(reverse("logout"), follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Vous êtes déconnecté" in french.content.decode()
