"""Export tasks: thin wrappers around the services."""

from celery import shared_task

from resource_service.exports import services


@shared_task(name=services.RUN_EXPORT_TASK, acks_late=True, reject_on_worker_lost=True)
def run_export(export_id: str) -> None:
    """Write one export; redelivered if the worker dies mid-run."""
    services.export_run(export_id=export_id)


@shared_task(name="resource.cleanup_exports")
def cleanup_exports() -> None:
    """Delete old exports and fail stuck ones (scheduled by beat)."""
    services.export_cleanup()
