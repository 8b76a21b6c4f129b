"""The standard themes of sanatorium bases."""

from django.db import migrations

from sanatoriums.themes import THEMES, ensure_themes


def add_themes(apps, schema_editor):
    ensure_themes(apps.get_model("sanatoriums", "Theme"))


def remove_themes(apps, schema_editor):
    apps.get_model("sanatoriums", "Theme").objects.filter(key__in=[t[0] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("sanatoriums", "0001_initial")]

    operations = [migrations.RunPython(add_themes, remove_themes)]
