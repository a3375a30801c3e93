"""Limit/offset pagination: 20 rows by default, at most 100; bad values fall back to the defaults."""

from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 20
    max_limit = 100

    def get_offset(self, request) -> int:
        # An offset past the end is an empty page, not a database error on a huge number.
        return min(super().get_offset(request), self.count)
