from django.core.management.base import BaseCommand, CommandError

from claims.demo.generate import generate


class Command(BaseCommand):
    help = (
        "Add a large, realistic, deterministic corpus for benchmarks: N claims with entities, "
        "sources and 1–4 versions each (same seed, same data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True, help="How many claims to add.")
        parser.add_argument("--seed", type=int, default=1, help="The random seed (default 1).")

    def handle(self, *args, claims, seed, **options):
        if claims < 1:
            raise CommandError("--claims must be at least 1.")
        result = generate(claims=claims, seed=seed, progress=lambda text: self.stdout.write(text))
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.claims} claims, {result.versions} versions, "
                f"{result.sources} sources and {result.entities} entities."
            )
        )
