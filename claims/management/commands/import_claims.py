import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims.interchange import ImportFormat, records_of
from claims.policy import SYSTEM
from claims.services import import_records

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import claims from a file: the desk's JSON dump, a CSV of versions or schema.org "
        'ClaimReview (README, "Import"). All or nothing: every problem is listed with its '
        "line (or place in the JSON) and field, and then nothing is written. Importing the "
        "same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import.")
        parser.add_argument(
            "--format",
            choices=ImportFormat.values,
            help="The file's format; by default told from its content.",
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="Import as this user (their role decides what comes in; the history names "
            "them). By default the tracker itself imports.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the whole file; write nothing."
        )

    def handle(self, *args, file, format=None, username=None, dry_run=False, **options):
        by = SYSTEM
        if username:
            by = get_user_model().objects.filter(username=username, is_active=True).first()
            if by is None:
                raise CommandError(f"No active user is called “{username}”.")
        try:
            stream = open(file, "rb")  # noqa: SIM115 (closed below, after the import)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        size = os.fstat(stream.fileno()).st_size
        with stream:

            def progress(records: int) -> None:
                done = stream.tell()
                filled = BAR_WIDTH * done // size if size else BAR_WIDTH
                bar = "#" * filled + "-" * (BAR_WIDTH - filled)
                self.stdout.write(f"\r[{bar}] {records} records", ending="")
                self.stdout.flush()

            report = import_records(
                records=records_of(stream, format), by=by, dry_run=dry_run, progress=progress
            )
        self.stdout.write("")
        for note in report.notes:
            self.stdout.write(note)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            if report.unlisted_problems:
                self.stderr.write(f"… and {report.unlisted_problems} more problems.")
            raise CommandError(report.summary())
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
        if report.conflicts_opened:
            self.stdout.write(f"Conflicts opened: {report.conflicts_opened}.")
