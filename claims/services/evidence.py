"""Evidence: the sources a reviewer used to check a claim, with their stance; for a claim that
none happened, the searches made for it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from claims import policy
from claims.models import Claim, Evidence, SearchRecord, Source, ValueType
from claims.text import normalize_text

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


SEARCH_FIELDS = ("searched", "url", "query", "covered_from", "covered_to", "searched_on",
                 "found_nothing", "found")  # fmt: skip


@service
def add_search_record(*, claim: Claim, by, **fields) -> SearchRecord:
    """Record a search made for a claim that none happened (what was searched, the query,
    the period covered, when, what was found). Only such a claim has search records."""
    policy.require(by, "add_evidence")
    if claim.value_type != ValueType.ABSENCE:
        raise ValidationError(
            _("A search record is evidence for a claim that none happened (value type “%(type)s”).")
            % {"type": ValueType.ABSENCE.label}
        )
    if unknown := set(fields) - set(SEARCH_FIELDS):
        raise ValidationError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    record = SearchRecord(claim=claim, added_by=policy.user_of(by), **fields)
    record.searched = record.searched.strip()
    record.query = normalize_text(record.query).strip()
    record.found = normalize_text(record.found).strip()
    record.full_clean()
    save_as(record, by=by)
    Claim.objects.filter(pk=claim.pk).mark_active()
    return record


@service
def remove_search_record(*, record: SearchRecord, by) -> None:
    policy.require(by, "delete_evidence")
    delete_as(record, by=by)
    Claim.objects.filter(pk=record.claim_id).mark_active()
