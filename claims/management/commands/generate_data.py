import time

from django.core.management.base import BaseCommand, CommandError

from claims.demo.generate import generate


class Command(BaseCommand):
    help = (
        "Add a large, realistic, deterministic corpus for benchmarks: N claims with entities, "
        "sources, 1–4 versions each, their review, history and conflicts (same seed, same data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True, help="How many claims to add.")
        parser.add_argument("--seed", type=int, default=1, help="The random seed (default 1).")

    def handle(self, *args, claims, seed, **options):
        if claims < 1:
            raise CommandError("--claims must be at least 1.")
        started = time.monotonic()

        def progress(text: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:7.1f} s] {text}")

        result = generate(claims=claims, seed=seed, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.claims} claims, {result.versions} versions, "
                f"{result.sources} sources, {result.entities} entities, "
                f"{result.review_events} review steps and {result.conflicts} conflicts "
                f"in {time.monotonic() - started:.0f} s."
            )
        )
