"""The classroom app: levers from the scenario, runs that end cleanly, the gate, the picture."""

from __future__ import annotations

import asyncio
import datetime as dt

import numpy as np
import pytest

from stakhanov_sim import MineModel, load_scenario
from stakhanov_sim.app.charts import difference_rows, mine_charts, what_if_charts
from stakhanov_sim.app.launch import COOKIE, ClassroomGate, is_loopback
from stakhanov_sim.app.levers import (
    DEFAULT_PRESET,
    NO_REVISION,
    Levers,
    classroom_scenario,
    live_presets,
    too_big,
)
from stakhanov_sim.app.picture import (
    ORDINARY,
    SANCTIONED,
    SPECIAL,
    STAKHANOVITE,
    VACANT,
    chronicle,
    face_states,
    mine_svg,
    routine_summary,
    shift_caption,
)
from stakhanov_sim.app.session import Run
from stakhanov_sim.scenarios.loading import shipped_scenarios


def _with(levers: Levers, **change) -> Levers:
    return Levers(**{**vars(levers), **change})


def test_live_presets_leave_out_only_the_scenarios_too_big_to_draw():
    offered = set(live_presets())
    assert DEFAULT_PRESET in offered and "harsh_scapegoating" in offered
    left_out = set(shipped_scenarios()) - offered
    assert left_out == {"donbas_basin"}
    assert "304,000 miners" in too_big(load_scenario("donbas_basin"))
    assert too_big(load_scenario(DEFAULT_PRESET)) is None


@pytest.mark.parametrize("name", sorted(live_presets()))
def test_untouched_levers_give_back_the_scenario(name):
    scenario = load_scenario(name)
    assert classroom_scenario(name, Levers.of(scenario)) == scenario


def test_levers_start_where_the_scenario_sets_them():
    harsh = Levers.of(load_scenario("harsh_scapegoating"))
    assert harsh.scapegoating_rate == 0.9
    plain = Levers.of(load_scenario("no_special_conditions"))
    assert not plain.special_conditions and plain.special_conditions_multiplier == 1.0
    assert not Levers.of(load_scenario("flat_pay")).progressive_pay
    assert harsh.changed(Levers.of(load_scenario(DEFAULT_PRESET))) == ["scapegoating_rate"]


def test_moved_levers_change_the_scenario():
    base = load_scenario(DEFAULT_PRESET)
    levers = _with(
        Levers.of(base),
        campaign_intensity=2.0,
        special_conditions=False,
        supply_level=0.8,
        norm_revision_date="1 Jun 1936",
        progressive_pay=False,
        sanction_threshold=0.2,
        scapegoating_rate=1.5,
    )
    s = classroom_scenario(DEFAULT_PRESET, levers)
    pushed = [e for e in s.campaign.events if e.kind in ("campaign", "conference", "burst")]
    original = [e for e in base.campaign.events if e.kind in ("campaign", "conference", "burst")]
    assert [e.intensity for e in pushed] == pytest.approx([2 * e.intensity for e in original])
    assert [e.date.isoformat() for e in s.campaign.events if e.kind == "norm_revision"] == [
        "1936-06-01"
    ]
    assert s.records.special_conditions_cap == 0 and s.records.special_conditions_multiplier == 1
    assert s.supply.timber_per_shift == pytest.approx(0.8 * base.supply.timber_per_shift)
    assert s.pay.progressive == []
    assert s.social.sanction_threshold == 0.2 and s.management.scapegoating_rate == 1.5
    cancelled = classroom_scenario(DEFAULT_PRESET, _with(Levers.of(base), norm_revision_date=NO_REVISION))  # fmt: skip
    assert not [e for e in cancelled.campaign.events if e.kind == "norm_revision"]


def test_special_conditions_switched_back_on():
    plain = load_scenario("no_special_conditions")
    s = classroom_scenario("no_special_conditions", _with(Levers.of(plain), special_conditions=True, special_conditions_multiplier=6.0))  # fmt: skip
    assert s.records.special_conditions_cap > 0 and s.records.special_conditions_multiplier == 6.0


def test_step_after_the_last_shift_is_harmless():
    model = MineModel(load_scenario(DEFAULT_PRESET))
    while model.running:
        model.step()
    table = model.datacollector.get_model_vars_dataframe()
    events = len(model.events.rows)
    for _ in range(3):
        model.step()
    assert not model.running and model.shift == model.n_shifts - 1
    assert model.datacollector.get_model_vars_dataframe().equals(table)
    assert len(model.events.rows) == events


def test_a_run_ends_at_its_last_shift_at_any_render_interval():
    run = Run.build(DEFAULT_PRESET, Levers.of(load_scenario(DEFAULT_PRESET)))
    worked = [run.step(100) for _ in range(8)]
    assert worked == [100] * 7 + [29] and run.finished
    assert run.worked == run.mine.n_shifts == 729
    assert run.step(100) == 0 and run.worked == 729
    assert shift_caption(run.mine) == "shift 729 of 729, 31 Dec 1937; the run is over"
    assert all(c["series"] for c in mine_charts(run.mine, run.labels, run.marks))


def test_what_if_runs_both_versions_in_lockstep_on_one_seed():
    own = Levers.of(load_scenario(DEFAULT_PRESET))
    assert Run.build(DEFAULT_PRESET, own).as_is is None  # nothing moved: one model
    run = Run.build(DEFAULT_PRESET, _with(own, supply_level=0.6))
    assert run.moved == ["supply_level"] and run.as_is is not None
    assert run.as_is.config.seed == run.mine.config.seed
    run.step(120)
    assert len(run.as_is.datacollector.model_vars["shift"]) == run.worked == 120
    rows = {what: (a, b, d) for what, a, b, d in difference_rows(run.as_is, run.mine)}
    a, b, d = (float(x.replace(",", "")) for x in rows["coal cut (t)"])
    assert d == pytest.approx(b - a, abs=0.2) and d < 0  # a fifth less timber: less coal
    charts = what_if_charts(run.as_is, run.mine, run.labels, run.marks)
    assert len(charts) == 6 and len(charts[0]["series"]) == 2


def test_mine_picture_shows_each_hewer_state():
    model = MineModel(classroom_scenario(DEFAULT_PRESET, Levers(campaign_intensity=2.0)))
    for _ in range(60):
        model.step()
    w = model.workforce
    states = face_states(model)
    assert states.shape == (w.sections, w.hewers)
    employed = w.by_section(w.employed)
    assert np.array_equal(states == VACANT, ~employed)
    assert np.array_equal(
        states == SPECIAL, w.by_section(w.special) & employed & (states != SANCTIONED)
    )
    assert (states == STAKHANOVITE).sum() + (states == SPECIAL).sum() > 0
    assert (states == ORDINARY).sum() > 0
    assert mine_svg(model).count("<rect") == states.size


def test_chronicle_lists_what_matters_and_counts_the_routine():
    dates = [dt.date(1935, 9, d) for d in range(1, 20)]
    rows = [
        (3, "policy", -1, -1, "Press campaign"),
        (10, "record", 45, -1, "cut 102 t, 14.6 norms, 2 timbermen"),
        (11, "title", 45, -1, "Stakhanovite title"),
        (11, "quit", 46, -1, "left"),
        (12, "sanction", 7, 45, "verbal abuse"),
        (12, "sanction", 8, 45, "verbal abuse"),
        (13, "accusation", -1, 3, "foreman accused of sabotage; plan missed by 4%"),
    ]
    lines = chronicle(rows, dates)
    assert [date for date, _, _ in lines] == ["14 Sep 1935", "13 Sep 1935", "11 Sep 1935", "4 Sep 1935"]  # fmt: skip
    assert lines[0][1] == "Foreman accused of sabotage; plan missed by 4% (no. 3)"
    assert lines[1][1] == "2 sanctions against rate-busters (verbal abuse, ...)"
    assert lines[2][1] == "Record: hewer 45 cut 102 t, 14.6 norms, 2 timbermen"
    assert lines[3][1] == "Policy: Press campaign"
    assert len(chronicle(rows, dates, length=2)) == 2
    assert routine_summary({"quit": 3, "title": 1}) == "So far: 3 miners left the mine, 1 new Stakhanovite"  # fmt: skip


# ------------------------------------------------------------------ the gate
def _call(gate: ClassroomGate, kind: str, path_query: str = "", headers=()) -> tuple[int, list]:
    """Send one request through the gate; returns (status or close code, headers sent)."""
    sent: list[dict] = []
    scope = {"type": kind, "query_string": path_query.encode(),
             "headers": [(k.encode(), v.encode()) for k, v in headers]}  # fmt: skip

    async def receive():
        return {}

    async def send(message):
        sent.append(message)

    asyncio.run(gate(scope, receive, send))
    first = sent[0]
    if first["type"] == "websocket.close":
        return first["code"], []
    if first["type"] == "websocket.accept":
        return 101, []
    return first["status"], first.get("headers", [])


def test_gate_needs_the_join_token_off_loopback():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})

    gate = ClassroomGate(app, "s3cret")
    host = [("host", "10.0.0.5:8765")]
    assert _call(gate, "http", "", host)[0] == 403
    assert _call(gate, "http", "token=wrong", host)[0] == 403
    status, headers = _call(gate, "http", "token=s3cret", host)
    assert status == 200 and any(v.startswith(f"{COOKIE}=s3cret".encode()) for _, v in headers)
    assert _call(gate, "http", "", [*host, ("cookie", f"{COOKIE}=s3cret")])[0] == 200
    open_gate = ClassroomGate(app, None)
    assert _call(open_gate, "http", "", host)[0] == 200
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and not is_loopback("0.0.0.0")


def test_gate_refuses_websockets_from_foreign_origins():
    gate = ClassroomGate(None, None)
    gate.app = _accepting
    here = [("host", "127.0.0.1:8765")]
    assert _call(gate, "websocket", "", [*here, ("origin", "http://127.0.0.1:8765")])[0] == 101
    assert _call(gate, "websocket", "", [*here, ("origin", "http://evil.example")])[0] == 1008


async def _accepting(scope, receive, send):
    await send({"type": "websocket.accept"})


def test_the_feed_names_accidents_arrests_and_supervisors_abuse():
    """The history's new events stand out in the chronicle, each in words a class can read."""
    from stakhanov_sim.app.picture import BOLD_EVENTS, HIGHLIGHTS, describe

    assert "killed" in describe("fatal accident", [7], [-1], "killed at the face")
    assert "2 miners" in describe("arrest", [7, 9], [-1, -1], "arrested (Order 00447)")
    abuse = describe("sanction", [-1], [12], "abuse by lower supervisors")
    assert abuse.startswith("Lower supervisors turned on Stakhanovite hewer 12")
    assert {"fatal accident", "arrest"} <= BOLD_EVENTS & set(HIGHLIGHTS)
