"""Exports: requesting one, running it exactly once in effect, and cleaning old ones up."""

import csv
import io
import json
import logging
import math
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from resource_service.celery import app as celery_app
from resource_service.exports.models import Export
from resource_service.lib.transactions import referring_to
from resource_service.owners.services import owner_write_begin
from resource_service.projects.models import Project, Task

logger = logging.getLogger(__name__)

COLUMNS = ["id", "title", "description", "status", "priority", "due_date", "created_at", "updated_at"]
# A worker lost this many times in a row on one export gives it up instead of retrying forever.
MAX_ATTEMPTS = 3
RUN_EXPORT_TASK = "resource.run_export"


def export_request(*, project: Project, format: str) -> Export:
    """Record a pending export and queue its run once the record is committed; Project.DoesNotExist if another
    request deleted the project meanwhile, OwnerDeleted if the owner's account was deleted."""
    with referring_to(project):
        owner_write_begin(owner_id=project.owner_id)
        export = Export.objects.create(owner_id=project.owner_id, project=project, format=format)
        export_id = str(export.pk)
        transaction.on_commit(lambda: _queue(export_id))
    return export


def _queue(export_id: str) -> None:
    """Queue the export's run. If the broker cannot take it, the export goes and the error stands (the request's
    503): a pending export that no worker will ever run would wait for nothing until the cleanup failed it."""
    try:
        celery_app.send_task(RUN_EXPORT_TASK, args=[export_id])
    except OperationalError:
        Export.objects.filter(pk=export_id).delete()
        raise


class ExportInProgress(Exception):
    """Another worker runs the export now: its run ends, one way or the other, within `seconds_left`."""

    def __init__(self, seconds_left: int):
        super().__init__(f"another worker runs the export for at most {seconds_left} s more")
        self.seconds_left = seconds_left


def run_time_limit() -> int:
    """The seconds after which a worker stops an export's run for good (its Celery hard time limit)."""
    return settings.EXPORT_TIME_LIMIT + settings.TASK_TIME_LIMIT_GRACE


def _csv_safe(value: object) -> str:
    # Spreadsheets run cells that start with these characters as formulas.
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_tasks(*, project: Project, format: str) -> bytes:
    """The project's tasks as a CSV or JSON document."""
    rows = list(Task.objects.filter(project=project).order_by("created_at", "id").values(*COLUMNS))
    if format == Export.Format.JSON:
        return json.dumps(rows, cls=DjangoJSONEncoder, indent=2).encode()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_safe(row[column]) for column in COLUMNS])
    return buffer.getvalue().encode()


def _claim(export_id: uuid.UUID | str) -> Export | None:
    """Mark the export running and count the attempt; None if there is nothing left to do, ExportInProgress if
    another worker's run of it may still be going on.

    A run started within the time limit is another worker's (a second delivery of one message, or a duplicate);
    a worker lost mid-run leaves its export running, and the broker delivers it again only after its visibility
    timeout, which is longer than the time limit (settings check it), so that a redelivery finds the run over.
    """
    now = timezone.now()
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status in (Export.Status.DONE, Export.Status.FAILED):
            return None
        if export.status == Export.Status.RUNNING and export.started_at is not None:
            seconds_left = (export.started_at - now).total_seconds() + run_time_limit()
            if seconds_left > 0:
                raise ExportInProgress(math.ceil(seconds_left))
        if export.attempts >= MAX_ATTEMPTS:
            _finish(export, Export.Status.FAILED, error="The export was interrupted too many times.")
            return None
        export.status, export.started_at = Export.Status.RUNNING, now
        export.attempts += 1
        export.save(update_fields=["status", "started_at", "attempts"])
        return export


def _finish(export: Export, status: str, *, error: str = "") -> bool:
    """Record how the export ended; False if it was deleted meanwhile (with its project, or its owner's data)."""
    fields = {"status": status, "error": error, "finished_at": timezone.now(), "file": export.file.name or ""}
    return bool(Export.objects.filter(pk=export.pk).update(**fields))


def _file_name(export_id: uuid.UUID | str, format: str) -> str:
    return f"exports/{export_id}.{format}"


def export_run(*, export_id: uuid.UUID | str) -> None:
    """Write the export's file and mark it done, or failed with a reason.

    Safe to run again for the same export (after a worker was lost mid-run): the file name is fixed,
    so a rerun replaces the partial file, and a finished export is left alone.
    """
    export = _claim(export_id)
    if export is None:
        if not Export.objects.filter(pk=export_id).exists():
            # Deleted, perhaps after a lost worker wrote its file: nothing may keep that file.
            for format in Export.Format.values:
                default_storage.delete(_file_name(export_id, format))
        return
    try:
        content = render_tasks(project=export.project, format=export.format)
        name = _file_name(export.pk, export.format)
        if default_storage.exists(name):
            default_storage.delete(name)
        export.file.name = default_storage.save(name, ContentFile(content))
    except Exception as exc:
        logger.exception("export failed", extra={"export_id": str(export.pk)})
        _finish(export, Export.Status.FAILED, error=f"The export could not be written ({type(exc).__name__}).")
        return
    if not _finish(export, Export.Status.DONE):
        # Deleted while it ran, after the deletion had looked for its file: the file goes here.
        default_storage.delete(export.file.name)
        return
    logger.info("export done", extra={"export_id": str(export.pk), "bytes": len(content)})


def export_cleanup() -> int:
    """Delete exports (and files) finished long ago, and fail exports stuck unfinished."""
    now = timezone.now()
    stuck = Export.objects.filter(
        status__in=[Export.Status.PENDING, Export.Status.RUNNING],
        created_at__lt=now - timedelta(minutes=settings.EXPORT_STALE_MINUTES),
    )
    stuck.update(status=Export.Status.FAILED, error="The export did not finish in time.", finished_at=now)
    old = Export.objects.filter(finished_at__lt=now - timedelta(hours=settings.EXPORT_RETENTION_HOURS))
    deleted, _ = old.delete()
    logger.info("exports cleaned up", extra={"deleted": deleted})
    return deleted
