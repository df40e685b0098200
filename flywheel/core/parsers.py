"""The request body parser: JSON that every layer below can store, or a 400 naming the field.

Python's `json` accepts what PostgreSQL and the JSON columns cannot keep: `\\u0000` (text
columns refuse NUL), lone surrogates such as `\\ud800` (not encodable as UTF-8) and nesting
deep enough to exhaust the recursion limit. They are refused here, once, for every endpoint.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_DEPTH = 32


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "Text may not contain the NUL character (\\u0000)."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "Text may not contain lone surrogates (e.g. \\ud800)."
    return None


def json_problem(data: Any) -> tuple[str, str, str] | None:
    """The first (field path, code, message) that makes `data` unstorable, else None."""
    if _storable(data):
        return None
    return _first_problem(data)


def _storable(data: Any) -> bool:
    """The common case, quickly: level by level, every text (keys too) checked at once at the
    end, no paths built."""
    texts: list[str] = []
    level: list[Any] = [data]
    for depth in range(MAX_DEPTH + 1):
        children: list[Any] = []
        for value in level:
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, (dict, list)):
                if depth == MAX_DEPTH:
                    return False
                if isinstance(value, dict):
                    texts.extend(key for key in value if isinstance(key, str))
                    children.extend(value.values())
                else:
                    children.extend(value)
        if not children:
            break
        level = children
    return _text_problem("".join(texts)) is None


def _first_problem(data: Any) -> tuple[str, str, str] | None:
    """Where the problem is: a depth-first walk naming each value's path."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            message = _text_problem(value)
            if message:
                return path or "non_field_errors", "invalid_text", message
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                return (
                    path or "non_field_errors",
                    "too_deep",
                    f"JSON may nest at most {MAX_DEPTH} levels.",
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                child = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and (message := _text_problem(key)):
                    return child, "invalid_text", message
                stack.append((item, child, depth + 1))
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser plus the checks above (400 with the offending field)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(f"JSON may nest at most {MAX_DEPTH} levels.") from error
        problem = json_problem(data)
        if problem is not None:
            field, code, message = problem
            raise ValidationError({field: [message]}, code=code)
        return data
