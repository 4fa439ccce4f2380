"""The sweep file: which levers to vary, over what ranges, how often, and what to measure.

A sweep is checked whole before a single run starts: the file's keys, every parameter's
range, and every point's scenario. A typo found after an hour of computing wastes the hour,
so every problem becomes one ``ConfigError`` naming the file, the key, the value and what
is allowed.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from stakhanov_sim.experiments.outcomes import OUTCOMES
from stakhanov_sim.scenarios import fields
from stakhanov_sim.scenarios.loading import (
    SHIPPED,
    ConfigError,
    beside_or_shipped,
    load_scenario,
    read_yaml_mapping,
)
from stakhanov_sim.scenarios.schema import Scenario

Design = Literal["grid", "lhs", "sobol", "morris"]
SAMPLED = ("lhs", "sobol", "morris")  # designs that draw `samples` points (or trajectories)
SALIB_DESIGNS = ("sobol", "morris")  # designs SALib draws; they need {low, high} ranges
Scalar = bool | int | float | str


class Strict(BaseModel):
    """Unknown keys are errors, so a misspelt key never passes silently."""

    model_config = ConfigDict(extra="forbid")


class Parameter(Strict):
    """One lever to vary: a range ``{low, high}`` (``levels`` for a grid) or ``{values}``."""

    low: float | None = None
    high: float | None = None
    levels: int | None = Field(None, ge=2, le=1000)
    values: list[Scalar] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _range_or_values(self) -> Parameter:
        has_range = self.low is not None or self.high is not None
        if has_range == (self.values is not None):
            raise ValueError("give either {low, high} or {values: [...]}, not both or neither")
        if has_range:
            if self.low is None or self.high is None:
                raise ValueError("a range needs both 'low' and 'high'")
            if not self.low < self.high:
                raise ValueError(f"low = {self.low} is not below high = {self.high}")
        elif self.levels is not None:
            raise ValueError("'levels' applies to {low, high} ranges only")
        elif len({_kind(v) for v in self.values}) > 1:
            raise ValueError("values must all be numbers, all true/false, or all text")
        return self

    @property
    def is_range(self) -> bool:
        """True for a continuous ``{low, high}`` range."""
        return self.values is None


def _kind(value: Scalar) -> str:
    if isinstance(value, bool):
        return "switch"
    return "text" if isinstance(value, str) else "number"


class SweepSpec(Strict):
    """A sweep file as written (paths still relative to the file)."""

    base: str = Field(..., description="scenario file the sweep varies, relative to the sweep")
    description: str = ""
    overrides: dict[str, Any] = Field(default_factory=dict)
    parameters: dict[str, Parameter] = Field(..., min_length=1)
    design: Design
    samples: int | None = Field(None, ge=1, le=1_000_000)
    replicates: int = Field(1, ge=1, le=10_000)
    seed: int | None = Field(None, ge=0)
    outcomes: list[Literal[tuple(OUTCOMES)]] = Field(..., min_length=1)  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _design_fits(self) -> SweepSpec:
        if self.design in SAMPLED and self.samples is None:
            raise ValueError(f"design '{self.design}' needs 'samples: N'")
        if self.design == "grid" and self.samples is not None:
            raise ValueError("'samples' applies to lhs, sobol and morris designs, not grid")
        if self.design == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"sobol needs 'samples' a power of 2 (e.g. 64), got {self.samples}")
        for key, p in self.parameters.items():
            if self.design in SALIB_DESIGNS and not p.is_range:
                raise ValueError(f"parameter '{key}': design '{self.design}' needs {{low, high}}")
            if self.design == "grid" and p.is_range and p.levels is None:
                raise ValueError(f"parameter '{key}': a range in a grid needs 'levels: N'")
        return self


def read_spec(path: str | os.PathLike, design: Design | None = None) -> SweepSpec:
    """Read and check a sweep file; ``design`` replaces the file's design (sensitivity).

    Raises:
        ConfigError: naming the file, the key, the value and what is allowed.
    """
    path = Path(path)
    data = read_yaml_mapping(path, kind="sweep")
    if data and not any(isinstance(k, str) and k in SweepSpec.model_fields for k in data):
        raise ConfigError(  # never quote a file that is not a sweep
            f"{path}: not a sweep (none of its {len(data)} top-level keys is a sweep key); allowed: a YAML sweep file with keys {', '.join(SweepSpec.model_fields)}"
        )
    if design is not None:
        data = {**data, "design": design}
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, path)) from None
    for key in (*spec.parameters, *spec.overrides):
        check_key(key, path)
    return spec


def base_scenario(spec: SweepSpec, path: Path) -> Scenario:
    """The base scenario with the sweep's fixed overrides applied."""
    base = beside_or_shipped(path, spec.base)
    root = path.resolve().parent
    if not (base.is_relative_to(root) or base.is_relative_to(SHIPPED)):
        raise ConfigError(
            f"{path}: key 'base' = {spec.base!r} points outside the sweep file's folder; allowed: a scenario file in {root} or below, or a shipped scenario"
        )
    if not base.is_file():
        raise ConfigError(
            f"{path}: key 'base' = {spec.base!r}: no such file ({base}); allowed: a scenario file, relative to the sweep file, or a shipped scenario's name"
        )
    try:
        return load_scenario(base, spec.overrides)
    except ConfigError as exc:
        raise ConfigError(
            f"{path}: 'base' with 'overrides' is not a valid scenario:\n{exc}"
        ) from None


def check_key(dotted: str, path: Path) -> None:
    """Refuse a dotted key that is not a single parameter of the ``Scenario`` schema."""
    parts = dotted.split(".")
    found = list(fields.walk(parts))
    for depth, (part, field, _) in enumerate(found):
        group = fields.is_group(field.annotation)
        if depth < len(parts) - 1 and not group:
            raise ConfigError(f"{path}: key '{dotted}': '{part}' is a parameter, not a group")
        if depth == len(parts) - 1 and group:
            first = next(iter(fields.group_of(field.annotation).model_fields))
            raise ConfigError(
                f"{path}: key '{dotted}' is a group of parameters; allowed: one of its keys, e.g. '{dotted}.{first}'"
            )
    if len(found) < len(parts):
        depth = len(found)
        model = fields.group_of(found[-1][1].annotation) if found else Scenario
        names = list(model.model_fields)
        close = difflib.get_close_matches(parts[depth], names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        where = ".".join(parts[:depth]) or "the top level"
        raise ConfigError(
            f"{path}: key '{dotted}': '{parts[depth]}' is not a parameter of {where}{hint}; allowed: {', '.join(names)}"
        )


def is_integer(dotted: str) -> bool:
    """True when the scenario parameter takes whole numbers (sampled values are rounded)."""
    field = fields.field_at(dotted)
    return field is not None and field.annotation is int


def _explain(exc: ValidationError, path: Path) -> str:
    """One line per problem: file, dotted key, value given, what is allowed."""
    lines = [f"{path}: invalid sweep"]
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        given = err.get("input")
        shown = "" if isinstance(given, dict) else f" = {given!r}"
        if err["type"] == "extra_forbidden":
            lines.append(f"  key '{loc}': unknown key; allowed: {_allowed_keys(err['loc'])}")
        elif err["type"] == "missing":
            lines.append(f"  key '{loc}': missing; required")
        else:
            message = err["msg"].removeprefix("Value error, ")
            lines.append(f"  key '{loc}'{shown}: {message}{_allowed(err)}")
    return "\n".join(lines)


def _allowed_keys(loc: tuple[Any, ...]) -> str:
    model = Parameter if len(loc) == 3 and loc[0] == "parameters" else SweepSpec
    return ", ".join(model.model_fields)


def _allowed(err: dict[str, Any]) -> str:
    """The allowed choices of a literal; bounds are already in pydantic's message."""
    ctx = err.get("ctx") or {}
    return f"; allowed: {ctx['expected']}" if "expected" in ctx else ""
