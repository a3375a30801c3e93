"""An export's file goes with its row, whoever deletes the row: the API, the admin, a project's deletion, an
owner's purge or the cleanup."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from resource_service.exports.models import Export


@receiver(pre_delete, sender=Export)
def _delete_file_once_committed(sender, instance: Export, **kwargs) -> None:
    # Django deletes rows in a transaction and sends this before it deletes any. The row is locked and its file
    # read again: an export finishing meanwhile either records its file before this reads it, or finds its row
    # gone and deletes the file itself (services.export_run).
    name = Export.objects.select_for_update().filter(pk=instance.pk).values_list("file", flat=True).first()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))
