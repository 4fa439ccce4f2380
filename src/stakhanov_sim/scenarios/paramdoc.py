"""The parameter reference, ``docs/parameters.md``, generated from the scenario schema.

Every parameter's meaning, unit, source and allowed range live once, next to its default in
``stakhanov_sim.scenarios.schema``; this module turns that schema into the Markdown table readers
see, so the documentation can never drift from the code. ``tests/test_docs.py`` fails when
the committed file differs from a fresh generation. Regenerate with::

    python -m stakhanov_sim.scenarios.paramdoc > docs/parameters.md
"""

from __future__ import annotations

import datetime as dt
import sys
import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from stakhanov_sim.scenarios import fields
from stakhanov_sim.scenarios.schema import Scenario

REGENERATE = "python -m stakhanov_sim.scenarios.paramdoc > docs/parameters.md"
BOUND_SYMBOLS = (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))
INTRO = f"""# Parameters

Generated from the scenario schema (`src/stakhanov_sim/scenarios/schema.py`) by
`{REGENERATE}`: do not edit by hand. Every key can be set in a
scenario YAML file (nested as in `configs/history_1935_37.yaml`) or on the command line with
`--set key=value`. Sources are short references (Siegelbaum 1988, Kuromiya 1998, Roy 1952,
...) listed in full in `docs/sources.md`; "assumption" marks values the sources are silent on.
"""
HEADER = "| Key | Meaning | Unit | Default | Allowed | Source |\n|---|---|---|---|---|---|"


def allowed_range(field: FieldInfo) -> str:
    """The bounds of a field (``>= 0 and <= 1``), its choices, or its type."""
    bounds = [
        f"{symbol} {_format(getattr(meta, name))}"
        for meta in field.metadata
        for name, symbol in BOUND_SYMBOLS
        if getattr(meta, name, None) is not None
    ]
    if bounds:
        return " and ".join(bounds)
    annotation = field.annotation
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(f"`{c}`" for c in typing.get_args(annotation))
    return _type_name(annotation)


def _type_name(annotation: Any) -> str:
    if annotation is bool:
        return "`true` or `false`"
    if annotation is dt.date:
        return "ISO date (YYYY-MM-DD)"
    if fields.is_list(annotation):
        (item,) = typing.get_args(annotation) or (Any,)
        nested = fields.group_of(item)
        inner = "items with the `[].` keys below" if nested else getattr(item, "__name__", item)
        return f"list of {inner}"
    if isinstance(annotation, types.UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(annotation))
    return getattr(annotation, "__name__", str(annotation))


def _format(value: Any) -> str:
    """A default or bound as it would be written in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == "":
        return '""'
    if isinstance(value, BaseModel):
        return "{" + ", ".join(f"{k}: {_format(v)}" for k, v in value.model_dump().items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_format(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:_}"
    return str(value)


def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


rows = fields.leaves  # every leaf parameter with its dotted key (``scenarios.fields``)


def _row(key: str, field: FieldInfo) -> str:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    default = "required" if field.is_required() else f"`{_format(field.default)}`"
    cells = (
        f"`{key}`",
        field.description or "",
        extra.get("unit", ""),
        default,
        allowed_range(field),
        extra.get("source", ""),
    )
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def groups() -> Iterator[tuple[str, str, type[BaseModel]]]:
    """The scenario's top-level groups: title, key prefix and model (top-level keys first)."""
    yield "Scenario", "", Scenario
    for name, field in Scenario.model_fields.items():
        nested = fields.group_of(field.annotation)
        if nested is not None and not fields.is_list(field.annotation):
            yield f"`{name}`", f"{name}.", nested


def render() -> str:
    """The whole of ``docs/parameters.md``."""
    parts = [INTRO]
    for title, prefix, model in groups():
        doc = (model.__doc__ or "").strip().splitlines()
        parts.append(f"## {title}\n")
        if model is not Scenario and doc and not doc[0].startswith("A group of parameters"):
            parts.append(doc[0] + "\n")
        table = [HEADER] + [_row(k, f) for k, f in rows(model, prefix)]
        parts.append("\n".join(table) + "\n")
    return "\n".join(parts)


def main() -> int:
    """Print the parameter reference to standard output."""
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
