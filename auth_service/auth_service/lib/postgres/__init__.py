"""The PostgreSQL backend of the service (DATABASES' ENGINE), and the database users it connects as."""
