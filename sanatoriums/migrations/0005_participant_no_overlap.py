"""Invariant 3 in the database, where it can be said: on PostgreSQL, no member holds places in
two batches whose dates overlap (an exclusion constraint over the participant's copied dates,
for the groups that still hold). SQLite has no exclusion constraints; there the services'
check (under the members' row locks) is the rule."""

from django.db import migrations

NAME = "sanatoriums_participant_no_overlap"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # btree_gist lets the member's id (=) sit beside the date range (&&) in one GiST index;
    # it is a trusted extension, which the database's owner may create.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE sanatoriums_participant ADD CONSTRAINT {NAME} EXCLUDE USING gist "
        "(member_id WITH =, daterange(start_date, end_date, '[]') WITH &&) WHERE (holds)"
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE sanatoriums_participant DROP CONSTRAINT {NAME}")


class Migration(migrations.Migration):
    dependencies = [("sanatoriums", "0004_places")]

    operations = [migrations.RunPython(add, remove)]
