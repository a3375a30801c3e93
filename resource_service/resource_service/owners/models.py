from django.db import models


class DeletedOwner(models.Model):
    """A deleted account: its data was purged, and nothing may be written for it again (owners/services.py)."""

    owner_id = models.UUIDField(primary_key=True)
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "projects_deletedowner"  # made by the projects app, before this one held it

    def __str__(self) -> str:
        return str(self.owner_id)
