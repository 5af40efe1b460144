"""The verdict scale of PRODUCT.md, shipped as data so a desk can rename or extend it."""

from django.db import migrations

# slug, label, ClaimReview rating value (None: off the 1–4 scale), description
VERDICTS = [
    ("accurate", "Accurate", 4, "The claim is correct and nothing significant is missing."),
    ("mostly-accurate", "Mostly accurate", 3, "The claim is correct but needs clarification."),
    ("misleading", "Misleading", 2, "Partly correct, but leaves a false impression."),
    ("inaccurate", "Inaccurate", 1, "The claim is not correct."),
    ("unverifiable", "Unverifiable", None, "The evidence available can neither confirm nor refute it."),
]


def create_verdicts(apps, schema_editor):
    Verdict = apps.get_model("claims", "Verdict")
    for position, (slug, label, rating, description) in enumerate(VERDICTS, start=1):
        Verdict.objects.update_or_create(
            slug=slug,
            defaults={
                "label": label,
                "rating_value": rating,
                "best_rating": 4,
                "worst_rating": 1,
                "position": position,
                "description": description,
            },
        )


def remove_verdicts(apps, schema_editor):
    Verdict = apps.get_model("claims", "Verdict")
    Verdict.objects.filter(slug__in=[slug for slug, *_ in VERDICTS], claims__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(create_verdicts, remove_verdicts)]
