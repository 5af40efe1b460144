import pytest

from claims.models import ReviewEvent, ReviewEventImmutable
from claims.policy import SYSTEM
from claims.services import record_event
from tests.factories import make_claim, make_user


@pytest.fixture
def event(db):
    return record_event(
        claim=make_claim(), by=make_user("reviewer"), action="status", new_value="in_review"
    )


def test_review_event_cannot_be_updated(event):
    event.note = "rewritten"
    with pytest.raises(ReviewEventImmutable):
        event.save()
    with pytest.raises(ReviewEventImmutable):
        ReviewEvent.objects.filter(pk=event.pk).update(note="rewritten")
    assert ReviewEvent.objects.get(pk=event.pk).note == ""


def test_review_event_cannot_be_deleted(event):
    with pytest.raises(ReviewEventImmutable):
        event.delete()
    with pytest.raises(ReviewEventImmutable):
        ReviewEvent.objects.all().delete()
    assert ReviewEvent.objects.filter(pk=event.pk).exists()


def test_review_events_are_listed_newest_first(event):
    later = record_event(claim=event.claim, by=SYSTEM, action="note", note="checked")
    assert list(event.claim.review_events.all()) == [later, event]
