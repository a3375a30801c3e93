"""The orjson renderer writes, byte for byte, what DRF's JSONRenderer writes, for any value a response can hold.

Floats are left out: orjson spells a negative exponent without DRF's leading zero (1.5e-7, not 1.5e-07), the same
number; no response of the services holds a float."""

import datetime
import decimal

from django.utils.translation import gettext_lazy
from hypothesis import example, given
from hypothesis import strategies as st
from rest_framework import renderers

from auth_service.lib.renderers import JSONRenderer

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # beyond 64 bits too: orjson refuses them, and DRF's renderer writes them
    st.text(),
    st.uuids(),
    st.datetimes(timezones=st.none() | st.just(datetime.UTC)),
    st.dates(),
    st.times(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.just(gettext_lazy("Not found.")),
)
VALUES = st.recursive(
    SCALARS, lambda children: st.lists(children) | st.dictionaries(st.text() | st.integers(), children), max_leaves=25
)


@given(VALUES)
@example({"note": "a\u2028b\u2029c"})  # the line terminators DRF escapes for JavaScript
def test_any_value_is_written_as_drf_writes_it(value):
    assert JSONRenderer().render(value) == renderers.JSONRenderer().render(value)


def test_a_client_asking_for_indented_json_gets_it_as_drf_indents_it():
    value = {"detail": "Not found.", "items": [1, 2]}
    accepted = "application/json; indent=4"
    assert JSONRenderer().render(value, accepted) == renderers.JSONRenderer().render(value, accepted)
    assert b"\n    " in JSONRenderer().render(value, accepted)


def test_no_content_is_an_empty_body():
    assert JSONRenderer().render(None) == b""


def test_decimal_and_lazy_text_inside_containers():
    value = {"price": decimal.Decimal("1.50"), "messages": [gettext_lazy("Not found.")]}
    assert JSONRenderer().render(value) == renderers.JSONRenderer().render(value)
