"""Results of one or many runs: the model table, the agent table and the event log.

The three tables and the manifest are the contract the CLI, notebooks, app and tests rely
on (docs/ODD.md, "Observation"). Files are written to a temporary name and renamed, so a run
stopped half way never leaves a half-written file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from stakhanov_sim.experiments.memory import small_pages

MODEL_COLUMNS = [
    "replicate", "shift", "date", "output_tons", "plan_tons", "norm_tons",
    "share_meeting_norm", "n_stakhanovites", "share_stakhanovites", "max_fulfilment",
    "records_set", "mean_wage_rubles", "wage_gini", "mean_wage_stakhanovite",
    "mean_wage_other", "mean_resentment", "sanctions", "supply_shortfall",
    "equipment_downtime", "sabotage_acts", "accusations", "staff_replaced", "quits",
    # second edition (docs/ODD.md, "Outputs"): the rise and the fall, and blame by its source
    "share_new_methods", "mean_wage_hewer", "mean_wage_ordinary_hewer", "reported_output_tons",
    "accidents", "fatal_accidents", "arrests", "accusations_from_above",
    "accusations_after_accidents", "accusations_from_below",
]  # fmt: skip
AGENT_COLUMNS = [
    "replicate", "shift", "agent_id", "kind", "trade", "section", "output_tons",
    "fulfilment", "wage_rubles", "stakhanovite", "special_conditions", "resentment",
]  # fmt: skip
EVENT_COLUMNS = ["replicate", "shift", "date", "event", "actor_id", "target_id", "detail"]
TABLES = ("model", "agents", "events")


class ResultsError(Exception):
    """A run directory that cannot be read: missing, partial or corrupted."""


@dataclass
class Results:
    """The tables of a run (or an ensemble: every table has a ``replicate`` column).

    Attributes:
        model: one row per shift and replicate (``MODEL_COLUMNS``).
        agents: agents' state sampled every few shifts (``AGENT_COLUMNS``).
        events: the event log (``EVENT_COLUMNS``).
        manifest: resolved config, seeds, versions and timings.
    """

    model: pd.DataFrame
    agents: pd.DataFrame
    events: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def replicates(self) -> int:
        """How many replicates the tables hold."""
        return int(self.model["replicate"].nunique()) if len(self.model) else 0

    @small_pages()  # (the tables' Arrow copies: 1.75-1.81 -> 1.56-1.58 s for 200 runs)
    def save(self, directory: str | os.PathLike) -> Path:
        """Write the tables as Parquet and the manifest as JSON into ``directory``."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        # The manifest goes last and an old one goes first: a directory holding a manifest
        # always holds the tables that belong to it, even if this save is killed half way.
        (out / "manifest.json").unlink(missing_ok=True)
        for name in TABLES:
            frame = getattr(self, name)
            atomic_write(out / f"{name}.parquet", lambda p, f=frame: f.to_parquet(p, index=False))
        text = json.dumps(self.manifest, indent=2, default=str)
        atomic_write(out / "manifest.json", lambda p: Path(p).write_text(text))
        return out

    @classmethod
    def load(cls, directory: str | os.PathLike) -> Results:
        """Read a run directory written by :meth:`save`.

        Raises:
            ResultsError: naming the file that is missing or unreadable.
        """
        src = Path(directory)
        if not src.is_dir():
            raise ResultsError(f"{src}: not a run directory (it does not exist)")
        tables = {}
        for name in TABLES:
            path = src / f"{name}.parquet"
            if not path.is_file():
                raise ResultsError(f"{path}: missing; the run directory is incomplete")
            try:
                tables[name] = pd.read_parquet(path)
            except Exception as exc:  # pyarrow raises several types for a bad file
                reason = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                raise ResultsError(
                    f"{path}: not a readable Parquet file ({reason}); allowed: a table written by 'stakhanov-sim run'"
                ) from None
        manifest_path = src / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text())
        except FileNotFoundError:
            raise ResultsError(
                f"{manifest_path}: missing; the run directory is incomplete"
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ResultsError(f"{manifest_path}: not valid JSON ({exc})") from None
        if not isinstance(manifest, dict):
            raise ResultsError(
                f"{manifest_path}: holds a JSON {type(manifest).__name__}; allowed: a JSON object"
            )
        for name, columns in zip(
            TABLES, (MODEL_COLUMNS, AGENT_COLUMNS, EVENT_COLUMNS), strict=True
        ):
            missing = [c for c in columns if c not in tables[name].columns]
            if missing:
                raise ResultsError(
                    f"{src / f'{name}.parquet'}: lacks columns {missing}; allowed: a table with columns {columns}"
                )
        return cls(manifest=manifest, **tables)

    @classmethod
    def concat(cls, parts: list[Results]) -> Results:
        """Join the results of several replicates (each already carrying its number). One
        part's tables are taken as they are: copying them would change nothing (an
        ensemble of one batch run in this process, 170 MB for 64 default runs)."""
        manifest = dict(parts[0].manifest) if parts else {}
        if len(parts) == 1:
            (part,) = parts
            return cls(model=part.model, agents=part.agents, events=part.events, manifest=manifest)
        return cls(
            model=pd.concat([p.model for p in parts], ignore_index=True),
            agents=pd.concat([p.agents for p in parts], ignore_index=True),
            events=pd.concat([p.events for p in parts], ignore_index=True),
            manifest=manifest,
        )


def _file_mode() -> int:
    """The mode a new file gets under the user's umask (``mkstemp`` alone gives 0600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


def atomic_write(path: Path, write) -> None:
    """Call ``write(tmp_path)`` then rename onto ``path``: readers never see half a file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
