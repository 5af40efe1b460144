"""Evidence: the sources a reviewer used to check a claim, with their stance."""

from claims import policy
from claims.models import Claim, Evidence, Source

from .base import apply_changes, delete_as, save_as, service

EVIDENCE_FIELDS = ("source", "stance", "note")


@service
def add_evidence(*, claim: Claim, source: Source, by, stance: str, note: str = "") -> Evidence:
    """Add ``source`` as evidence for ``claim``; a source is evidence for a claim once."""
    policy.require(by, "add_evidence")
    evidence = Evidence(
        claim=claim, source=source, stance=stance, note=note.strip(), added_by=policy.user_of(by)
    )
    evidence.full_clean()
    save_as(evidence, by=by)
    Claim.objects.filter(pk=evidence.claim_id).mark_active()
    return evidence


@service
def change_evidence(*, evidence: Evidence, by, **changes) -> Evidence:
    """Change the source, stance or note of a piece of evidence."""
    policy.require(by, "change_evidence")
    apply_changes(evidence, changes, allowed=EVIDENCE_FIELDS)
    evidence.full_clean()
    save_as(evidence, by=by)
    Claim.objects.filter(pk=evidence.claim_id).mark_active()
    return evidence


@service
def remove_evidence(*, evidence: Evidence, by) -> None:
    """Remove a piece of evidence; its history keeps what it was and who removed it."""
    policy.require(by, "delete_evidence")
    delete_as(evidence, by=by)
    Claim.objects.filter(pk=evidence.claim_id).mark_active()
