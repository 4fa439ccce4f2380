"""Resentment and sanctions (``model.mechanisms.social``): grievances worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from handmade import streams_of, tiny_mine
from stakhanov_sim.model import network, runs
from stakhanov_sim.model.mechanisms import social
from stakhanov_sim.model.observation import EventLog

GAINS = {
    "deprivation_gain": 0.1, "privilege_gain": 0.02, "support_loss_gain": 0.04,
    "failure_gain": 0.03, "norm_raise_gain": 0.5, "contagion": 0.0, "decay": 0.0,
}  # fmt: skip


def test_grievances_of_one_shift():
    """Two hewers in a section (norm 7 t at 3 rubles: 21 rubles a norm) and one timberman.

    Hewer 0 is a Stakhanovite earning 60; hewer 1 earns 20, got half his supplies with full
    support, and missed his norm; the section saw one new title, and norms rose 30% before
    the shift. Hewer 1: deprivation (60 - 20) / 21 capped at 1, a title, half his supplies
    lost, a failed norm and the raise; the Stakhanovite only the raise; the timberman (paid
    20) deprivation and title and the raise.
    """
    scenario, w, sections = tiny_mine(
        mine={"sections": 1, "hewers_per_section": 2, "timbermen_per_hewer": 0.5,
              "haulers_per_hewer": 0.0, "within_section_links": 0, "cross_section_links": 0},
        norms={"initial_norm_tons": 7.0}, pay={"base_rate_rubles_per_ton": 3.0}, social=GAINS,
    )  # fmt: skip
    w.stakhanovite[0] = True
    w.wage_rubles[:] = [60.0, 20.0, 20.0]
    w.support[:2] = 1.0
    w.fulfilment[:2] = [3.0, 0.8]
    links = network.build(w, runs.of(w, 1, 1), 0, 0, streams_of(w))
    supply_factor = np.array([[1.0, 0.5]])
    new_titles = np.array([1])
    social.update_resentment(
        w, sections, links, supply_factor, new_titles, np.array([0.3]), social.params(scenario)
    )
    raise_ = 0.3 * 0.5
    hewer = 0.1 * 1.0 + 0.02 * 1 + 0.04 * 0.5 + 0.03 + raise_
    timberman = 0.1 * 1.0 + 0.02 + raise_  # his gap (60 - 20) / 21 is capped at 1 too
    np.testing.assert_allclose(w.resentment, [raise_, hewer, timberman])


def test_resentment_spreads_toward_workmates_and_fades():
    """Contagion closes 10% of the gap to the workmates' mean; then 5% fades."""
    scenario, w, sections = tiny_mine(
        mine={"sections": 1, "hewers_per_section": 2, "timbermen_per_hewer": 0.0,
              "haulers_per_hewer": 0.0, "within_section_links": 1, "cross_section_links": 0},
        social={**{k: 0.0 for k in GAINS}, "contagion": 0.1, "decay": 0.05},
    )  # fmt: skip
    links = network.Network(np.array([0]), np.array([1]), 2)  # the two are workmates
    w.resentment[:] = [0.8, 0.2]
    social.update_resentment(
        w, sections, links, np.ones((1, 2)), np.zeros(1, dtype=np.int64), np.zeros(1),
        social.params(scenario),
    )  # fmt: skip
    expected = [(0.8 + 0.1 * (0.2 - 0.8)) * 0.95, (0.2 + 0.1 * (0.8 - 0.2)) * 0.95]
    np.testing.assert_allclose(w.resentment, expected)


def test_an_angry_miner_sanctions_a_rate_buster_of_his_section():
    """Full resentment, threshold 0.5, full rate: certain; the only rate-buster is hewer 0."""
    scenario, w, _ = tiny_mine(
        mine={"sections": 1, "hewers_per_section": 3, "timbermen_per_hewer": 0.0,
              "haulers_per_hewer": 0.0},
        social={"sanction_threshold": 0.5, "sanction_rate": 1.0, "rate_buster_fulfilment": 2.0,
                "violence_share": 0.0, "harm_per_sanction": 0.2, "harm_recovery": 0.0},
        records={"fear_after_sanction": 0.5},
    )  # fmt: skip
    w.stakhanovite[0] = True
    w.resentment[:] = [0.0, 1.0, 0.1]
    w.eager[:] = 0.6
    log = EventLog()
    done = social.sanction(streams_of(w, 5), w, social.params(scenario), log)
    assert (done.count.tolist(), done.on_stakhanovites.tolist()) == ([1], [1])
    assert w.harm[0] == pytest.approx(0.2) and w.eager[0] == pytest.approx(0.3)
    assert w.sanctioned[0] and w.times_abused[0] == 1
    assert [row[1] for row in log.rows] == ["sanction"]
