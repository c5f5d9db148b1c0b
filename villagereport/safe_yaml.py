"""Read a YAML file strictly: UTF-8, bounded size, no duplicate keys, no aliases, no tags."""

from __future__ import annotations

from pathlib import Path

import yaml

from villagereport.errors import ReportError

# A report of a few hundred figures is tens of kilobytes; a file far larger is a mistake.
MAX_BYTES = 1_000_000


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text and refuses what a report never needs."""


_FastLoader = None
if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastLoader(yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor,  # type: ignore[no-redef]
                      yaml.resolver.Resolver):
        """The same loader with libyaml's scanner and parser, as CSafeLoader has (PyYAML's,
        in Python, took 75 ms of a Linjiang page's 0.4 s in a kernel; libyaml's, 6 ms), and
        PyYAML's own composer, so the checks below see every alias, anchor and key. Used for
        files it reads without a fault; a file it finds a fault in is read again by
        _StrictLoader, whose messages say more (a lone surrogate escape, nesting too deep).
        What both read, they read alike (tests/test_loader_errors.py); libyaml also reads a
        few odd texts PyYAML refuses, such as ``{0? '' : null}``."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


# Dates stay strings so the schema checks them and JSON Schema sees plain JSON types.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _position(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}"


def _compose_node(self: _StrictLoader, parent, index):  # type: ignore[no-untyped-def]
    # Aliases let a tiny file expand to gigabytes ("billion laughs"); reports never need them.
    if self.check_event(yaml.AliasEvent):
        event = self.peek_event()
        msg = f"{_position(event)}: expected no YAML aliases (*{event.anchor}), got an alias"
        raise _Refused(msg)
    event = self.peek_event()
    if getattr(event, "anchor", None):
        msg = f"{_position(event)}: expected no YAML anchors (&{event.anchor}), got an anchor"
        raise _Refused(msg)
    return yaml.SafeLoader.compose_node(self, parent, index)


def _construct_mapping(self: _StrictLoader, node: yaml.MappingNode, deep: bool = False):  # type: ignore[no-untyped-def]
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = self.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            msg = f"{_position(key_node)}: expected text keys, got {key!r}"
            raise _Refused(msg)
        if key in seen:
            msg = f"{_position(key_node)}: expected each key once, got '{key}' twice"
            raise _Refused(msg)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(self, node, deep=deep)


for _loader in (_StrictLoader, _FastLoader):
    if _loader is not None:
        _loader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers
        _loader.compose_node = _compose_node  # type: ignore[method-assign]
        _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Refused(Exception):
    """Raised inside the loader; turned into a ReportError with the file's name."""


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
    if _FastLoader is not None:
        try:
            return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - SafeConstructor's types only
        except (yaml.YAMLError, RecursionError):
            pass  # read again below, for the message
        except _Refused as err:
            raise ReportError(source, "", str(err)) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as err:
        raise ReportError(source, "", str(err)) from None
    except RecursionError:
        # Thousands of nested brackets exhaust Python's stack before YAML finds anything wrong.
        raise ReportError(source, "", "expected a report's shallow structure, got nesting too deep to read") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(err, "problem", None) or "unreadable YAML"
        msg = f"{where}expected plain YAML, got {problem}"
        raise ReportError(source, "", msg) from None
