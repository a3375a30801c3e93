"""The links in responses (pagination, an export's download_url), always on PUBLIC_URL.

Built from the request instead, they carried whatever Host it came with, and a request without one (HTTP/1.0)
reached the service by its own address, which the links then gave away (`http://127.0.0.1:8002/...`).
"""

from urllib.parse import urlsplit

from django.conf import settings


def public(url: str | None) -> str | None:
    """The URL (or path) with its path and query on PUBLIC_URL."""
    if url is None:
        return None
    parts = urlsplit(url)
    return settings.PUBLIC_URL + parts.path + (f"?{parts.query}" if parts.query else "")
