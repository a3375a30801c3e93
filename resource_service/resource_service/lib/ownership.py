"""What the views of the caller's own objects share: who the caller is, and a 404 for anyone else's object."""

from typing import cast

from rest_framework import generics
from rest_framework.request import Request


def caller_id(request: Request) -> str:
    """The caller's user id: the `sub` of the access token."""
    return cast(str, request.user.id)


class OwnedObjectView(generics.GenericAPIView):
    """A view whose get_object() looks among the caller's objects only: another user's object is a 404 for every
    method, OPTIONS included."""

    def options(self, request, *args, **kwargs):
        self.get_object()
        return super().options(request, *args, **kwargs)
