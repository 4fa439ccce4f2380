"""Loading scenarios from YAML: ``extends:``, ``--set`` overrides and errors for people.

A student's typo must never end in a traceback: every problem becomes one ``ConfigError``
naming the file, the key, the bad value and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from stakhanov_sim.scenarios import fields
from stakhanov_sim.scenarios.schema import Scenario

EXTENDS = "extends"
SHIPPED = Path(__file__).resolve().parent / "configs"  # installed with the package


def shipped_scenarios() -> list[str]:
    """Names of the scenarios installed with the package (``history_1935_37``, ...)."""
    return sorted(p.stem for p in SHIPPED.glob("*.yaml"))


def resolve_scenario(name_or_path: str | os.PathLike) -> Path:
    """The file behind a scenario name (``history_1935_37``) or a path to a YAML file.

    A path that exists wins; otherwise a bare name (no folder, with or without ``.yaml``) is
    looked up among the shipped scenarios, so scenarios load the same from any directory.
    """
    path = Path(name_or_path)
    if path.exists() or len(path.parts) != 1:
        return path
    shipped = SHIPPED / (path.name if path.suffix in (".yaml", ".yml") else f"{path.name}.yaml")
    return shipped if shipped.is_file() else path


class ConfigError(Exception):
    """A scenario that cannot be used; the message is meant for the person who wrote it."""


def load_scenario(path: str | os.PathLike, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read a scenario from YAML, resolving ``extends:`` and applying dotted overrides.

    Args:
        path: a YAML file, or the name of a shipped scenario (see ``shipped_scenarios``).
        overrides: ``{"supply.timber_per_shift": 0.8}``; values may be YAML text
            (``"0.8"``), as given on the command line with ``--set``.

    Raises:
        ConfigError: naming the file, the key, the value and what is allowed.
    """
    path = resolve_scenario(path)
    data = _read_with_parents(path, chain=())
    for key, value in (overrides or {}).items():
        set_dotted(data, key, _parse_value(value), source=f"{path}: --set {key}")
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
        return yaml.load(value, Loader=_Loader) if value.strip() else value
    except yaml.YAMLError:
        return value


class _Loader(yaml.SafeLoader):
    """Safe YAML, except that an impossible date (1936-13-01) stays text.

    PyYAML raises a bare ``ValueError`` for such a date, with no key; kept as text, it
    reaches pydantic, whose error names the key, the value and what is allowed. A key
    given twice is an error: plain YAML silently keeps the last one, hiding a typo.
    """

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


def _timestamp_or_text(loader: _Loader, node: yaml.Node) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def _read_with_parents(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    data = read_yaml_mapping(path)
    parent = data.pop(EXTENDS, None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ConfigError(
            f"{path}: key '{EXTENDS}' = {parent!r}; allowed: the path of another scenario file"
        )
    parent_path = (path.parent / parent).resolve()
    if not parent_path.is_file():  # a shipped scenario by name
        parent_path = resolve_scenario(parent).resolve()
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


def read_yaml_mapping(path: Path, kind: str = "scenario") -> dict[str, Any]:
    """A YAML file's top-level mapping, or one ``ConfigError`` saying what is wrong with it.

    Args:
        path: the file.
        kind: what the file should be ("scenario", "sweep"), named in the messages.
    """
    wanted = f"a YAML {kind} file"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        hint = (
            f"; shipped scenarios: {', '.join(shipped_scenarios())}" if kind == "scenario" else ""
        )
        raise ConfigError(f"{path}: no such {kind} file{hint}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory; allowed: {wanted}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
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
    if data is None:
        raise ConfigError(
            f"{path}: the file is empty; allowed: a mapping of {kind} keys (see docs/parameters.md)"
        )
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: top level is a {type(data).__name__}; allowed: a mapping of {kind} keys"
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


def set_dotted(data: dict[str, Any], key: str, value: Any, source: str) -> None:
    """Set ``data["supply"]["timber_per_shift"]`` from ``"supply.timber_per_shift"``."""
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(
                f"{source}: key '{part}' = {child!r} is not a group of parameters; allowed: a mapping of keys"
            )
        node = child
    node[parts[-1]] = value


def _explain(exc: ValidationError, data: dict[str, Any], source: str) -> str:
    """One line per problem: file, dotted key, value given, what is allowed."""
    lines = [f"{source}: invalid scenario"]
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        shown = _shown(err)
        if err["type"] == "value_error":  # a cross-field check: its message names its keys
            lines.append(f"  {_checked(err)}")
            continue
        if err["type"] == "extra_forbidden":
            lines.append(f"  key '{loc}'{shown}: unknown key{_did_you_mean(err['loc'])}")
            continue
        allowed = _allowed(err)
        lines.append(f"  key '{loc}'{shown}: {err['msg']}; allowed: {allowed}")
    return "\n".join(lines)


SHOWN_MAX_CHARS = 80  # a whole list or mapping given by mistake is cut, not printed in full


def _shown(err: dict[str, Any]) -> str:
    """`` = value`` as the user wrote it; nothing when pydantic's input is the parent mapping."""
    if err["type"] == "missing":
        return ""
    given = err.get("input")
    text = given.isoformat() if isinstance(given, dt.date) else repr(given)
    if len(text) > SHOWN_MAX_CHARS:
        text = text[: SHOWN_MAX_CHARS - 3] + "..."
    return f" = {text}"


def _checked(err: dict[str, Any]) -> str:
    """The message of a cross-field check in ``scenario.py`` (it names keys and values)."""
    ctx = err.get("ctx") or {}
    text = str(ctx.get("error") or err["msg"])
    loc = ".".join(str(p) for p in err["loc"])
    if loc and loc not in text:  # a check inside one list item does not know its index
        text = f"in '{loc}': {text}"
    return text if "allowed:" in text else f"{text}; allowed: see docs/parameters.md"


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
    if field is not None and field.annotation is dt.date:
        return "an ISO date, YYYY-MM-DD"
    if field is not None:
        kind = _kind_of(field.annotation, item=isinstance(err["loc"][-1], int))
        if kind:
            return kind
    if field is not None and field.annotation is not None:
        return f"a value of type {getattr(field.annotation, '__name__', field.annotation)}{unit}"
    return "see docs/parameters.md"


def _kind_of(annotation: Any, item: bool) -> str:
    """What a value of this annotation looks like in YAML, in words."""
    item_model = fields.group_of(annotation) if fields.is_list(annotation) else None
    if item and item_model is not None:
        return f"a mapping with keys {', '.join(item_model.model_fields)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"a mapping with keys {', '.join(annotation.model_fields)}"
    if getattr(annotation, "__origin__", None) is list:
        return "a list (YAML '- item' lines or [a, b])"
    return {bool: "true or false", str: "text", int: "a whole number", float: "a number"}.get(
        annotation, ""
    )


def _field_for(loc: tuple[Any, ...]):
    """The pydantic field a validation error points at, or None."""
    found = list(fields.walk(loc))
    return found[-1][1] if found else None


def _did_you_mean(loc: tuple[Any, ...]) -> str:
    model = fields.holder(loc)
    if model is None:
        return ""
    names = list(model.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{hint} allowed keys here: {', '.join(names)}"
