"""On S3, deleting an export's file leaves no version of it in the versioned bucket."""

import boto3
import pytest
from django.core.files.base import ContentFile
from moto import mock_aws

from resource_service.exports.storage import ExportStorage

BUCKET = "exports"


@pytest.fixture
def bucket(monkeypatch):
    for name, value in (
        ("AWS_DEFAULT_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "x"),
        ("AWS_SECRET_ACCESS_KEY", "x"),
    ):
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield s3


def versions(s3, prefix: str) -> list[str]:
    listed = s3.list_object_versions(Bucket=BUCKET, Prefix=prefix)
    return [entry["Key"] for entry in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]


def test_deleting_a_file_deletes_every_version_and_nothing_else(bucket):
    storage = ExportStorage(bucket_name=BUCKET, location="resource-service", file_overwrite=True)
    storage.save("exports/1.csv", ContentFile(b"first"))
    storage.save("exports/1.csv", ContentFile(b"second"))
    storage.save("exports/1.csv.json", ContentFile(b"another file"))
    assert versions(bucket, "resource-service/exports/1.csv") == ["resource-service/exports/1.csv"] * 2 + [
        "resource-service/exports/1.csv.json"
    ]

    storage.delete("exports/1.csv")

    assert versions(bucket, "resource-service/exports/") == ["resource-service/exports/1.csv.json"]
    assert not storage.exists("exports/1.csv")
