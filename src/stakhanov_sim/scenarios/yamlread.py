"""Reading YAML a stranger wrote: limits before work, one message for every problem.

A config file is read only up to ``MAX_FILE_BYTES`` (so ``/dev/zero`` or a pasted data dump
stops at once), and parsed with limits on nesting depth and on the size aliases expand to
(so a few lines of nested ``*aliases`` cannot fill the memory, nor deep brackets the stack).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000  # the largest shipped scenario is about 10 kB
MAX_DEPTH = 64  # nesting of mappings and lists; scenarios need 4
MAX_EXPANDED_NODES = 100_000  # values after expanding every alias; scenarios have ~500


class ConfigError(Exception):
    """A scenario that cannot be used; the message is meant for the person who wrote it."""


class _Loader(yaml.SafeLoader):
    """Safe YAML with limits, where an impossible date (1936-13-01) stays text.

    PyYAML raises a bare ``ValueError`` for such a date, with no key; kept as text, it
    reaches pydantic, whose error names the key, the value and what is allowed. A key
    given twice is an error: plain YAML silently keeps the last one, hiding a typo.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self._depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                problem=f"nested more than {MAX_DEPTH} levels deep; allowed: at most {MAX_DEPTH}",
                problem_mark=self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None and _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise yaml.composer.ComposerError(
                problem=f"aliases (*name) expand to more than {MAX_EXPANDED_NODES:,} values; allowed: at most {MAX_EXPANDED_NODES:,}",
                problem_mark=node.start_mark,
            )
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            if key_node.value in seen:
                first = seen[key_node.value].line + 1
                raise yaml.constructor.ConstructorError(
                    problem=f"key '{key_node.value}' given twice (first on line {first}); allowed: each key once",
                    problem_mark=key_node.start_mark,
                )
            seen[key_node.value] = key_node.start_mark
        return super().construct_mapping(node, deep)


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """Values ``node`` stands for once every alias is expanded (each node counted once)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    sizes[key] = MAX_EXPANDED_NODES + 1  # a node that contains itself expands without end
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    else:
        children = []
    total = 1
    for child in children:
        total += _expanded_size(child, sizes)
        if total > MAX_EXPANDED_NODES:
            break
    sizes[key] = total
    return total


def _timestamp_or_text(loader: _Loader, node: yaml.Node) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def parse_value(value: Any) -> Any:
    """A ``--set`` value as YAML (``"0.8"`` -> 0.8), or the text itself when it is not YAML."""
    if not isinstance(value, str):
        return value
    try:
        return yaml.load(value, Loader=_Loader) if value.strip() else value
    except yaml.YAMLError:
        return value


def read_limited(path: Path, kind: str, hint: str = "") -> bytes:
    """At most ``MAX_FILE_BYTES`` of ``path``; never blocks on a pipe nobody writes to."""
    wanted = f"a YAML {kind} file"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO with no writer: no wait
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such {kind} file{hint}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory; allowed: {wanted}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory; allowed: {wanted}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:
        raise ConfigError(
            f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB; allowed: {wanted} of at most {MAX_FILE_BYTES:,} bytes"
        )
    return b"".join(chunks)


def read_yaml_mapping(path: Path, kind: str = "scenario", hint: str = "") -> dict[str, Any]:
    """A YAML file's top-level mapping, or one ``ConfigError`` saying what is wrong with it.

    Args:
        path: the file.
        kind: what the file should be ("scenario", "sweep"), named in the messages.
        hint: added to the message when the file does not exist.
    """
    wanted = f"a YAML {kind} file"
    raw = read_limited(path, kind, hint)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file (it is not UTF-8); allowed: {wanted}") from None
    if "\x00" in text:
        raise ConfigError(f"{path}: a binary file; allowed: {wanted}")
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: YAML syntax error{where}: {problem}") from None
    except RecursionError:  # a limit above should stop this first; never a traceback
        raise ConfigError(
            f"{path}: nested too deeply; allowed: at most {MAX_DEPTH} levels"
        ) from None
    if data is None:
        raise ConfigError(
            f"{path}: the file is empty; allowed: a mapping of {kind} keys (see docs/parameters.md)"
        )
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: top level is a {type(data).__name__}; allowed: a mapping of {kind} keys"
        )
    return data
