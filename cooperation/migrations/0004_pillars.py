"""The five commons as fixed Pillar rows, from cooperation.commons."""

from django.db import migrations

from cooperation.commons import FIVE_COMMONS


def create_pillars(apps, schema_editor):
    Pillar = apps.get_model("cooperation", "Pillar")
    for common in FIVE_COMMONS:
        Pillar.objects.update_or_create(
            key=common["key"], defaults={k: v for k, v in common.items() if k != "key"}
        )


def remove_pillars(apps, schema_editor):
    apps.get_model("cooperation", "Pillar").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0003_projects_milestones_updates_venues")]

    operations = [migrations.RunPython(create_pillars, remove_pillars)]
