from django.db import migrations


class Migration(migrations.Migration):
    """The tombstones now belong to the owners app, which keeps their table."""

    dependencies = [
        ("projects", "0004_deleted_owner"),
        ("owners", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="DeletedOwner")]),
    ]
