"""The three roles of PRODUCT.md as groups with their model permissions.

Permissions are normally created after all migrations have run; they are created here first so
that the groups can be given them on a fresh database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ["source", "entity", "alias", "claim", "appearance", "evidence"]
READ_ONLY_MODELS = ["verdict", "reviewevent", "conflict"]

ROLES = {
    "editor": [f"{action}_{model}" for model in EDITOR_MODELS for action in ("add", "change", "view")]
    + [f"view_{model}" for model in READ_ONLY_MODELS]
    + ["add_conflict"],
    "reviewer": [
        f"{action}_{model}" for model in EDITOR_MODELS for action in ("add", "change", "view")
    ]
    + [f"view_{model}" for model in READ_ONLY_MODELS]
    + ["add_conflict", "change_conflict"],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)
        )
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["claims", "auth"])
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["editor", "reviewer", "admin"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_verdict_scale"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
