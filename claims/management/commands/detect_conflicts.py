from django.core.management.base import BaseCommand, CommandError

from claims.models import Claim
from claims.policy import SYSTEM
from claims.services import DetectionResult, detect_facts

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Compare the versions of every claim (or of one, with --claim) and bring their "
        "conflicts in step: open new ones, close those whose versions now agree, reopen those "
        "whose versions changed. Safe to run again: it changes nothing the second time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--claim", type=int, help="Scan only this claim (by id).")
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Claims read per batch (default 500)."
        )

    def handle(self, *args, claim=None, batch_size=500, **options):
        # What tells a claim's fact (detect_facts reads the claims again, locked).
        claims = Claim.objects.order_by("pk").only("value_type", "subject_id", "property")
        if claim is not None:
            claims = claims.filter(pk=claim)
            if not claims.exists():
                raise CommandError(f"No claim has the id {claim}.")
        total = claims.count()
        summary = DetectionResult()
        scanned = 0
        last_pk = 0
        while True:
            # Keyset pagination: each batch is one short query, whatever the table's size.
            batch = list(claims.filter(pk__gt=last_pk)[:batch_size])
            if not batch:
                break
            # The facts of a batch are compared in one run; a claim already compared as part
            # of an earlier batch's fact is skipped.
            summary += detect_facts(
                [item for item in batch if item.pk not in summary.claim_ids], by=SYSTEM
            )
            scanned += len(batch)
            last_pk = batch[-1].pk
            self._progress(scanned, total)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Claims scanned: {scanned}. Conflicts opened: {summary.opened}, "
                f"closed: {summary.closed}, reopened: {summary.reopened}, "
                f"updated: {summary.updated}, unchanged: {summary.unchanged}."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} claims", ending="")
        self.stdout.flush()
