from django.core.management.base import BaseCommand, CommandError

from claims.models import Source
from claims.policy import SYSTEM
from claims.services import recheck_sources


class Command(BaseCommand):
    help = (
        "Fetch again the page of every source added from its URL (or of those given with "
        "--source). A page whose text changed is kept as a new snapshot; the quotes it moved, "
        "reworded or removed are flagged on their claims, and a reviewed claim left without "
        "support is reopened. Run it from cron, or with --in-background on the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", type=int, action="append", help="Only this source (by id); repeatable."
        )
        parser.add_argument(
            "--in-background",
            action="store_true",
            help="Queue the work for the worker (manage.py db_worker) instead of doing it now.",
        )

    def handle(self, *args, source=None, in_background=False, **options):
        sources = None
        if source:
            sources = Source.objects.filter(pk__in=source)
            unknown = set(source) - set(sources.values_list("pk", flat=True))
            if unknown:
                raise CommandError(f"No source has the id {', '.join(map(str, sorted(unknown)))}.")
            if not_fetched := list(sources.filter(snapshot__isnull=True)):
                raise CommandError(
                    "Not added from a URL, so there is no page to compare: "
                    + ", ".join(f"#{s.pk} {s.title}" for s in not_fetched)
                )
        if in_background:
            from claims.tasks import recheck_sources as task

            task.enqueue(source)
            self.stdout.write("Queued for the worker (manage.py db_worker).")
            return
        results = recheck_sources(by=SYSTEM, sources=sources, progress=self._tell)
        changed = [r for r in results if r.changed]
        failed = [r for r in results if r.error]
        flagged = sum(len(r.report.drifted) for r in changed)
        reopened = sum(len(r.reopened) for r in changed)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(results)} source(s) fetched again: "
                f"{len(results) - len(changed) - len(failed)} unchanged, {len(changed)} changed "
                f"({flagged} quote(s) flagged, {reopened} claim(s) reopened), "
                f"{len(failed)} could not be fetched."
            )
        )

    def _tell(self, result):
        line = f"#{result.source.pk} {result.source.title[:60]}: {result}"
        self.stdout.write(self.style.WARNING(line) if result.error or result.changed else line)
