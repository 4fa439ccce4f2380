"""Write the reference tables that ``tests/test_collection.py`` compares runs against.

The model, agent and event tables of one default-size run (``history_1935_37``, 380 miners)
over a short calendar (to 30 June 1936), written as Parquet next to this file. They pin the
results bit for bit, so a change meant only to make the model faster cannot change them.
When a change to the model is *meant* to change results, rerun this script and commit the
new tables with it:

    .venv/bin/python tests/reference/make_reference.py
"""

from __future__ import annotations

from pathlib import Path

from stakhanov_sim import MineModel, load_scenario

HERE = Path(__file__).resolve().parent
CONFIG = HERE.parents[1] / "configs" / "history_1935_37.yaml"
END = "1936-06-30"


def reference_scenario():
    """The shipped historical scenario at its own size, cut off at ``END``."""
    events = [
        e.model_dump(mode="json")
        for e in load_scenario(CONFIG).campaign.events
        if e.date.isoformat() <= END
    ]
    return load_scenario(CONFIG, {"calendar.end": END, "campaign.events": events})


def run_reference():
    """The reference run's three tables, stepped by hand as the app and notebooks do."""
    model = MineModel(reference_scenario())
    while model.running:
        model.step()
    return model.results()


def main() -> None:
    results = run_reference()
    for name in ("model", "agents", "events"):
        getattr(results, name).to_parquet(HERE / f"{name}.parquet", index=False, compression="zstd")
        print(f"{name}: {len(getattr(results, name))} rows")


if __name__ == "__main__":
    main()
