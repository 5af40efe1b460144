from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0017_fixed_facts_and_value_decisions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='appearance',
            name='speaker_description',
            field=models.CharField(blank=True, help_text='Who said it when the source does not name them: “le ministre”, “a spokesperson”.', max_length=200, verbose_name='speaker, as described'),
        ),
        migrations.AddField(
            model_name='historicalappearance',
            name='speaker_description',
            field=models.CharField(blank=True, help_text='Who said it when the source does not name them: “le ministre”, “a spokesperson”.', max_length=200, verbose_name='speaker, as described'),
        ),
        migrations.AddConstraint(
            model_name='appearance',
            constraint=models.CheckConstraint(condition=models.Q(('speaker__isnull', True), ('speaker_description', ''), _connector='OR'), name='appearance_speaker_named_or_described', violation_error_message='A speaker is named or, when the source does not name them, described: not both.'),
        ),
    ]
