"""The one walk over the scenario schema: groups, lists of groups and their leaf parameters.

Loading (to explain a bad key or value), sweep files (to check a swept key) and the parameter
reference (to list every key) all need to follow dotted keys through the pydantic models of
``scenarios.schema``; they do it here, so a new kind of field is taught once.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from stakhanov_sim.scenarios.schema import Scenario


def group_of(annotation: Any) -> type[BaseModel] | None:
    """The group (pydantic model) a field holds, directly or as the items of a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def is_group(annotation: Any) -> bool:
    """A group of parameters (not a list of them, not a parameter)."""
    return group_of(annotation) is not None and not is_list(annotation)


def walk(
    keys: Sequence[Any], model: type[BaseModel] = Scenario
) -> Iterator[tuple[str, FieldInfo, type[BaseModel]]]:
    """Follow ``keys`` (list indices are stepped over) through the schema.

    Yields each key's field with the model that holds it; stops at the first key that is
    not a field there, or that goes below a parameter.
    """
    current: type[BaseModel] | None = model
    for key in keys:
        if isinstance(key, int):
            continue
        if current is None or key not in current.model_fields:
            return
        field = current.model_fields[key]
        yield key, field, current
        current = group_of(field.annotation)


def holder(keys: Sequence[Any], model: type[BaseModel] = Scenario) -> type[BaseModel] | None:
    """The model whose field the last of ``keys`` names (None when the path leaves the schema)."""
    steps = [k for k in keys[:-1] if not isinstance(k, int)]
    found = list(walk(steps, model))
    if len(found) < len(steps):
        return None
    return group_of(found[-1][1].annotation) if found else model


def field_at(dotted: str, model: type[BaseModel] = Scenario) -> FieldInfo | None:
    """The field of a dotted key (``mine.sections``), or None when there is none."""
    keys = dotted.split(".")
    found = list(walk(keys, model))
    return found[-1][1] if len(found) == len(keys) else None


def value_at(scenario: BaseModel, dotted: str) -> Any:
    """The value of a dotted key (``mine.sections``) in a scenario (or any group of it)."""
    value: Any = scenario
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def leaves(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, FieldInfo]]:
    """Every leaf parameter of ``model`` with its dotted key, depth first, in schema order.

    Lists of groups (the pay bands, the policy events) give a row for the list itself and
    their items' fields under ``key[]``.
    """
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        nested = group_of(field.annotation)
        if nested is not None and not is_list(field.annotation):
            continue  # a group: its fields are listed under its section
        yield key, field
        if nested is not None:
            yield from leaves(nested, f"{key}[].")
