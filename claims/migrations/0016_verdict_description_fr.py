from django.db import migrations, models

# The shipped scale's descriptions in French (0002_verdict_scale); a desk's own keep theirs.
FRENCH = {
    "accurate": "L'affirmation est exacte et rien d'important n'y manque.",
    "mostly-accurate": "L'affirmation est exacte mais demande des précisions.",
    "misleading": "En partie exacte, mais elle laisse une fausse impression.",
    "inaccurate": "L'affirmation n'est pas exacte.",
    "unverifiable": "Les éléments disponibles ne permettent ni de la confirmer ni de la réfuter.",
}


def describe_in_french(apps, schema_editor):
    Verdict = apps.get_model("claims", "Verdict")
    for slug, description in FRENCH.items():
        Verdict.objects.filter(slug=slug, description_fr="").update(description_fr=description)


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0015_last_activity'),
    ]

    operations = [
        migrations.AddField(
            model_name='verdict',
            name='description_fr',
            field=models.TextField(blank=True, help_text='Shown on pages in French; empty: the description.', verbose_name='description in French'),
        ),
        migrations.RunPython(describe_in_french, migrations.RunPython.noop),
    ]
