from django.db import migrations, models

# Statement-level triggers with transition tables: one UPDATE per project a statement touches, whatever the number
# of its rows (a bulk insert, a project's deletion). Counts move by the statuses the statement's rows had and have.
COUNT_FUNCTION = """
CREATE FUNCTION projects_task_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE projects_taskcounts c
        SET todo = c.todo + d.todo, in_progress = c.in_progress + d.in_progress, done = c.done + d.done
        FROM (
            SELECT project_id, count(*) FILTER (WHERE status = 'todo') AS todo,
                count(*) FILTER (WHERE status = 'in_progress') AS in_progress,
                count(*) FILTER (WHERE status = 'done') AS done
            FROM new_rows GROUP BY project_id
        ) d
        WHERE c.project_id = d.project_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE projects_taskcounts c
        SET todo = c.todo - d.todo, in_progress = c.in_progress - d.in_progress, done = c.done - d.done
        FROM (
            SELECT project_id, count(*) FILTER (WHERE status = 'todo') AS todo,
                count(*) FILTER (WHERE status = 'in_progress') AS in_progress,
                count(*) FILTER (WHERE status = 'done') AS done
            FROM old_rows GROUP BY project_id
        ) d
        WHERE c.project_id = d.project_id;
    ELSE
        UPDATE projects_taskcounts c
        SET todo = c.todo + d.todo, in_progress = c.in_progress + d.in_progress, done = c.done + d.done
        FROM (
            SELECT project_id, sum(todo) AS todo, sum(in_progress) AS in_progress, sum(done) AS done
            FROM (
                SELECT project_id, (status = 'todo')::int AS todo, (status = 'in_progress')::int AS in_progress,
                    (status = 'done')::int AS done
                FROM new_rows
                UNION ALL
                SELECT project_id, -(status = 'todo')::int, -(status = 'in_progress')::int, -(status = 'done')::int
                FROM old_rows
            ) changes
            GROUP BY project_id
        ) d
        WHERE c.project_id = d.project_id AND (d.todo, d.in_progress, d.done) <> (0, 0, 0);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER projects_task_counts_insert AFTER INSERT ON projects_task
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION projects_task_counts_change();
CREATE TRIGGER projects_task_counts_update AFTER UPDATE ON projects_task
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_task_counts_change();
CREATE TRIGGER projects_task_counts_delete AFTER DELETE ON projects_task
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION projects_task_counts_change();

CREATE FUNCTION projects_task_counts_create() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO projects_taskcounts (project_id, todo, in_progress, done) SELECT id, 0, 0, 0 FROM new_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER projects_task_counts_create AFTER INSERT ON projects_project
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION projects_task_counts_create();
"""

# After the triggers, whose locks hold off writes of tasks and projects until the migration commits.
RECOUNT = """
INSERT INTO projects_taskcounts (project_id, todo, in_progress, done)
SELECT p.id, count(t.id) FILTER (WHERE t.status = 'todo'), count(t.id) FILTER (WHERE t.status = 'in_progress'),
    count(t.id) FILTER (WHERE t.status = 'done')
FROM projects_project p LEFT JOIN projects_task t ON t.project_id = p.id
GROUP BY p.id;
"""

DROP = """
DROP TRIGGER projects_task_counts_create ON projects_project;
DROP FUNCTION projects_task_counts_create();
DROP TRIGGER projects_task_counts_insert ON projects_task;
DROP TRIGGER projects_task_counts_update ON projects_task;
DROP TRIGGER projects_task_counts_delete ON projects_task;
DROP FUNCTION projects_task_counts_change();
"""


class Migration(migrations.Migration):
    """Each project's task counts by status, kept by PostgreSQL instead of counted by every project list."""

    dependencies = [("projects", "0005_deleted_owner_moved_to_owners")]

    operations = [
        migrations.CreateModel(
            name="TaskCounts",
            fields=[
                (
                    "project",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="task_counts",
                        serialize=False,
                        to="projects.project",
                    ),
                ),
                ("todo", models.IntegerField(default=0)),
                ("in_progress", models.IntegerField(default=0)),
                ("done", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(COUNT_FUNCTION, DROP),
        migrations.RunSQL(RECOUNT, migrations.RunSQL.noop),
    ]
