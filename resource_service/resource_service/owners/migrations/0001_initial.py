from django.db import migrations, models


class Migration(migrations.Migration):
    """The tombstones move from the projects app, table and rows unchanged."""

    initial = True

    dependencies = [
        ("projects", "0004_deleted_owner"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DeletedOwner",
                    fields=[
                        ("owner_id", models.UUIDField(primary_key=True, serialize=False)),
                        ("deleted_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={"db_table": "projects_deletedowner"},
                ),
            ],
        ),
    ]
