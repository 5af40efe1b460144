"""Give the roles the review permissions: reviewers and admins move claims through review,
assign them and decide conflicts; editors do not."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEW_PERMISSIONS = ["review_claim", "assign_claim", "decide_conflict"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="claims", codename__in=REVIEW_PERMISSIONS
    )
    for group in Group.objects.filter(name__in=["reviewer", "admin"]):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="claims", codename__in=REVIEW_PERMISSIONS
    )
    for group in Group.objects.filter(name__in=["reviewer", "admin"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_review_workflow")]

    operations = [migrations.RunPython(grant, revoke)]
