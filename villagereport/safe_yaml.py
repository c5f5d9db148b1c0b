"""Read a YAML file strictly: UTF-8, bounded size, no duplicate keys, no aliases, no tags."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from villagereport.errors import ReportError

# A report of a few hundred figures is tens of kilobytes; a file far larger is a mistake.
MAX_BYTES = 1_000_000


# libyaml's scanner, parser and composer where PyYAML has them (PyYAML's own, in Python, took 75
# ms of a Linjiang page's 0.4 s in a kernel; libyaml's, 6 ms), else PyYAML's.
_Base = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """The one YAML reader: PyYAML's safe loader that keeps dates as text and refuses what a
    report never needs: aliases and anchors (refused from the events, before anything is
    built), nesting deeper than MAX_DEPTH, and a key given twice."""


# Dates stay strings so the schema checks them and JSON Schema sees plain JSON types.
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# A report is a mapping of lists of mappings; far deeper is an attack on the reader's stack.
MAX_DEPTH = 32


def _position(mark: yaml.Mark) -> str:
    return f"line {mark.line + 1}"


def _construct_mapping(self: StrictLoader, node: yaml.MappingNode, deep: bool = False):  # type: ignore[no-untyped-def]
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = self.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            msg = f"{_position(key_node.start_mark)}: expected text keys, got {key!r}"
            raise _Refused(msg)
        if key in seen:
            msg = f"{_position(key_node.start_mark)}: expected each key once, got '{key}' twice"
            raise _Refused(msg)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(self, node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Refused(Exception):
    """Raised inside the loader; turned into a ReportError with the file's name."""


def _check_events(text: str) -> None:
    """Refuse aliases, anchors and deep nesting from the parser's events (``yaml.parse``)."""
    depth = 0
    for event in yaml.parse(text, Loader=StrictLoader):
        # Aliases let a tiny file expand to gigabytes ("billion laughs"); reports never need them.
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"{_position(event.start_mark)}: expected no YAML aliases (*{event.anchor}), got an alias")
        if getattr(event, "anchor", None):
            raise _Refused(f"{_position(event.start_mark)}: expected no YAML anchors (&{event.anchor}), got an anchor")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise RecursionError
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def read_yaml(path: str | Path) -> object:
    """Return the YAML document in ``path``, or raise ReportError saying what is wrong."""
    path = Path(path)
    if not path.exists():
        raise ReportError(path, "", "expected an existing file, got no such file")
    if not path.is_file():
        raise ReportError(path, "", "expected a file, got a directory or device")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ReportError(path, "", f"expected a file under {MAX_BYTES:,} bytes, got {size:,}")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ReportError(path, "", "expected a UTF-8 text file, got binary data (NUL bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        msg = f"expected UTF-8 text, got an invalid byte at offset {err.start}"
        raise ReportError(path, "", msg) from None
    if not text.strip():
        raise ReportError(path, "", "expected a YAML mapping, got an empty file")
    return parse_yaml(text, path)


def parse_yaml(text: str, source: str | Path) -> object:
    """Parse YAML ``text`` strictly; ``source`` names it in errors."""
    try:
        _check_events(text)
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a safe loader
    except _Refused as err:
        raise ReportError(source, "", str(err)) from None
    except RecursionError:
        raise ReportError(source, "", "expected a report's shallow structure, got nesting too deep to read") from None
    except yaml.YAMLError as err:
        if "nesting depth" in str(getattr(err, "problem", "")):  # libyaml's own limit, met first
            raise ReportError(source, "", "expected a report's shallow structure, got nesting too deep to read") from None
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        escape = re.findall(r"\\[uU]([0-9A-Fa-f]{4,8})", text[:mark.index + 8]) if mark else []
        if "escape code" in str(getattr(err, "problem", "")) and escape and 0xD800 <= int(escape[-1], 16) <= 0xDFFF:
            # A lone surrogate written as an escape: what the field check says of one typed in.
            msg = (f"{where}expected text a page can show, got an unpaired surrogate (no UTF-8 page can hold it), "
                   f"U+{int(escape[-1], 16):04X}")
            raise ReportError(source, "", msg) from None
        # libyaml says "found …" ("found invalid Unicode character escape code").
        problem = (getattr(err, "problem", None) or "unreadable YAML").removeprefix("found ")
        msg = f"{where}expected plain YAML, got {problem}"
        raise ReportError(source, "", msg) from None
