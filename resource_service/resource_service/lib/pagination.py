"""Limit/offset pagination: 20 rows by default, at most 100; bad values fall back to the defaults."""

from django.db.models import Count, Window
from rest_framework import pagination

from resource_service.lib import compiled_pages, links

# PostgreSQL's OFFSET is a bigint; a larger number from a client is an empty page, not a database error.
MAX_OFFSET = 2**62
# Built once: the ORM hashes the expression while compiling, and a new one's hash is worked out again each
# time (through inspect.signature), a few per cent of a one-row list.
TOTAL = Window(Count("*"))


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 20
    max_limit = 100

    def paginate_queryset(self, queryset, request, view=None) -> list:
        """DRF's limit/offset page, with the total read by the page's own query: COUNT(*) OVER (), or the view's
        stored_total() where it has one, an expression of each row that holds the same number (a count kept by the
        database), so that the page reads its own rows only rather than every row the window would count. A view
        with queryset_for(**ids) and page_ids() has a page of no filter nor search run from SQL the ORM compiled for
        its shape before (lib/compiled_pages.py); the queryset it passes is then not used, unless to count past the
        end.

        The window counts rows before any DISTINCT: the lists paginated here have none.
        """
        self.request = request
        self.limit = self.get_limit(request) or self.default_limit
        self.offset = min(self.get_offset(request), MAX_OFFSET)
        total = getattr(view, "stored_total", lambda: None)() or TOTAL
        shape = compiled_pages.shape_of(view, request.query_params) if hasattr(view, "queryset_for") else None
        if shape is None:
            rows = list(queryset.annotate(pagination_total=total)[self.offset : self.offset + self.limit])
        else:

            def build(**ids):
                return view.filter_queryset(view.queryset_for(**ids)).annotate(pagination_total=total)

            rows = compiled_pages.page_rows(shape, view.page_ids(), build, self.offset, self.limit)
        # A page past the end has no row to carry the total: count it apart.
        self.count = rows[0].pagination_total if rows else (queryset.count() if self.offset else 0)
        self.offset = min(self.offset, self.count)
        return rows

    def get_schema_operation_parameters(self, view) -> list[dict]:
        """`limit` and `offset` as the API reads them: any value, the ones that are not a number it can use taken
        as the defaults (the contract), so the schema lets a client send any string."""
        descriptions = {
            self.limit_query_param: "Rows per page: 20 by default, at most 100 (a larger number is 100); a value "
            "that is not a positive integer is the default",
            self.offset_query_param: "Rows to skip: a value that is not an integer of 0 or more is 0",
        }
        return [
            {"name": name, "required": False, "in": "query", "description": text, "schema": {"type": "string"}}
            for name, text in descriptions.items()
        ]

    def get_next_link(self) -> str | None:
        return links.public(super().get_next_link())

    def get_previous_link(self) -> str | None:
        return links.public(super().get_previous_link())
