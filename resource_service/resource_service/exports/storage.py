"""The export files' storage on S3 (EXPORTS_S3_BUCKET), where deleting a file deletes every version of it.

The export bucket is versioned (infra/templates/data.yaml), and S3's delete hides only the current version behind
a delete marker: the older versions stay recoverable, and a deleted account's tasks would outlive its deletion.
"""

from storages.backends.s3 import S3Storage


class ExportStorage(S3Storage):
    def delete(self, name: str) -> None:
        """Delete the file's versions and delete markers, leaving nothing of it in the bucket."""
        key = f"{self.location.strip('/')}/{name}" if self.location else name
        for version in self.bucket.object_versions.filter(Prefix=key):
            if version.object_key == key:
                version.delete()
