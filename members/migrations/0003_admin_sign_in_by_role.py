from django.db import migrations


def leaders_and_judges_leave_the_admin(apps, schema_editor):
    """Leaders and judges no longer sign in to the admin: clear the flag that let them."""
    User = apps.get_model("members", "User")
    User.objects.filter(
        is_superuser=False, staff_profile__role__in=["leader", "judge"], is_staff=True
    ).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [("members", "0002_federation_english_names")]

    operations = [
        migrations.RunPython(leaders_and_judges_leave_the_admin, migrations.RunPython.noop),
    ]
