from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes in the list's orders (the default order breaking ties): with the stored counts, a task page reads its
    own rows from one instead of sorting the project's tasks. Built concurrently: the tasks stay writable meanwhile."""

    atomic = False
    dependencies = [("projects", "0006_task_counts")]

    operations = [
        AddIndexConcurrently(
            model_name="task",
            index=models.Index(fields=["project", "due_date", "-created_at", "id"], name="projects_ta_project_ffbe47_idx"),
        ),
        AddIndexConcurrently(
            model_name="task",
            index=models.Index(
                fields=["project", "priority_rank", "-created_at", "id"], name="projects_ta_project_a1e5e1_idx"
            ),
        ),
        # Its leading columns begin the due-date order's index.
        RemoveIndexConcurrently(model_name="task", name="projects_ta_project_6695a1_idx"),
    ]
