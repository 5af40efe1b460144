from django.db import migrations, models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def count_open_conflicts(apps, schema_editor):
    """What ``ClaimQuerySet.recount_open_conflicts`` does, for the claims with one (the rest
    count none): a migration keeps its own copy, as the model's may change."""
    Appearance = apps.get_model("claims", "Appearance")
    Claim = apps.get_model("claims", "Claim")
    Conflict = apps.get_model("claims", "Conflict")
    open_ = Conflict.objects.filter(state="open").order_by()

    def counted(conflicts, side):
        counts = conflicts.filter(**{side: OuterRef("pk")}).values(side).annotate(n=Count("pk"))
        return Coalesce(Subquery(counts.values("n")), 0)

    on_a = counted(open_, "appearance_a__claim")
    only_on_b = counted(
        open_.exclude(appearance_a__claim=F("appearance_b__claim")), "appearance_b__claim"
    )
    sides = Q(pk__in=open_.values("appearance_a")) | Q(pk__in=open_.values("appearance_b"))
    involved = Appearance.objects.filter(sides).values("claim_id")
    Claim.objects.filter(pk__in=involved).update(open_conflicts=on_a + only_on_b)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0020_statement_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="open_conflicts",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="open conflicts"
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("open_conflicts__gt", 0)),
                fields=["-last_activity_at", "-id"],
                name="claim_conflicted_idx",
            ),
        ),
        migrations.RunPython(count_open_conflicts, migrations.RunPython.noop),
    ]
