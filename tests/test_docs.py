"""The documentation kept true: docs/parameters.md matches the schema, the ODD names every
mechanism, the README quotes the last `make bench`."""

from __future__ import annotations

import json
from pathlib import Path

from stakhanov_sim.scenarios import paramdoc
from stakhanov_sim.scenarios.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
PARAMETERS_MD = ROOT / "docs" / "parameters.md"
ODD_MD = ROOT / "docs" / "ODD.md"
MECHANISMS = ROOT / "src" / "stakhanov_sim" / "model" / "mechanisms"


def test_parameters_md_is_fresh():
    """A changed default, range, unit or source must be regenerated into the docs."""
    committed = PARAMETERS_MD.read_text(encoding="utf-8")
    assert committed == paramdoc.render(), (
        f"{PARAMETERS_MD} is stale: regenerate it with `{paramdoc.REGENERATE}`"
    )


def test_every_parameter_is_documented_with_unit_source_and_range():
    """Each leaf of the schema gets one row carrying its meaning, unit, source and default."""
    text = paramdoc.render()
    for key, _field in paramdoc.rows(Scenario):
        row = next((line for line in text.splitlines() if line.startswith(f"| `{key}` |")), None)
        assert row is not None, f"{key} missing from docs/parameters.md"
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert len(cells) == 6, row
        assert all(cells[1:4]) and cells[5], f"{key}: meaning, unit, default or source empty"
    assert "| `records.special_conditions_multiplier` |" in text
    assert "| `pay.progressive[].multiplier` |" in text
    assert "| `campaign.events[].kind` |" in text


def test_ranges_come_from_the_schema():
    """The allowed range printed is the one validation enforces."""
    field = Scenario.model_fields["mine"].annotation.model_fields["sections"]
    assert paramdoc.allowed_range(field) == ">= 1 and <= 100_000"
    kinds = paramdoc.allowed_range(Scenario.model_fields["norms"].annotation.model_fields["rule"])
    assert kinds == "one of `midpoint`, `fixed`"


def test_odd_has_the_seven_elements_in_order_and_names_every_mechanism():
    """ODD (Grimm et al. 2020): seven elements in their order; each submodel names its module."""
    text = ODD_MD.read_text(encoding="utf-8")
    elements = [
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialization",
        "Input data",
        "Submodels",
    ]
    positions = [text.find(f"## {i}. {name}") for i, name in enumerate(elements, start=1)]
    assert all(p >= 0 for p in positions), dict(zip(elements, positions, strict=True))
    assert positions == sorted(positions)
    submodels = text[positions[-1] :]
    modules = sorted(MECHANISMS.glob("*.py"))
    assert len(modules) > 5, MECHANISMS
    for module in modules:
        if module.name != "__init__.py":
            assert f"mechanisms/{module.name}" in submodels, f"ODD lacks {module.name}"


def performance_sentence(measured: dict) -> str:
    """What the README says of speed, from ``make bench``'s last results (``results.json``)."""
    sizes = sorted(measured["sizes"], key=lambda row: row["miners"])
    ten_k = min(sizes, key=lambda row: abs(row["miners"] - 10_000))
    million = sizes[-1]
    pool = max((row for row in measured["throughput"]
                if row["executor"] == "pool" and row["workers"] == 2),
               key=lambda row: row["runs_per_s"])  # fmt: skip
    (reference,) = [row for row in measured["throughput"] if row["executor"] == "agents"]
    cpu = sorted(measured["default"]["cpu_s"])[len(measured["default"]["cpu_s"]) // 2]
    basin = measured["basin"]
    fresh = measured["fresh"]
    return (
        f"a worker-shift costs {ten_k['model_us']:.3f} µs at {ten_k['miners']:,} miners and "
        f"{million['model_us']:.3f} µs at {million['miners']:,} ({ten_k['ratio']:.2f}x and "
        f"{million['ratio']:.2f}x Mesa's own loop over as many empty agents); the default "
        f"scenario takes {cpu:.2f} s of CPU and the basin {basin['cpu_s'][0]:.1f} s and "
        f"{basin['peak_rss_mb']:.0f} MB; 200 default runs on 2 workers, in batches of "
        f"{pool['batch']}, run at {pool['runs_per_s']:.1f} a second, "
        f"{pool['runs_per_s'] / reference['runs_per_s']:.1f}x the process pool's path before "
        f"batches ({reference['runs_per_s']:.1f} a second). From a fresh `.venv` to the first "
        f"results took {fresh['total_s']:.0f} s, {fresh['steps_s']['install']:.0f} of them "
        f"installing"
    )


def test_the_readmes_speed_is_the_last_make_bench():
    """The README's numbers on speed are those of ``benchmarks/results.json`` (after a new
    ``make bench``, copy the sentence this test prints into the README)."""
    measured = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    sentence = performance_sentence(measured)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert sentence in readme, f"README.md should say: {sentence}"
