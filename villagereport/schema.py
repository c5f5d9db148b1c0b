"""Check a document against one of the project's JSON Schemas, reporting the first fault."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path

import jsonschema

from villagereport.errors import ReportError, shown

_JSON_TYPES = {
    dict: "a mapping",
    list: "a list",
    str: "text",
    bool: "true/false",
    int: "a whole number",
    float: "a number",
    type(None): "nothing (null)",
}


def kind_of(value: object) -> str:
    """Name a YAML value's type the way the error messages do."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


@cache
def schema(name: str) -> dict:
    """Return the JSON Schema ``name`` (e.g. ``report``) shipped with the package."""
    text = resources.files("villagereport.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


def field_path(parts: list[object], document: object = None) -> str:
    """Spell a path like ``figures[3].value``, adding the indicator id where there is one."""
    out = ""
    node = document
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("indicator"), str):
                ind = node["indicator"]
                out += f"({ind})" if re.fullmatch(r"[\w\-]{1,60}", ind) else f"({shown(ind)})"
        else:
            # A key is shown as written unless it holds characters that would garble the line.
            name = str(part) if re.fullmatch(r"[\w\-]{1,60}", str(part)) else shown(part)
            out += f".{name}" if out else name
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _expected(error: jsonschema.ValidationError) -> tuple[list[object], str]:
    path = list(error.absolute_path)
    got = f"got {kind_of(error.instance)} {shown(error.instance)}"
    v, arg = error.validator, error.validator_value
    if v == "required":
        missing = next(name for name in arg if name not in error.instance)
        return [*path, missing], "expected a value, got nothing (required field missing)"
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        name = extra[0] if extra else "?"
        allowed = ", ".join(error.schema.get("properties", {}))
        return [*path, name], f"expected one of the fields {allowed}; got unknown field"
    if v == "type":
        wanted = arg if isinstance(arg, list) else [arg]
        names = {"object": "a mapping", "array": "a list", "string": "text", "number": "a number",
                 "integer": "a whole number", "boolean": "true/false", "null": "null"}
        return path, f"expected {' or '.join(names.get(w, w) for w in wanted)}, {got}"
    if v in ("enum", "const"):
        options = arg if v == "enum" else [arg]
        return path, f"expected one of {', '.join(map(str, options))}; {got}"
    if v == "minimum":
        return path, f"expected a number >= {arg:g}, {got}"
    if v == "maximum":
        return path, f"expected a number <= {arg:g}, {got}"
    if v == "pattern":
        return path, f"expected text matching {arg}, {got}"
    if v == "minLength":
        return path, f"expected text of at least {arg} character(s), {got}"
    if v == "maxLength":
        return path, f"expected text of at most {arg} characters, got {len(error.instance)}"
    if v == "minItems":
        return path, f"expected a list of at least {arg} item(s), {got}"
    if v == "maxItems":
        return path, f"expected a list of at most {arg} items, got {len(error.instance)}"
    if v == "minProperties":
        return path, f"expected at least {arg} field(s), {got}"
    if v == "anyOf" and error.schema_path and "required" in json.dumps(arg):
        options = " or ".join(next(iter(o["required"])) for o in arg)
        return path, f"expected at least one of {options}, got none of them"
    return path, f"expected {error.message}"


def validate(document: object, name: str, file: str | Path) -> None:
    """Raise ReportError for the first place ``document`` breaks schema ``name``."""
    validator = jsonschema.Draft202012Validator(schema(name))
    errors = sorted(validator.iter_errors(document), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if not errors:
        return
    # Report the shallowest, first fault: it is usually the cause of the deeper ones.
    first = min(errors, key=lambda e: len(e.absolute_path))
    parts, expected = _expected(first)
    raise ReportError(Path(file), field_path(parts, document), expected)
