"""The role matrix: for each role and each action, allowed or refused — by the services
themselves and over HTTP. Refusals are the server's, whatever a page shows."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from claims.models import Claim, Conflict, Source, Verdict
from claims.services import (
    archive,
    assign,
    dismiss_conflict,
    flag_conflict,
    mark_reviewed,
    record_appearance,
    reopen,
    resolve_conflict,
    start_review,
    update_appearance,
    update_claim,
)

# Every write these tests cause goes through a service (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("service_writes_only")

ROLES = ["anonymous", "editor", "reviewer", "admin"]


def user_for(role):
    if role == "anonymous":
        return AnonymousUser()
    return get_user_model().objects.get(username=role)


def co_chairs():
    return Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")


def held_in():
    return Claim.objects.get(property="held in")


def in_review(claim):
    return start_review(claim=claim, by=user_for("admin"))


SERVICE_ACTIONS = {
    "record an appearance": lambda user: record_appearance(
        claim=held_in(), source=Source.objects.first(), by=user, attribution="paraphrase"
    ),
    "edit a claim": lambda user: update_claim(
        claim=held_in(), by=user, based_on=1, statement="Edited."
    ),
    "edit a version": lambda user: update_appearance(
        appearance=held_in().appearances.first(), by=user, based_on=1, attribution="reported"
    ),
    "flag a conflict": lambda user: flag_conflict(
        appearance_a=held_in().appearances.order_by("pk")[0],
        appearance_b=held_in().appearances.order_by("pk")[1],
        detail="One says May.",
        by=user,
    ),
    "start a review": lambda user: start_review(claim=held_in(), by=user),
    "mark reviewed": lambda user: mark_reviewed(
        claim=in_review(held_in()),
        by=user,
        verdict=Verdict.objects.get(slug="accurate"),
        note="Both sources agree.",
    ),
    "archive": lambda user: archive(claim=held_in(), by=user, note="Out of scope."),
    "reopen": lambda user: reopen(
        claim=archive(claim=held_in(), by=user_for("admin"), note="Later."), by=user, note="Back"
    ),
    "assign": lambda user: assign(claim=held_in(), to=user_for("editor"), by=user),
    "resolve a conflict": lambda user: resolve_conflict(
        conflict=Conflict.objects.get(),
        by=user,
        note="Italy joined later.",
        prevailing=Conflict.objects.get().appearance_b,
    ),
    "dismiss a conflict": lambda user: dismiss_conflict(
        conflict=Conflict.objects.get(), by=user, note="Not a contradiction."
    ),
}
EDITOR_MAY = {"record an appearance", "edit a claim", "edit a version", "flag a conflict"}


def allowed(role, action):
    if role == "anonymous":
        return False
    return action in EDITOR_MAY or role in ("reviewer", "admin")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(SERVICE_ACTIONS))
def test_service_role_matrix(demo, role, action):
    if allowed(role, action):
        SERVICE_ACTIONS[action](user_for(role))
    else:
        with pytest.raises(PermissionDenied):
            SERVICE_ACTIONS[action](user_for(role))


def test_refusal_names_the_action(demo):
    with pytest.raises(PermissionDenied, match="does not allow you to change a claim's status"):
        start_review(claim=held_in(), by=user_for("editor"))
    with pytest.raises(PermissionDenied, match="Log in first"):
        start_review(claim=held_in(), by=AnonymousUser())


def test_a_deactivated_reviewer_can_do_nothing(demo):
    reviewer = user_for("reviewer")
    reviewer.is_active = False
    reviewer.save()
    with pytest.raises(PermissionDenied):
        start_review(claim=held_in(), by=reviewer)


# --- Over HTTP ----------------------------------------------------------------------------------


def review_step(client, step, **data):
    claim = held_in()
    return client.post(
        reverse("claims:claim-review", args=[claim.pk]),
        {"step": step, "based_on": claim.version, **data},
    )


HTTP_ACTIONS = {
    "open the claims list": lambda client: client.get(reverse("claims:claim-list")),
    "add a source": lambda client: client.post(
        reverse("claims:source-create"),
        {"title": "Communiqué", "kind": "press_release", "language": "fr", "text": "Texte."},
    ),
    "edit a claim": lambda client: client.post(
        reverse("claims:claim-edit", args=[held_in().pk]),
        {
            "statement": "Edited over HTTP.",
            "value_type": "date",
            "subject": held_in().subject.name,
            "property": "held in",
            "based_on": held_in().version,
        },
    ),
    "start a review": lambda client: review_step(client, "start_review"),
    "archive": lambda client: review_step(client, "archive", note="Out of scope."),
    "assign": lambda client: review_step(
        client, "assign", assignee=get_user_model().objects.get(username="editor").pk
    ),
    "dismiss a conflict": lambda client: client.post(
        reverse("claims:conflict-decide", args=[Conflict.objects.get().pk]),
        {"decision": "dismiss", "note": "Not a contradiction."},
    ),
    "manage users": lambda client: client.get(reverse("admin:auth_user_changelist")),
    "add a source in the admin": lambda client: client.post(
        reverse("admin:claims_source_add"),
        {
            "title": "Communiqué",
            "kind": "press_release",
            "language": "fr",
            "text": "Texte.",
            "appearances-TOTAL_FORMS": 0,
            "appearances-INITIAL_FORMS": 0,
        },
    ),
}
HTTP_EDITOR_MAY = {"open the claims list", "add a source", "edit a claim"}
# The admin is for administrators: editors and reviewers are not staff, and are sent to the
# admin's login page.
ADMIN_ONLY = {"manage users", "add a source in the admin"}
DONE = {
    "add a source": lambda: Source.objects.filter(title="Communiqué").exists(),
    "add a source in the admin": lambda: Source.objects.filter(title="Communiqué").exists(),
    "edit a claim": lambda: held_in().statement == "Edited over HTTP.",
    "start a review": lambda: held_in().status == "in_review",
    "archive": lambda: held_in().status == "archived",
    "assign": lambda: held_in().assignee is not None,
    "dismiss a conflict": lambda: Conflict.objects.get().state == "dismissed",
}


def http_allowed(role, action):
    if role == "anonymous":
        return False
    if action in ADMIN_ONLY:
        return role == "admin"
    return action in HTTP_EDITOR_MAY or role in ("reviewer", "admin")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(HTTP_ACTIONS))
def test_http_role_matrix(client, demo, role, action):
    if role != "anonymous":
        client.force_login(user_for(role))
    response = HTTP_ACTIONS[action](client)
    done = DONE.get(action, lambda: response.status_code == 200)
    if http_allowed(role, action):
        assert response.status_code in (200, 302)
        assert done(), response.content.decode()[:3000]
    else:
        if role == "anonymous" or action in ADMIN_ONLY:
            assert response.status_code == 302
            assert "login" in response["Location"]
        else:
            assert response.status_code == 403
        assert action not in DONE or not DONE[action]()


def test_every_page_needs_a_login(client, demo):
    for url in ("/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_review_panel_offers_only_the_steps_a_role_may_take(client, demo):
    url = reverse("claims:claim-detail", args=[held_in().pk])
    client.force_login(user_for("editor"))
    assert 'id="step-' not in client.get(url).content.decode()
    client.force_login(user_for("reviewer"))
    content = client.get(url).content.decode()
    assert "Start the review" in content and "Mark reviewed" not in content
    client.force_login(user_for("admin"))
    admin_page = client.get(reverse("admin:claims_claim_change", args=[held_in().pk]))
    assert "Review workflow" in admin_page.content.decode()


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_the_admin_is_for_administrators_only(client, demo, role):
    client.force_login(user_for(role))
    response = client.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_each_review_step_asks_only_for_what_it_needs_and_picks_nothing(client, demo):
    from claims.services import start_review

    claim, reviewer = held_in(), user_for("reviewer")
    client.force_login(reviewer)
    url = reverse("claims:claim-detail", args=[claim.pk])

    def step(page, name):
        start = page.index(f'id="step-{name}"')
        return page[start : page.index("</form>", start)]

    page = client.get(url).content.decode()
    assert 'name="verdict"' not in step(page, "start_review")
    assert 'name="note"' not in step(page, "start_review")
    assert 'name="assignee"' in step(page, "assign") and 'name="note"' not in step(page, "assign")
    start_review(claim=claim, by=reviewer)
    page = client.get(url).content.decode()
    marking = step(page, "mark_reviewed")
    assert '<option value="" selected>Choose…</option>' in marking
    assert 'name="note"' in marking and "required" in marking
    assert 'name="assignee"' not in marking
    assert "start_review" not in page and "reopen" not in page
