from django.core.management.base import BaseCommand, CommandError

from claims.models import Claim
from claims.policy import SYSTEM
from claims.services import detect_in_batches, rescan

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
            "--batch-size",
            type=int,
            default=500,
            help="Facts brought in step per transaction (default 500).",
        )

    def handle(self, *args, claim=None, batch_size=500, **options):
        claims = Claim.objects.all()
        if claim is not None:
            claims = claims.filter(pk=claim)
            if not claims.exists():
                raise CommandError(f"No claim has the id {claim}.")
        total = claims.count()
        progress = lambda scanned: self._progress(scanned, total)  # noqa: E731
        if claim is None:
            summary = rescan(by=SYSTEM, progress=progress, batch_size=batch_size)
        else:
            summary = detect_in_batches(claims, by=SYSTEM, progress=progress)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Claims scanned: {total}. Conflicts opened: {summary.opened}, "
                f"closed: {summary.closed}, reopened: {summary.reopened}, "
                f"updated: {summary.updated}, unchanged: {summary.unchanged}."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} claims", ending="")
        self.stdout.flush()
