"""Export tasks: thin wrappers around the services."""

from celery import shared_task
from django.conf import settings

from resource_service.exports import services


@shared_task(
    bind=True,
    name=services.RUN_EXPORT_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.EXPORT_TIME_LIMIT,
    time_limit=services.run_time_limit(),
    max_retries=None,
)
def run_export(self, export_id: str) -> None:
    """Write one export; redelivered if the worker dies mid-run, tried again once another worker's run of it is
    over."""
    try:
        services.export_run(export_id=export_id)
    except services.ExportInProgress as busy:
        raise self.retry(exc=busy, countdown=busy.seconds_left) from busy


@shared_task(name="resource.cleanup_exports")
def cleanup_exports() -> None:
    """Delete old exports and fail stuck ones (scheduled by beat)."""
    services.export_cleanup()
