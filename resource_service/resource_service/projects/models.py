"""Projects, each owned by the user id of an access token's subject."""

import uuid

from django.db import models


class Project(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_id = models.UUIDField(db_index=True, help_text="The `sub` of the owner's access tokens.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["owner_id", "-created_at"])]

    def __str__(self) -> str:
        return self.name
