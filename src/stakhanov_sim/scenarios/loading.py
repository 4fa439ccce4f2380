"""Loading scenarios from YAML: ``extends:``, ``--set`` overrides and errors for people.

A student's typo must never end in a traceback: every problem becomes one ``ConfigError``
naming the file, the key, the bad value and what is allowed. ``extends:`` reaches only the
scenario's own folder tree and the shipped scenarios, and a file that is not a scenario is
refused without quoting a line of it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from stakhanov_sim.scenarios import fields
from stakhanov_sim.scenarios.schema import Scenario
from stakhanov_sim.scenarios.yamlread import ConfigError, parse_value, read_yaml_mapping

__all__ = [
    "SHIPPED",
    "ConfigError",
    "beside_or_shipped",
    "Loaded",
    "load",
    "load_scenario",
    "parse_assignment",
    "read_yaml_mapping",
    "resolve_scenario",
    "set_dotted",
    "shipped_scenarios",
    "validate",
]

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


@dataclass
class Loaded:
    """A validated scenario and what loading it left out.

    Attributes:
        scenario: the scenario.
        left_out: campaign events dropped because a later ``calendar.end`` (a ``--set`` or a
            file that ``extends:`` another) ends the calendar before them.
    """

    scenario: Scenario
    left_out: list[dict[str, Any]] = field(default_factory=list)

    def left_out_line(self) -> str:
        """One line for people: which events were left out, or '' when none was."""
        if not self.left_out:
            return ""
        shown = ", ".join(f"{e.get('date')} {e.get('kind')}" for e in self.left_out)
        end = self.scenario.calendar.end
        return f"left out {len(self.left_out)} campaign event(s) after calendar.end {end}: {shown}"


def load_scenario(path: str | os.PathLike, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read a scenario from YAML, resolving ``extends:`` and applying dotted overrides.

    Args:
        path: a YAML file, or the name of a shipped scenario (see ``shipped_scenarios``).
        overrides: ``{"supply.timber_per_shift": 0.8}``; values may be YAML text
            (``"0.8"``), as given on the command line with ``--set``.

    Raises:
        ConfigError: naming the file, the key, the value and what is allowed.
    """
    return load(path, overrides).scenario


def load(path: str | os.PathLike, overrides: dict[str, Any] | None = None) -> Loaded:
    """As :func:`load_scenario`, also telling which events a shorter calendar left out."""
    path = resolve_scenario(path)
    left_out: list[dict[str, Any]] = []
    root = path.resolve().parent
    data = _read_with_parents(path, chain=(), root=root, left_out=left_out)
    overrides = {k: parse_value(v) for k, v in (overrides or {}).items()}
    if "calendar.end" in overrides and "campaign.events" not in overrides:
        left_out += _leave_out_late_events(data, overrides["calendar.end"])
    for key, value in overrides.items():
        set_dotted(data, key, value, source=f"{path}: --set {key}")
    return Loaded(validate(data, source=str(path)), left_out)


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
    return key.strip(), parse_value(value)


def _read_with_parents(
    path: Path,
    chain: tuple[Path, ...],
    root: Path,
    left_out: list[dict[str, Any]],
    named_by: str = "",
) -> dict[str, Any]:
    hint = f"; shipped scenarios: {', '.join(shipped_scenarios())}"
    data = read_yaml_mapping(path, hint=hint)
    _refuse_non_scenario(path, data, named_by)
    parent = data.pop(EXTENDS, None)
    if parent is None:
        return data
    here = path.resolve()
    parent_path = _parent_path(path, parent, root)
    if parent_path in (*chain, here):
        cycle = " -> ".join(str(p) for p in (*chain, here, parent_path))
        raise ConfigError(
            f"{path}: key '{EXTENDS}' = {parent!r} makes a cycle ({cycle}); allowed: a chain that ends"
        )
    named = f"{path}: key '{EXTENDS}' = {parent!r} names "
    base = _read_with_parents(parent_path, (*chain, here), root, left_out, named)
    end = (
        (data.get("calendar") or {}).get("end") if isinstance(data.get("calendar"), dict) else None
    )
    if end is not None and "events" not in (data.get("campaign") or {}):
        left_out += _leave_out_late_events(base, end)
    return _merge(base, data)


def _parent_path(path: Path, parent: Any, root: Path) -> Path:
    """The file ``extends:`` names: inside the scenario's own folder tree, or shipped."""
    if not isinstance(parent, str) or not parent.strip():
        raise ConfigError(
            f"{path}: key '{EXTENDS}' = {reprlib.repr(parent)}; allowed: the path of another scenario file"
        )
    parent_path = beside_or_shipped(path, parent)
    allowed = f"an existing scenario file in {root} or below, or a shipped scenario ({', '.join(shipped_scenarios())})"
    if not (parent_path.is_relative_to(root) or parent_path.is_relative_to(SHIPPED)):
        raise ConfigError(
            f"{path}: key '{EXTENDS}' = {parent!r} points outside the scenario's folder; allowed: {allowed}"
        )
    if not parent_path.is_file():
        raise ConfigError(
            f"{path}: key '{EXTENDS}' = {parent!r}: no such file ({parent_path}); allowed: {allowed}"
        )
    return parent_path


def beside_or_shipped(path: Path, name: str) -> Path:
    """``name`` relative to the file ``path`` that names it, else a shipped scenario's name."""
    beside = (path.parent / name).resolve()
    if beside.is_file() or len(Path(name).parts) != 1:
        return beside
    stem = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
    shipped = SHIPPED / stem
    return shipped if shipped.is_file() else beside


def _refuse_non_scenario(path: Path, data: dict[str, Any], named_by: str = "") -> None:
    """A mapping none of whose keys is (or nearly is) a scenario key: never quote it."""
    known = [*Scenario.model_fields, EXTENDS]

    def like_a_key(key: Any) -> bool:
        return isinstance(key, str) and bool(difflib.get_close_matches(key, known, n=1))

    if data and not any(like_a_key(k) for k in data):
        raise ConfigError(
            f"{named_by}{path}: not a scenario (none of its {len(data)} top-level keys is a scenario key); allowed: a YAML scenario file (see docs/parameters.md)"
        )


def _leave_out_late_events(data: dict[str, Any], end: Any) -> list[dict[str, Any]]:
    """Drop from ``data`` the campaign events after a new ``calendar.end``; return them.

    Only a later layer's end (a ``--set``, or a file extending another) does this: one file
    that lists an event after its own end still contradicts itself, and is an error.
    """
    end_date = _as_date(end)
    campaign = data.get("campaign")
    if end_date is None or not isinstance(campaign, dict):
        return []
    events = campaign.get("events")
    if not isinstance(events, list):
        return []
    kept, dropped = [], []
    for event in events:
        date = _as_date(event.get("date")) if isinstance(event, dict) else None
        (dropped if date is not None and date > end_date else kept).append(event)
    if dropped:
        campaign["events"] = kept
    return [
        {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in e.items()} for e in dropped
    ]


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


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
_SHORT = reprlib.Repr(maxstring=SHOWN_MAX_CHARS, maxother=SHOWN_MAX_CHARS, maxlevel=3)


def _shown(err: dict[str, Any]) -> str:
    """`` = value`` as the user wrote it; nothing when pydantic's input is the parent mapping."""
    if err["type"] == "missing":
        return ""
    given = err.get("input")
    text = given.isoformat() if isinstance(given, dt.date) else _SHORT.repr(given)
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
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{hint}; allowed keys here: {', '.join(names)}"
