import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Compile the translations (locale/*/LC_MESSAGES/*.po) into .mo files. Pure Python: "
        "unlike compilemessages it needs no GNU gettext on the machine. Run at install."
    )

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalog = polib.pofile(str(po_path))
                untranslated = len(catalog.untranslated_entries())
                if untranslated:
                    raise CommandError(f"{po_path}: {untranslated} messages are not translated.")
                # Written aside, then renamed: a test run started beside this one (CI runs
                # two) reads the old file or the new one, never half of one.
                mo_path = po_path.with_suffix(".mo")
                partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}")
                catalog.save_as_mofile(str(partial))
                os.replace(partial, mo_path)
                compiled += 1
                self.stdout.write(f"{po_path}: {len(catalog)} messages")
        if not compiled:
            raise CommandError("No translation found under LOCALE_PATHS.")
