from django.db import migrations, models


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
    ]
