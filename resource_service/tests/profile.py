"""`make profile`: the resource service's list requests in process, without gunicorn, nginx or the network.

For each request: the CPU time per request (time.process_time, the least of five bounded loops), then a
pyinstrument call tree of one more loop, written to tests/artifacts/profile/<name>.txt; for each list, the same
for its plain-Django floor (tests/floor_urls.py: the same work without DRF, on stock middleware; the loops of the
two interleaved), and the list's CPU as a ratio of the floor's (issue 27: at most 0.75). Then the trivial request
through Django's WSGI handler with each of the project's own middleware left out in turn, and the CPU time of
two things no authenticated list can do without, each on its own: verifying the token (and finding it verified
in the token cache), and the plainest ORM read of a page of projects (no task counts, no total);
docs/profiling.md compares them with what the targets leave. The requests are those of `make bench`; the
database is a scratch one, created and dropped here. Run from resource_service/ with its virtual environment, as
`python tests/profile.py` (the Makefile does); it lives with the service's tests because it imports the service,
which the black-box suite in the top-level tests/ never does.
"""

import os
import sys
import time
import uuid
from functools import partial
from pathlib import Path

import psycopg2

sys.path.insert(0, os.getcwd())
DATABASE = "profile_resource"
ADMIN_URL = os.environ.get("PROFILE_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
os.environ.setdefault("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ["LOG_LEVEL"] = "WARNING"
REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "500"))
OUT = Path(__file__).resolve().parents[2] / "tests" / "artifacts" / "profile"


def admin(statement: str) -> None:
    connection = psycopg2.connect(ADMIN_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def least_cpu_ms(calls: dict, repeats: int = 5) -> dict[str, float]:
    """CPU milliseconds per call of each, after a warm-up: the least of a few bounded loops, the one a busy
    neighbour on a shared machine disturbed least. The calls' loops run interleaved, so that what they are
    compared by meets the same moments of the machine."""
    for call in calls.values():
        for _ in range(100):
            call()
    least = dict.fromkeys(calls, float("inf"))
    for _ in range(repeats):
        for name, call in calls.items():
            started = time.process_time()
            for _ in range(REQUESTS):
                call()
            least[name] = min(least[name], (time.process_time() - started) / REQUESTS * 1000)
    return least


def cpu_ms(call) -> float:
    return least_cpu_ms({"call": call})["call"]


# The project's own middleware, by what each does: production's without all of them is stock Django's.
OWN_MIDDLEWARE = {
    "the request metrics": ["lib.http_metrics."],
    "the request log": ["lib.requests.RequestLogMiddleware"],
    "WhiteNoise and the dependency errors": ["whitenoise.", "lib.errors."],
}


def without(middleware: list[str], parts: list[str]) -> list[str]:
    return [path for path in middleware if not any(part in path for part in parts)]


def stock_middleware(production: list[str]) -> list[str]:
    return without(production, [part for parts in OWN_MIDDLEWARE.values() for part in parts])


def seed() -> dict[str, tuple[str, dict]]:
    from resource_service.projects.models import Project, Task
    from tests.signing import token_for

    one, twenty, big = (str(uuid.uuid4()) for _ in range(3))
    Project.objects.create(owner_id=one, name="Only")
    Project.objects.bulk_create([Project(owner_id=twenty, name=f"Project {i}") for i in range(20)])
    project = Project.objects.create(owner_id=big, name="Big")
    Task.objects.bulk_create(
        [Task(project=project, title=f"Task {i}", priority=("low", "medium", "high")[i % 3]) for i in range(1000)]
    )
    bearer = lambda sub: {"HTTP_AUTHORIZATION": f"Bearer {token_for(sub)}"}  # noqa: E731
    return {
        "healthz": ("/api/healthz", {}),
        "projects-1-row": ("/api/projects/", bearer(one)),
        "projects-20-rows": ("/api/projects/", bearer(twenty)),
        "tasks-20-of-1000": (f"/api/projects/{project.pk}/tasks/?limit=20&ordering=priority", bearer(big)),
    }


def middleware_costs() -> None:
    """/api/healthz through Django's WSGI handler with production's middleware, and with the project's own left out
    in turn; the request line logged at INFO to /dev/null, as production formats it. The variants run interleaved;
    each one's figure is the least of its loops."""
    import io
    import logging

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    production = list(settings.MIDDLEWARE)
    variants = {"production's": production}
    for name, parts in OWN_MIDDLEWARE.items():
        variants[f"without {name}"] = without(production, parts)
    variants["stock Django's (none of those)"] = stock_middleware(production)
    handlers = {}
    for name, middleware in variants.items():
        settings.MIDDLEWARE = middleware
        handlers[name] = WSGIHandler()
    settings.MIDDLEWARE = production
    logging.getLogger().setLevel(logging.INFO)
    for handler in logging.getLogger().handlers:
        handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 (kept open for the rest of the run)

    def request(handler) -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/api/healthz",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
        }
        b"".join(handler(environ, lambda status, headers: None))

    least = least_cpu_ms({name: partial(request, handler) for name, handler in handlers.items()}, repeats=8)
    print("/api/healthz through the WSGI handler, by middleware:")
    for name, cpu in least.items():
        print(f"  {name:44s} {cpu:6.3f} ms CPU")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from pyinstrument import Profiler

    call_command("migrate", verbosity=0)
    settings.ROOT_URLCONF = "tests.floor_urls"
    client = Client(HTTP_HOST="127.0.0.1")
    # The floor's client loads stock middleware on its first request; the service's keeps production's.
    production_middleware, settings.MIDDLEWARE = settings.MIDDLEWARE, stock_middleware(settings.MIDDLEWARE)
    floor_client = Client(HTTP_HOST="127.0.0.1")
    floor_client.get("/api/healthz")
    settings.MIDDLEWARE = production_middleware
    OUT.mkdir(parents=True, exist_ok=True)
    requests = seed()

    for name, (url, headers) in requests.items():
        # A list is measured with its floor, the same path under /floor/.
        gets = {name: partial(client.get, url, **headers)}
        if url.startswith("/api/projects/"):
            gets[f"{name}-floor"] = partial(floor_client.get, "/floor/" + url.removeprefix("/api/"), **headers)
        for get_name, get in gets.items():
            assert get().status_code == 200, get_name
        cpu = least_cpu_ms(gets)
        for get_name, get in gets.items():
            profiler = Profiler(interval=0.0001)
            with profiler:
                for _ in range(REQUESTS):
                    get()
            (OUT / f"{get_name}.txt").write_text(profiler.output_text(unicode=False, color=False))
            print(f"{get_name:26s} {cpu[get_name]:6.2f} ms CPU per request, call tree in {OUT / get_name}.txt")
        if f"{name}-floor" in cpu:
            ratio = cpu[name] / cpu[f"{name}-floor"]
            met = "met" if ratio <= 0.75 else "not met"
            print(f"{'':26s} {ratio:6.2f} x its plain-Django floor (target at most 0.75): {met}")

    middleware_costs()

    from resource_service.projects.models import Project
    from resource_service.tokens.token_cache import verified_access_claims
    from resource_service.tokens.verification import ACCESS, verified_claims

    token = requests["projects-1-row"][1]["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    owner_id = verified_claims(token, token_type=ACCESS)["sub"]
    print("Each on its own, what no authenticated list can do without:")
    print(f"  token verification   {cpu_ms(lambda: verified_claims(token, token_type=ACCESS)):6.2f} ms CPU")
    found = cpu_ms(lambda: verified_access_claims(token.encode()))
    print(f"  token found verified {found:6.3f} ms CPU (tokens/token_cache.py)")
    plain_read = lambda: list(Project.objects.filter(owner_id=owner_id).order_by("-created_at", "id")[:20])  # noqa: E731
    print(f"  plainest ORM read    {cpu_ms(plain_read):6.2f} ms CPU (a page of projects, no counts, no total)")


if __name__ == "__main__":
    admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    admin(f"CREATE DATABASE {DATABASE}")
    try:
        main()
    finally:
        from django.db import connections

        connections.close_all()
        admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
