"""Hypothesis strategies for hostile input: any JSON value, including what Python's json module lets through; and the
oracle that tells a valid body among them."""

import json

from hypothesis import strategies as st

# What json.loads accepts: NaN and the infinities, integers of any size, lone surrogates and NUL in strings.
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers().map(str)
    | st.floats()
    | st.text()
    | st.sampled_from(["", "0", "1e300", "true", "null", "access", "refresh", "JWT", "RS256"])
)
containers = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)
json_values = scalars | containers
# What RFC 8259 allows: no NaN nor infinities.
strict_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
)


def bodies(fields: dict[str, object]) -> st.SearchStrategy:
    """A body of any JSON, or an object whose fields are each left out, valid, or any JSON value."""
    field_values = {name: st.one_of(st.just(valid), json_values) for name, valid in fields.items()}
    objects = st.fixed_dictionaries({}, optional=field_values) | st.fixed_dictionaries(field_values)
    extra = st.dictionaries(st.text(max_size=12), json_values, max_size=3)
    return json_values | st.builds(lambda known, more: {**more, **known}, objects, extra)


def holds_every_field(body: object, fields: dict[str, object]) -> bool:
    """Whether the body is JSON (RFC 8259) holding each of the fields with its value, beside any others."""
    if not (isinstance(body, dict) and all(name in body and body[name] == value for name, value in fields.items())):
        return False
    try:
        json.dumps(body, allow_nan=False)
    except ValueError:
        return False
    return True
