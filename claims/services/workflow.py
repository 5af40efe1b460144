"""The review workflow of PRODUCT.md: new → in review → reviewed; any status to archived and
back. Every step checks the actor's role, the claim's state and the version the caller loaded,
and writes its review events in the same transaction."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import policy
from claims.models import (
    Claim,
    ClaimStatus,
    Conflict,
    ReviewAction,
    ReviewEvent,
    TrackRecord,
    Verdict,
)

from .base import delete_as, save_as, service
from .conflicts import detect_conflicts, lock_facts
from .review import record_event
from .search import refresh_search
from .versioning import save_versioned

EDITABLE_FIELDS = ("statement", "subject", "property", "value_type", "tolerance", "compare_text",
                   "changes_over_time", "recorded_by")  # fmt: skip
# Fields whose change alters which versions are compared, or how.
STRUCTURE_FIELDS = {"subject", "property", "value_type", "tolerance", "compare_text",
                    "changes_over_time"}  # fmt: skip


PROPOSAL_FIELDS = ["proposed_verdict", "proposed_by", "proposal_note"]


def _set_proposal(claim: Claim, verdict=None, proposer=None, note: str = "") -> None:
    """Set (or, with no arguments, clear) the verdict waiting for a second reviewer."""
    claim.proposed_verdict, claim.proposed_by, claim.proposal_note = verdict, proposer, note


def _require_note(note: str, message: str) -> str:
    if not note or not note.strip():
        raise ValidationError({"note": message})
    return note.strip()


def _require_no_open_conflicts(claim: Claim) -> None:
    # Lock the fact, then the claim, before counting: the engine takes the same locks before
    # opening a conflict, so a conflict detected at this moment is either counted here or
    # opened after the claim is reviewed — never missed by a count made just before it.
    lock_facts(claim)
    list(Claim.objects.select_for_update().filter(pk=claim.pk).values_list("pk"))
    count = Conflict.objects.involving(claim).open().count()
    if count:
        raise ValidationError(
            _(
                "This claim has %(count)d open conflict(s): resolve or dismiss each before "
                "marking it reviewed."
            )
            % {"count": count}
        )


def _move(claim: Claim, *, by, to: str, note: str, fields=(), events=()) -> Claim:
    """Change the status (and ``fields``) on the version the caller loaded, with events."""
    old = claim.status
    claim.status = to
    save_versioned(claim, by=by, based_on=claim.version, fields=["status", *fields])
    if ClaimStatus.REVIEWED in (old, to):  # to or from reviewed, or a verdict changed
        TrackRecord.objects.recount(claim.appearances.values_list("speaker_id", flat=True))
    record_event(
        claim=claim,
        by=by,
        action=ReviewAction.STATUS,
        old_value=old,
        new_value=to,
        note=note,
    )
    for action, old_value, new_value, event_note in events:
        record_event(
            claim=claim,
            by=by,
            action=action,
            old_value=old_value,
            new_value=new_value,
            note=event_note,
        )
    return claim


@service
def create_claim(*, by, **fields) -> Claim:
    """Create a claim (statement, subject, property, value_type, tolerance, compare_text,
    changes_over_time), validated as a whole. Its versions are recorded with
    ``record_appearance``."""
    policy.require(by, "add_claim")
    _refuse_workflow_fields(fields)
    claim = Claim(created_by=policy.user_of(by), **fields)
    claim.full_clean(exclude=["version"])
    save_as(claim, by=by)
    refresh_search([claim])
    return claim


def _refuse_workflow_fields(fields) -> None:
    if set(fields) - set(EDITABLE_FIELDS):
        raise ValidationError(
            _("Status, verdict and assignment change through the review workflow, not by edit.")
        )


@service
def delete_claim(*, claim: Claim, by) -> None:
    """Delete a claim recorded by mistake, with its versions. A claim with a review history
    (reviewed, assigned, with a conflict…) is archived instead: its history is kept."""
    policy.require(by, "delete_claim")
    versions = list(claim.appearances.values_list("pk", flat=True))
    conflicts = Conflict.objects.of_versions(versions)
    involved = list(Claim.objects.of_conflicts(conflicts).values_list("pk", flat=True))
    delete_as(
        claim,
        by=by,
        refusal=_("This claim has a review history: archive it instead of deleting it."),
    )
    Claim.objects.filter(pk__in=involved).recount_open_conflicts()


@service
def update_claim(*, claim: Claim, by, based_on: int, **changes) -> Claim:
    """Edit a claim's wording or structure on the version ``based_on``; raises StaleVersion
    (naming who changed what since) if the claim moved on. Status, verdict and assignment go
    through the workflow functions below."""
    policy.require(by, "change_claim")
    _refuse_workflow_fields(changes)
    before = Claim(pk=claim.pk, subject_id=claim.subject_id, property=claim.property,
                   value_type=claim.value_type)  # fmt: skip
    for name, value in changes.items():
        setattr(claim, name, value)
    claim.full_clean(exclude=["version"])
    claim.refresh_property_key()
    if STRUCTURE_FIELDS & set(changes):
        lock_facts(before, claim)
    save_versioned(claim, by=by, based_on=based_on, fields=[*changes, "property_key"])
    Claim.objects.filter(pk=claim.pk).mark_active()
    refresh_search([claim])
    if STRUCTURE_FIELDS & set(changes):
        detect_conflicts(claim, by=by)
    return claim


@service
def start_review(*, claim: Claim, by) -> Claim:
    policy.require(by, "review_claim")
    if claim.status != ClaimStatus.NEW:
        raise ValidationError(
            _("Only a new claim can be put in review; this one is “%(status)s”.")
            % {"status": claim.get_status_display()}
        )
    return _move(claim, by=by, to=ClaimStatus.IN_REVIEW, note="")


@service
def mark_reviewed(*, claim: Claim, by, verdict: Verdict | None, note: str) -> Claim:
    """Give the claim its verdict. With the four-eyes rule on (settings.FOUR_EYES_REVIEW), the
    verdict is only proposed: a second reviewer confirms it or sends it back."""
    policy.require(by, "review_claim")
    if claim.status != ClaimStatus.IN_REVIEW:
        raise ValidationError(
            _("Put the claim in review before marking it reviewed; it is “%(status)s”.")
            % {"status": claim.get_status_display()}
        )
    if verdict is None:
        raise ValidationError({"verdict": _("Choose a verdict.")})
    note = _require_note(note, _("Explain the verdict in a note."))
    _require_no_open_conflicts(claim)
    if settings.FOUR_EYES_REVIEW:
        if claim.proposed_verdict_id is not None:
            raise ValidationError(_("A verdict is already waiting for a second reviewer."))
        _set_proposal(claim, verdict, by, note)
        save_versioned(claim, by=by, based_on=claim.version, fields=PROPOSAL_FIELDS)
        record_event(
            claim=claim,
            by=by,
            action=ReviewAction.VERDICT_PROPOSED,
            new_value=verdict.label,
            note=note,
        )
        return claim
    return _give_verdict(claim, by=by, verdict=verdict, note=note)


def _give_verdict(claim: Claim, *, by, verdict: Verdict, note: str) -> Claim:
    old_verdict = claim.verdict.label if claim.verdict_id else ""
    claim.verdict = verdict
    _set_proposal(claim)
    return _move(
        claim,
        by=by,
        to=ClaimStatus.REVIEWED,
        note=note,
        fields=["verdict", *PROPOSAL_FIELDS],
        events=[(ReviewAction.VERDICT, old_verdict, verdict.label, note)],
    )


def _require_second_reviewer(claim: Claim, by) -> None:
    policy.require(by, "review_claim")
    if claim.proposed_verdict_id is None:
        raise ValidationError(_("No verdict is waiting for a second reviewer on this claim."))
    if by is not None and by.pk == claim.proposed_by_id:
        raise ValidationError(
            _("The second reviewer must be someone other than %(user)s, who proposed it.")
            % {"user": claim.proposed_by.get_username()}
        )


@service
def confirm_verdict(*, claim: Claim, by, note: str = "") -> Claim:
    """Four-eyes rule: a second reviewer confirms the proposed verdict; the claim is reviewed."""
    _require_second_reviewer(claim, by)
    _require_no_open_conflicts(claim)
    proposed, proposer = claim.proposed_verdict, claim.proposed_by
    record_event(
        claim=claim,
        by=by,
        action=ReviewAction.VERDICT_CONFIRMED,
        old_value=_("proposed by %(user)s") % {"user": proposer.get_username()},
        new_value=proposed.label,
        note=note.strip(),
    )
    return _give_verdict(claim, by=by, verdict=proposed, note=claim.proposal_note)


@service
def send_back(*, claim: Claim, by, note: str) -> Claim:
    """Four-eyes rule: a second reviewer disagrees with the proposed verdict; it is withdrawn
    and the disagreement recorded (who proposed what, who sent it back, why)."""
    _require_second_reviewer(claim, by)
    note = _require_note(note, _("Say why you send the verdict back."))
    proposed, proposer = claim.proposed_verdict, claim.proposed_by
    _set_proposal(claim)
    save_versioned(claim, by=by, based_on=claim.version, fields=PROPOSAL_FIELDS)
    record_event(
        claim=claim,
        by=by,
        action=ReviewAction.VERDICT_SENT_BACK,
        old_value=_("%(verdict)s, proposed by %(user)s")
        % {"verdict": proposed.label, "user": proposer.get_username()},
        note=note,
    )
    return claim


@service
def archive(*, claim: Claim, by, note: str) -> Claim:
    policy.require(by, "review_claim")
    if claim.status == ClaimStatus.ARCHIVED:
        raise ValidationError(_("This claim is already archived."))
    note = _require_note(note, _("Say why the claim is archived."))
    _set_proposal(claim)
    return _move(claim, by=by, to=ClaimStatus.ARCHIVED, note=note, fields=PROPOSAL_FIELDS)


@service
def reopen(*, claim: Claim, by, note: str) -> Claim:
    """A reviewed claim goes back in review; an archived one back to the status it had."""
    policy.require(by, "review_claim")
    note = _require_note(note, _("Say why the claim is reopened."))
    if claim.merged_into_id is not None:
        raise ValidationError(
            _("This claim was merged into #%(id)s: its versions are there now.")
            % {"id": claim.merged_into_id}
        )
    if claim.status == ClaimStatus.REVIEWED:
        return _move(claim, by=by, to=ClaimStatus.IN_REVIEW, note=note)
    if claim.status == ClaimStatus.ARCHIVED:
        # The status it had is in the review history: the event that archived it.
        archived = (
            ReviewEvent.objects.filter(
                claim=claim, action=ReviewAction.STATUS, new_value=ClaimStatus.ARCHIVED
            )
            .order_by("-created_at", "-id")
            .first()
        )
        before = archived.old_value if archived else ClaimStatus.NEW
        return _move(claim, by=by, to=before, note=note)
    raise ValidationError(
        _("Only a reviewed or archived claim can be reopened; this one is “%(status)s”.")
        % {"status": claim.get_status_display()}
    )


class Step(models.TextChoices):
    START_REVIEW = "start_review", gettext_lazy("Start the review")
    MARK_REVIEWED = "mark_reviewed", gettext_lazy("Mark reviewed, with a verdict")
    CONFIRM_VERDICT = "confirm_verdict", gettext_lazy("Confirm the proposed verdict")
    SEND_BACK = "send_back", gettext_lazy("Send the proposed verdict back")
    ARCHIVE = "archive", gettext_lazy("Archive")
    REOPEN = "reopen", gettext_lazy("Reopen")
    ASSIGN = "assign", gettext_lazy("Assign")


def available_steps(claim: Claim, user) -> list[str]:
    """The workflow steps ``user`` may take on ``claim`` in its present state (what a page
    offers; each step checks again when taken)."""
    steps = []
    if policy.can(user, "review_claim"):
        if claim.status == ClaimStatus.NEW:
            steps.append(Step.START_REVIEW)
        if claim.status == ClaimStatus.IN_REVIEW:
            if claim.proposed_verdict_id is None:
                steps.append(Step.MARK_REVIEWED)
            elif user is None or user.pk != claim.proposed_by_id:
                steps += [Step.CONFIRM_VERDICT, Step.SEND_BACK]
        if claim.status in (ClaimStatus.REVIEWED, ClaimStatus.ARCHIVED):
            steps.append(Step.REOPEN)
        if claim.status != ClaimStatus.ARCHIVED:
            steps.append(Step.ARCHIVE)
    if policy.can(user, "assign_claim"):
        steps.append(Step.ASSIGN)
    return steps


def take_step(*, claim: Claim, by, step: str, verdict=None, note: str = "", assignee=None):
    """Take one workflow ``step`` (a Step value): the entry point of pages and the API."""
    if step == Step.START_REVIEW:
        return start_review(claim=claim, by=by)
    if step == Step.MARK_REVIEWED:
        return mark_reviewed(claim=claim, by=by, verdict=verdict, note=note)
    if step == Step.CONFIRM_VERDICT:
        return confirm_verdict(claim=claim, by=by, note=note)
    if step == Step.SEND_BACK:
        return send_back(claim=claim, by=by, note=note)
    if step == Step.ARCHIVE:
        return archive(claim=claim, by=by, note=note)
    if step == Step.REOPEN:
        return reopen(claim=claim, by=by, note=note)
    if step == Step.ASSIGN:
        return assign(claim=claim, to=assignee, by=by)
    raise ValidationError(_("Unknown workflow step: %(step)s.") % {"step": step})


@service
def assign(*, claim: Claim, to, by) -> Claim:
    """Assign the claim to ``to`` (a user who may work on claims), or unassign it (None)."""
    policy.require(by, "assign_claim")
    if to is not None and not policy.can(to, "change_claim"):
        raise ValidationError(
            {"assignee": _("%(user)s cannot work on claims.") % {"user": to.get_username()}}
        )
    if claim.assignee_id == (to.pk if to else None):
        raise ValidationError({"assignee": _("The claim is already assigned so.")})
    old = claim.assignee.get_username() if claim.assignee_id else ""
    claim.assignee = to
    save_versioned(claim, by=by, based_on=claim.version, fields=["assignee"])
    record_event(
        claim=claim,
        by=by,
        action=ReviewAction.ASSIGNEE,
        old_value=old,
        new_value=to.get_username() if to else "",
    )
    return claim
