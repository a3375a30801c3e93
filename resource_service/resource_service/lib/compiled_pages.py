"""The SQL the ORM compiled for a list page of one shape, run again through raw().

A list request whose only parameters are its page and an ordering the list offers (no filter, no search) has a
shape: the list, its ordering, the page's offset and limit. The ORM compiles that shape's SQL once, from the list's
queryset built exactly as for a request but with sentinel ids; each request of the shape runs it with its own ids in
the sentinels' places, through raw(). Building and compiling the queryset was about a fifth of a list request's CPU.
The ORM stays the SQL's only author, and filters and search take its path every time. At most SHAPES shapes are
kept, the least recently used dropped first. tests/test_compiled_pages.py holds each shape's answer byte-identical
to the ORM path's.
"""

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

SHAPES = 512
PAGE_PARAMETERS = frozenset({"limit", "offset", "ordering"})
# What a page's SQL is compiled with in place of the ids a request brings: values no request can have.
SENTINELS = {"owner_id": uuid.uuid4(), "project_id": uuid.uuid4()}


@dataclass(frozen=True)
class Slot:
    """A parameter of the compiled SQL that takes an id of the request."""

    name: str


_compiled: OrderedDict[tuple, tuple] = OrderedDict()
_lock = threading.Lock()


def shape_of(view, query_params) -> tuple | None:
    """The request's shape; None when anything but the page and one ordering the view offers is asked for."""
    if not query_params.keys() <= PAGE_PARAMETERS or len(query_params.getlist("ordering")) > 1:
        return None
    ordering = query_params.get("ordering", "")
    if ordering and ordering.removeprefix("-") not in view.ordering_fields:
        return None
    return (type(view).__name__, ordering)


def _compile(queryset: QuerySet, ids: dict) -> tuple:
    sql, params = queryset.query.sql_with_params()
    names = {value: name for name, value in SENTINELS.items()}
    slots = [Slot(names[param]) if isinstance(param, uuid.UUID) and param in names else param for param in params]
    # A page that would not be narrowed by each of the request's ids must never be run for another request.
    if {slot.name for slot in slots if isinstance(slot, Slot)} != ids.keys():
        raise ValueError(f"the page's SQL does not take each of {sorted(ids)}")
    return queryset.model, sql, slots


def page_rows(shape: tuple, ids: dict, build: Callable[..., QuerySet], offset: int, limit: int) -> list:
    """The rows of the page: build() with a sentinel for each of the ids, sliced to the page and compiled once per
    shape, run with the ids."""
    key = (*shape, offset, limit)
    with _lock:
        compiled = _compiled.get(key)
        if compiled is not None:
            _compiled.move_to_end(key)
    if compiled is None:
        compiled = _compile(build(**{name: SENTINELS[name] for name in ids})[offset : offset + limit], ids)
        with _lock:
            _compiled[key] = compiled
            while len(_compiled) > SHAPES:
                _compiled.popitem(last=False)
    model, sql, slots = compiled
    params = [ids[slot.name] if isinstance(slot, Slot) else slot for slot in slots]
    return list(model.objects.raw(sql, params))
