import sys

from django.core.management.base import BaseCommand, CommandError

from claims.interchange.dump import desk_dump


class Command(BaseCommand):
    help = (
        'Write the whole desk as one JSON document (README, "Import"): what import_claims '
        "reads back. To a file, or to the standard output with no file or '-'."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", help="Where to write it.")

    def handle(self, *args, file="-", **options):
        if file == "-":
            sys.stdout.writelines(desk_dump())
            return
        try:
            with open(file, "w", encoding="utf-8") as output:
                output.writelines(desk_dump())
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror}.") from None
