"""Loading scenarios from YAML: ``extends:``, ``--set`` overrides and errors for people.

A student's typo must never end in a traceback: every problem becomes one ``ConfigError``
naming the file, the key, the bad value and what is allowed.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from stakhanov_sim.scenario import Scenario

EXTENDS = "extends"


class ConfigError(Exception):
    """A scenario that cannot be used; the message is meant for the person who wrote it."""


def load_scenario(path: str | os.PathLike, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read a scenario from YAML, resolving ``extends:`` and applying dotted overrides.

    Args:
        path: the YAML file.
        overrides: ``{"supply.timber_per_shift": 0.8}``; values may be YAML text
            (``"0.8"``), as given on the command line with ``--set``.

    Raises:
        ConfigError: naming the file, the key, the value and what is allowed.
    """
    path = Path(path)
    data = _read_with_parents(path, chain=())
    for key, value in (overrides or {}).items():
        _set_dotted(data, key, _parse_value(value), source=f"--set {key}")
    return validate(data, source=str(path))


def validate(data: dict[str, Any], source: str = "<config>") -> Scenario:
    """Turn a plain mapping into a ``Scenario``, or raise a ``ConfigError`` for people."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, data, source)) from None


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split a command-line ``key=value`` into the dotted key and its YAML value."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(
            f"--set {text!r}: expected key=value, for example supply.timber_per_shift=0.8"
        )
    return key.strip(), _parse_value(value)


def _parse_value(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return yaml.safe_load(value) if value.strip() else value
    except yaml.YAMLError:
        return value


def _read_with_parents(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    data = _read_yaml(path)
    parent = data.pop(EXTENDS, None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ConfigError(
            f"{path}: key '{EXTENDS}' = {parent!r}; allowed: the path of another scenario file"
        )
    parent_path = (path.parent / parent).resolve()
    here = path.resolve()
    if parent_path in (*chain, here):
        cycle = " -> ".join(str(p) for p in (*chain, here, parent_path))
        raise ConfigError(
            f"{path}: key '{EXTENDS}' = {parent!r} makes a cycle ({cycle}); allowed: a chain that ends"
        )
    if not parent_path.is_file():
        raise ConfigError(
            f"{path}: key '{EXTENDS}' = {parent!r}: no such file ({parent_path}); allowed: an existing scenario file"
        )
    base = _read_with_parents(parent_path, (*chain, here))
    return _merge(base, data)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such scenario file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory; allowed: a YAML scenario file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path}: not a text file (it is not UTF-8); allowed: a YAML scenario file"
        ) from None
    if "\x00" in text:
        raise ConfigError(f"{path}: a binary file; allowed: a YAML scenario file")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: YAML syntax error{where}: {problem}") from None
    if data is None:
        raise ConfigError(
            f"{path}: the file is empty; allowed: a mapping of scenario keys (see docs/parameters.md)"
        )
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: top level is a {type(data).__name__}; allowed: a mapping of scenario keys"
        )
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge mappings; lists and scalars in ``override`` replace those in ``base``."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _set_dotted(data: dict[str, Any], key: str, value: Any, source: str) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(f"{source}: '{part}' is not a group of parameters")
        node = child
    node[parts[-1]] = value


def _explain(exc: ValidationError, data: dict[str, Any], source: str) -> str:
    """One line per problem: file, dotted key, value given, what is allowed."""
    lines = [f"{source}: invalid scenario"]
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        given = err.get("input")
        if err["type"] == "extra_forbidden":
            lines.append(f"  key '{loc}': unknown key{_did_you_mean(err['loc'])}")
            continue
        allowed = _allowed(err)
        shown = "" if isinstance(given, dict) else f" = {given!r}"
        lines.append(f"  key '{loc}'{shown}: {err['msg']}; allowed: {allowed}")
    return "\n".join(lines)


def _allowed(err: dict[str, Any]) -> str:
    ctx = err.get("ctx") or {}
    field = _field_for(err["loc"])
    unit = ""
    if field is not None and field.json_schema_extra:
        unit = f" {field.json_schema_extra.get('unit', '')}".rstrip()
    bounds = []
    if field is not None:
        for meta in field.metadata:
            for name, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
                if getattr(meta, name, None) is not None:
                    bounds.append(f"{sym} {getattr(meta, name)}")
    if bounds:
        return " and ".join(bounds) + unit
    if "expected" in ctx:
        return f"one of {ctx['expected']}"
    if field is not None and field.annotation is not None:
        return f"a value of type {getattr(field.annotation, '__name__', field.annotation)}{unit}"
    return "see docs/parameters.md"


def _field_for(loc: tuple[Any, ...]):
    """The pydantic field a validation error points at, or None."""
    model: type[BaseModel] | None = Scenario
    field = None
    for part in loc:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            continue
        field = model.model_fields[part]
        ann = field.annotation
        model = (
            ann if isinstance(ann, type) and issubclass(ann, BaseModel) else _list_item_model(ann)
        )
    return field


def _list_item_model(annotation: Any) -> type[BaseModel] | None:
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _did_you_mean(loc: tuple[Any, ...]) -> str:
    model: type[BaseModel] | None = Scenario
    for part in loc[:-1]:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            continue
        ann = model.model_fields[part].annotation
        model = (
            ann if isinstance(ann, type) and issubclass(ann, BaseModel) else _list_item_model(ann)
        )
    if model is None:
        return ""
    names = list(model.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{hint} allowed keys here: {', '.join(names)}"
