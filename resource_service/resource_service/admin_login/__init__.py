"""The resource admin's login, held to limits: the only place this service checks a password."""
