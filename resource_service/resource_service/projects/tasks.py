"""Tasks the resource worker runs for other services; they send them by name."""

from celery import shared_task

from resource_service.projects import services


@shared_task(name="resource.delete_user_data", acks_late=True, reject_on_worker_lost=True)
def delete_user_data(user_id: str, order: str) -> None:
    """Delete the projects, tasks and exports of a deleted account, on the auth service's signed order."""
    services.user_data_delete_ordered(owner_id=user_id, order=order)
