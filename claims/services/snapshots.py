"""Sources fetched from their URL: each fetch of the page kept as a snapshot, and the page
fetched again later to tell the claims quoted from it that it changed (drift).

The network is never reached inside a transaction: a slow site would hold the rows locked."""

import datetime
import gzip
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import policy
from claims.fetching import Fetched, FetchError, Page, fetch, read_page
from claims.models import (
    Appearance,
    Claim,
    ClaimStatus,
    QuoteDrift,
    ReviewAction,
    Snapshot,
    Source,
    Stance,
    sha256_of,
)

from .anchoring import ReanchorReport
from .base import service
from .review import record_event
from .sources import add_source, change_source
from .versioning import save_bumped
from .workflow import reopen

# A page fetched but never confirmed as a source is forgotten after this long.
UNCONFIRMED_KEPT = datetime.timedelta(days=1)


def _keep(fetched: Fetched, page: Page, *, by, source: Source | None = None) -> Snapshot:
    snapshot = Snapshot(
        source=source,
        url=fetched.url,
        content_type=fetched.content_type[:200],
        raw_gzip=gzip.compress(fetched.body),
        raw_size=len(fetched.body),
        text=page.text,
        metadata=page.metadata,
        fetched_at=fetched.fetched_at,
        checked_at=fetched.fetched_at,
        fetched_by=policy.user_of(by),
    )
    snapshot.save()
    return snapshot


def fetch_page(*, url: str, by) -> tuple[Snapshot, Page]:
    """Fetch ``url`` and read its article, kept as a snapshot that no source has until the
    editor confirms what was read (``add_fetched_source``). FetchError says why a page could
    not be fetched or read."""
    policy.require(by, "add_source")
    fetched = fetch(url)
    page = read_page(fetched)
    Snapshot.objects.unconfirmed().filter(fetched_at__lt=timezone.now() - UNCONFIRMED_KEPT).delete()
    return _keep(fetched, page, by=by), page


@service
def add_fetched_source(*, snapshot: Snapshot, by, **fields) -> Source:
    """Add the source a fetched page is, with the title, publisher, author, kind, language
    and date the editor confirmed; its URL and text are the snapshot's."""
    policy.require(by, "add_source")
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.source_id is not None:
        raise ValidationError(_("This page was already added as a source."))
    source = add_source(by=by, url=snapshot.url, text=snapshot.text, snapshot=snapshot, **fields)
    snapshot.source = source
    snapshot.save(update_fields=["source"])
    return source


@dataclass
class Recheck:
    """What fetching a source's page again found."""

    source: Source
    changed: bool = False
    report: ReanchorReport | None = None
    reopened: list[Claim] = field(default_factory=list)
    error: str = ""

    def __str__(self) -> str:
        if self.error:
            return _("could not be fetched: %(error)s") % {"error": self.error}
        if not self.changed:
            return _("unchanged")
        told = _("changed: %(report)s") % {"report": self.report}
        if self.reopened:
            told += "; " + _("reopened: %(claims)s") % {
                "claims": ", ".join(f"#{claim.pk}" for claim in self.reopened)
            }
        return told


def recheck_source(*, source: Source, by) -> Recheck:
    """Fetch a fetched source's page again. An unchanged text is only noted as seen; a changed
    one becomes the source's text (a new snapshot): its quotes are re-anchored and each one
    moved, reworded or removed is flagged on its claim, and a reviewed claim that loses its
    only support is reopened. A page that cannot be fetched changes nothing (``error``)."""
    policy.require(by, "change_source")
    if source.snapshot_id is None:
        raise ValidationError(
            _("“%(title)s” was not fetched from its URL: there is no page to compare.")
            % {"title": source.title}
        )
    try:
        fetched = fetch(source.url)
        page = read_page(fetched)
    except FetchError as error:
        return Recheck(source=source, error=str(error))
    return _compare(source=source, fetched=fetched, page=page, by=by)


@service
def _compare(*, source: Source, fetched: Fetched, page: Page, by) -> Recheck:
    current = (
        Source.objects.select_for_update(of=("self",))
        .select_related("snapshot")
        .defer("snapshot__raw_gzip", "snapshot__text")  # only its hash is compared
        .get(pk=source.pk)
    )
    if current.snapshot is not None and current.snapshot.text_sha256 == sha256_of(page.text):
        Snapshot.objects.filter(pk=current.snapshot_id).update(checked_at=fetched.fetched_at)
        return Recheck(source=current)
    snapshot = _keep(fetched, page, by=by, source=current)
    report = change_source(source=current, by=by, text=page.text, snapshot=snapshot)
    for appearance, drift in report.drifted:
        record_event(
            claim=appearance.claim,
            by=by,
            action=ReviewAction.SOURCE_CHANGED,
            new_value=drift,
            note=_("“%(source)s”, fetched again: «%(quote)s»")
            % {"source": current.title, "quote": appearance.quote},
        )
    return Recheck(
        source=current,
        changed=True,
        report=report,
        reopened=_reopen_unsupported(report, source=current, by=by),
    )


def _reopen_unsupported(report: ReanchorReport, *, source: Source, by) -> list[Claim]:
    """Reviewed claims whose every version is a quote of ``source`` that was reworded or
    removed, and that no other source supports as evidence: their review no longer stands."""
    changed = [a for a, drift in report.drifted if drift != QuoteDrift.MOVED]
    changed_ids = {appearance.pk for appearance in changed}
    reopened = []
    for claim in Claim.objects.filter(
        pk__in={a.claim_id for a in changed}, status=ClaimStatus.REVIEWED
    ).order_by("pk"):
        still_supported = (
            claim.appearances.exclude(pk__in=changed_ids).exists()
            or claim.evidence.filter(stance=Stance.SUPPORTS).exclude(source=source).exists()
        )
        if not still_supported:
            reopen(
                claim=claim,
                by=by,
                note=_(
                    "The page of “%(source)s” changed after it was quoted, and nothing else "
                    "supports the claim: review it again."
                )
                % {"source": source.title},
            )
            reopened.append(claim)
    return reopened


def recheck_sources(*, by, sources=None, progress=None) -> list[Recheck]:
    """Fetch again every fetched source (or ``sources``), the longest unchecked first; each
    in its own transaction, so that one site down stops nothing."""
    queryset = Source.objects.filter(snapshot__isnull=False) if sources is None else sources
    results = []
    # Read without their texts: each recheck reads its source again, locked.
    sources = queryset.defer("text", "search_text").order_by("snapshot__checked_at", "pk")
    for source in sources:
        result = recheck_source(source=source, by=by)
        results.append(result)
        if progress:
            progress(result)
    return results


@service
def mark_drift_checked(*, appearance: Appearance, by) -> Appearance:
    """An editor has checked a version whose page changed after it was quoted: the flag goes,
    the claim's history keeps that it was checked and by whom."""
    policy.require(by, "change_appearance")
    current = Appearance.objects.select_for_update().get(pk=appearance.pk)
    if not current.drift:
        raise ValidationError(_("This version's source has not changed since it was quoted."))
    drift, current.drift = current.drift, ""
    save_bumped(current, by=by, fields=["drift"])
    record_event(
        claim=current.claim,
        by=by,
        action=ReviewAction.SOURCE_CHECKED,
        old_value=drift,
        note=f"«{current.quote}»" if current.quote else "",
    )
    return current
