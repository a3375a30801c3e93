"""Tasks the resource worker runs; other services send them by name."""

from celery import shared_task

from resource_service.projects import services


@shared_task(name="resource.delete_user_data")
def delete_user_data(user_id: str) -> None:
    """Delete the data of a deleted account."""
    services.user_data_delete(owner_id=user_id)
