"""Two people at once, on PostgreSQL: versions of one fact recorded at the same moment are
always compared, a claim is never marked reviewed past a conflict being opened, and claims
of one speaker reviewed at once are all counted in their track record.
(SQLite lets one writer at a time: there is nothing to race there.)"""

import threading
from itertools import combinations

import pytest
from django.db import connection, connections

from claims.models import Claim, ClaimStatus, Conflict, ReviewEvent, TrackRecord, Verdict
from claims.services import mark_reviewed, record_appearance, record_claim_from_source, start_review
from tests.factories import make_entity, make_source, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers: run on PostgreSQL (CI does) to race them.",
)

ROUNDS = 20


def race(*calls):
    """Run the calls in threads released together; return what each raised (or None)."""
    barrier = threading.Barrier(len(calls))
    errors = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def missed_pairs(claims) -> int:
    """Pairs of versions of one fact, with different values, that have no conflict."""
    versions = [a for claim in claims for a in claim.appearances.all()]
    flagged = {(c.appearance_a_id, c.appearance_b_id) for c in Conflict.objects.all()}
    return sum(
        1
        for a, b in combinations(sorted(versions, key=lambda v: v.pk), 2)
        if a.value_number != b.value_number and (a.pk, b.pk) not in flagged
    )


@pytest.mark.parametrize("threads", [2, 8])
def test_new_claims_of_one_fact_recorded_at_once_are_all_compared(reference_data, threads):
    editors = [make_user("editor", username=f"racer{n}") for n in range(threads)]
    source = make_source()
    missed = []
    for round_ in range(ROUNDS):
        subject = make_entity(name=f"Country {round_}")

        def record(editor, value, subject=subject):
            record_claim_from_source(
                source=source,
                by=editor,
                new_claim={
                    "statement": f"Incidents, by {editor.username}",
                    "subject": subject,
                    "property": "terrorist incidents in 2021",
                    "value_type": "number",
                },
                attribution="reported",
                value_number=value,
            )

        errors = race(*(lambda e=e, n=n: record(e, n) for n, e in enumerate(editors)))
        assert errors == [None] * threads
        claims = Claim.objects.filter(subject=subject)
        assert claims.count() == threads
        missed.append(missed_pairs(claims))
        Conflict.objects.all().delete()
        claims.recount_open_conflicts()  # as a service deleting them would
    assert missed == [0] * ROUNDS


def test_versions_of_one_claim_recorded_at_once_are_compared(reference_data):
    editors = [make_user("editor", username=f"twin{n}") for n in range(2)]
    source = make_source()
    for round_ in range(ROUNDS):
        claim = Claim.objects.create(
            statement=f"Round {round_}",
            subject=make_entity(name=f"Group {round_}"),
            property="members",
            value_type="number",
        )
        errors = race(
            *(
                lambda e=e, n=n, claim=claim: record_appearance(
                    claim=claim, source=source, by=e, attribution="reported", value_number=n
                )
                for n, e in enumerate(editors)
            )
        )
        assert errors == [None, None]
        assert Conflict.objects.involving(claim).count() == 1, f"round {round_}"


def test_a_claim_is_never_marked_reviewed_past_a_conflict_being_opened(reference_data):
    editor, reviewer = make_user("editor", username="ed"), make_user("reviewer", username="rev")
    accurate = Verdict.objects.get(slug="accurate")
    source = make_source()
    outcomes = set()
    for round_ in range(ROUNDS):
        claim = Claim.objects.create(
            statement=f"Round {round_}",
            subject=make_entity(name=f"Team {round_}"),
            property="members",
            value_type="number",
        )
        record_appearance(claim=claim, source=source, by=editor, value_number=1)
        claim = start_review(claim=claim, by=reviewer)
        errors = race(
            lambda claim=claim: mark_reviewed(
                claim=claim, by=reviewer, verdict=accurate, note="One source, checked."
            ),
            lambda claim=claim: record_appearance(
                claim=claim, source=source, by=editor, value_number=2
            ),
        )
        assert errors[1] is None
        claim.refresh_from_db()
        conflict = Conflict.objects.involving(claim).get()
        if claim.status == ClaimStatus.REVIEWED:
            # Reviewed first: the conflict was opened after, and says so in the queue.
            reviewed = ReviewEvent.objects.get(claim=claim, new_value=ClaimStatus.REVIEWED)
            assert conflict.created_at > reviewed.created_at, f"round {round_}"
            outcomes.add("reviewed, then a new conflict")
        else:
            # The conflict came first: the review was refused, naming it.
            assert "open conflict" in str(errors[0])
            outcomes.add("refused")
    assert outcomes  # at least one way happened every round (each is asserted above)


def test_claims_of_one_speaker_reviewed_at_once_are_all_counted(reference_data):
    reviewers = [make_user("reviewer", username=f"judge{n}") for n in range(2)]
    accurate = Verdict.objects.get(slug="accurate")
    speaker, source = make_entity(name="A minister"), make_source()
    for round_ in range(ROUNDS):
        claims = []
        for reviewer in reviewers:
            claim = Claim.objects.create(statement=f"Round {round_}, {reviewer.username}")
            record_appearance(claim=claim, source=source, by=reviewer, speaker=speaker)
            claims.append(start_review(claim=claim, by=reviewer))
        errors = race(
            *(
                lambda r=r, c=c: mark_reviewed(claim=c, by=r, verdict=accurate, note="Checked.")
                for r, c in zip(reviewers, claims, strict=True)
            )
        )
        assert errors == [None, None]
        counted = TrackRecord.objects.get(speaker=speaker, verdict=accurate).claims
        assert counted == 2 * (round_ + 1), f"round {round_}"
