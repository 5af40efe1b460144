from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0016_verdict_description_fr'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='conflict',
            name='conflict_resolution_valid',
        ),
        migrations.RemoveConstraint(
            model_name='conflict',
            name='conflict_resolved_has_resolution',
        ),
        migrations.AddField(
            model_name='claim',
            name='changes_over_time',
            field=models.BooleanField(default=True, help_text='Yes for what holds for a time (a membership, an office, a count): versions of different dates may both be right. No for a fact fixed once for all (a launch date, a birth date): versions that differ contradict each other whatever their dates.', verbose_name='can change over time'),
        ),
        migrations.AddField(
            model_name='historicalclaim',
            name='changes_over_time',
            field=models.BooleanField(default=True, help_text='Yes for what holds for a time (a membership, an office, a count): versions of different dates may both be right. No for a fact fixed once for all (a launch date, a birth date): versions that differ contradict each other whatever their dates.', verbose_name='can change over time'),
        ),
        migrations.AlterField(
            model_name='conflict',
            name='resolution',
            field=models.CharField(blank=True, choices=[('prevails', 'one version prevails'), ('both_hold', 'both hold at their dates'), ('now_agree', 'the versions now agree'), ('another', 'another value holds')], max_length=10, verbose_name='resolution'),
        ),
        migrations.AlterField(
            model_name='historicalconflict',
            name='resolution',
            field=models.CharField(blank=True, choices=[('prevails', 'one version prevails'), ('both_hold', 'both hold at their dates'), ('now_agree', 'the versions now agree'), ('another', 'another value holds')], max_length=10, verbose_name='resolution'),
        ),
        migrations.AddConstraint(
            model_name='conflict',
            constraint=models.CheckConstraint(condition=models.Q(('resolution__in', ['prevails', 'both_hold', 'now_agree', 'another', ''])), name='conflict_resolution_valid'),
        ),
        migrations.AddConstraint(
            model_name='conflict',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('resolution__in', ['prevails', 'both_hold', 'now_agree', 'another']), ('state', 'resolved')), models.Q(models.Q(('state', 'resolved'), _negated=True), ('resolution', '')), _connector='OR'), name='conflict_resolved_has_resolution', violation_error_message='A resolved conflict says how it was resolved.'),
        ),
    ]
