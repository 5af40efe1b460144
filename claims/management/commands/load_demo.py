from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.services import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: two French articles, their entities, claims and versions, and one user "
        "per role. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off. The demo users have published passwords.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo creates users whose passwords are published. Run it with DEBUG=1, "
                "or pass --force on a machine no one else can reach."
            )
        result = load_demo()
        created = ", ".join(f"{count} {name}" for name, count in result.created.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Demo loaded. Created: {created or 'nothing new'}."))
        self.stdout.write("Demo users (log in at /accounts/login/):")
        for username, password, _created in result.users:
            self.stdout.write(f"  {username:<10} password: {password}")
