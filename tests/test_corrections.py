"""Editors fix their own work from the pages: correct a version (on the revision they
opened), remove one they recorded, add evidence — through the services, so with locking,
history and conflict detection."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from claims.models import Appearance, Claim, Conflict, Evidence, Source
from claims.services import record_appearance
from tests.responses import body

pytestmark = pytest.mark.usefixtures("service_writes_only")


def user(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def co_chairs(demo):
    return Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")


def odd_version(claim) -> Appearance:
    """The demo's version that lists Italy."""
    return claim.appearances.get(value_entities__name="Italy")


def test_an_editor_corrects_a_versions_value_and_the_conflict_closes(client, co_chairs):
    client.force_login(user("editor"))
    version = odd_version(co_chairs)
    url = reverse("claims:version-edit", args=[version.pk])
    page = body(client.get(url))
    assert 'value="Italy, Morocco, Niger, United States"' in page
    form = {"quote": version.quote, "start": version.start, "end": version.end,
            "attribution": version.attribution, "value": "Maroc, Etats-Unis, Niger",
            "based_on": version.version}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/claims/{co_chairs.pk}/#version-{version.pk}")
    version.refresh_from_db()
    assert sorted(e.name for e in version.value_entities.all()) == [
        "Morocco", "Niger", "United States"
    ]  # fmt: skip
    # The engine compared the fact again: the versions agree now.
    assert not Conflict.objects.involving(co_chairs).open().exists()
    record = version.history.order_by("-history_date").first()
    assert record.history_user == user("editor")
    # The same form, sent again on the revision it was opened on, is stale: nothing written.
    again = client.post(url, {**form, "value": "Maroc"})
    assert again.status_code == 200 and "was changed by someone else since you opened it" in body(
        again
    )
    assert version.value_entities.count() == 3


def test_a_correction_with_a_bad_value_says_so_and_writes_nothing(client, co_chairs):
    client.force_login(user("editor"))
    version = odd_version(co_chairs)
    url = reverse("claims:version-edit", args=[version.pk])
    response = client.post(url, {"quote": "pas dans le texte", "attribution": "paraphrase",
                                 "value": "Atlantis", "based_on": version.version})  # fmt: skip
    page = body(response)
    assert "No entity is called “Atlantis”" in page and "not in the source" in page
    assert 'class="error-summary"' in page
    assert Appearance.objects.get(pk=version.pk).quote == version.quote


def test_an_editor_removes_a_version_they_recorded_but_not_anothers(client, co_chairs):
    editor = user("editor")
    mine = record_appearance(claim=co_chairs, source=Source.objects.first(), by=editor,
                             attribution="paraphrase")  # fmt: skip
    client.force_login(editor)
    page = body(client.get(reverse("claims:version-edit", args=[mine.pk])))
    assert "Remove this version" in page
    theirs = odd_version(co_chairs)
    assert "Remove this version" not in body(
        client.get(reverse("claims:version-edit", args=[theirs.pk]))
    )
    refused = client.post(reverse("claims:version-delete", args=[theirs.pk]))
    assert refused.status_code == 403 and Appearance.objects.filter(pk=theirs.pk).exists()
    removed = client.post(reverse("claims:version-delete", args=[mine.pk]))
    assert removed.status_code == 302
    assert not Appearance.objects.filter(pk=mine.pk).exists()
    client.force_login(user("admin"))
    assert client.post(reverse("claims:version-delete", args=[theirs.pk])).status_code == 302
    assert not Appearance.objects.filter(pk=theirs.pk).exists()


def test_an_editor_adds_evidence_from_the_claim_page(client, co_chairs):
    client.force_login(user("editor"))
    page = body(client.get(reverse("claims:claim-detail", args=[co_chairs.pk])))
    assert 'id="evidence-form"' in page and "Correct or remove this version" in page
    url = reverse("claims:evidence-add", args=[co_chairs.pk])
    source = Source.objects.get(title__contains="réaffirme")
    response = client.post(url, {"source": "le maroc reaffirme", "stance": "supports"})
    assert response.status_code == 302 and response["Location"].endswith("#evidence")
    evidence = Evidence.objects.get(claim=co_chairs, source=source)
    assert (evidence.stance, evidence.added_by) == ("supports", user("editor"))
    unknown = client.post(url, {"source": "Atlantis Times", "stance": "refutes"}, follow=True)
    assert "No source is called “Atlantis Times”" in body(unknown)
    twice = client.post(url, {"source": source.pk, "stance": "refutes"}, follow=True)
    assert Evidence.objects.filter(claim=co_chairs, source=source).count() == 1
    assert "This source is already evidence for this claim." in body(twice)
