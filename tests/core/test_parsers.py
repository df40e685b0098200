"""The body checks: what PostgreSQL cannot store is found, with its path, at any depth."""

import pytest

from flywheel.core.parsers import MAX_DEPTH, json_problem


def nested(depth: int, inner):
    value = inner
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "data,expected",
    [
        ({"events": [{"kind": "login", "properties": {"x": [1, "ok", None]}}]}, None),
        (nested(MAX_DEPTH - 1, {}), None),  # the deepest allowed container
        (nested(MAX_DEPTH, {}), ("a." * (MAX_DEPTH - 1) + "a", "too_deep")),
        (nested(MAX_DEPTH, []), ("a." * (MAX_DEPTH - 1) + "a", "too_deep")),
        (nested(MAX_DEPTH, "text"), None),  # a text at that depth is no container
        (
            {"events": [{"ok": "x"}, {"properties": {"bad\x00key": 1}}]},
            ("events.1.properties.bad\x00key", "invalid_text"),
        ),
        ({"events": [{"name": "a\ud800"}]}, ("events.0.name", "invalid_text")),
        (["\x00"], ("0", "invalid_text")),
        ("\udc00", ("non_field_errors", "invalid_text")),
    ],
)
def test_json_problem_names_the_first_unstorable_value(data, expected):
    problem = json_problem(data)
    assert (problem[:2] if problem else None) == expected
