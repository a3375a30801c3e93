"""The database's two users: the schema's owner, who migrates, and the application user, who reads and writes rows.

Neither is the master user RDS creates with the instance. The roles task connects as the master user (who is no
superuser on RDS) and gives the owner the database and everything in it; the application user gets the rights
on rows and sequences, for today's tables and for every table the owner creates later.
"""

from django.db import connection


def database_roles_create(*, owner: str, owner_password: str, app: str, app_password: str) -> None:
    """Create both users, or set their passwords to the given ones, and grant what each needs."""
    quote = connection.ops.quote_name
    database, owner_name, app_name = quote(connection.settings_dict["NAME"]), quote(owner), quote(app)
    with connection.cursor() as cursor:
        for role, password in ((owner, owner_password), (app, app_password)):
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            cursor.execute(f"{verb} ROLE {quote(role)} LOGIN PASSWORD %s", [password])
        for statement in (
            # The master user may then give the owner what it owns: the database, and the tables of migrations
            # that ran as the master user before these users existed.
            f"GRANT {owner_name} TO CURRENT_USER",
            f"ALTER DATABASE {database} OWNER TO {owner_name}",
            f"REASSIGN OWNED BY CURRENT_USER TO {owner_name}",
            f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {app_name}",
            f"GRANT USAGE ON SCHEMA public TO {app_name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app_name}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app_name}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_name} IN SCHEMA public"
            f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app_name}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_name} IN SCHEMA public"
            f" GRANT USAGE, SELECT ON SEQUENCES TO {app_name}",
        ):
            cursor.execute(statement)
