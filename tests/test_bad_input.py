"""A catalogue of bad inputs: each ends in exit status 2 and one message for people.

A student's typo must never end in a traceback. Every case below runs the real command line
(``cli.main``) in a fresh directory and checks the project's rule for bad input: status 2,
one error (a multi-problem config lists each problem on its own indented line under one
heading), and the message names the file, the key, the value and what is allowed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from stakhanov_sim import load_scenario, run
from stakhanov_sim.cli import main

# A tiny valid scenario: two sections of six hewers for two months, one staged record.
SMALL = """\
name: small
seed: 7
mine: {sections: 2, hewers_per_section: 6}
calendar: {start: 1935-08-01, end: 1935-09-30}
campaign:
  events:
    - {date: 1935-08-31, kind: record, label: "Stakhanov's record"}
"""


@dataclass
class Case:
    """One bad input: files to lay out, the command line, and what the message must say."""

    id: str
    argv: list[str]
    expect: list[str]
    files: dict[str, str | bytes | None] = field(default_factory=dict)


def config(name: str, text: str | bytes, *expect: str) -> Case:
    """A bad config given to ``run``; the message must also name the file."""
    return Case(name, ["run", "bad.yaml"], ["bad.yaml", *expect], {"bad.yaml": text})


CONFIG_CASES = [
    # YAML syntax: line and column of the mistake.
    config(
        "yaml-unclosed-list", "mine:\n  sections: [3\n", "YAML syntax error at line 3, column 1"
    ),
    config("yaml-tab", "name: x\n\tmine: 3\n", "line 2, column 1", "'\\t'"),
    config(
        "yaml-bad-indent",
        "mine:\n  sections: 3\n hewers_per_section: 4\n",
        "YAML syntax error at line 3, column 2",
    ),
    config("yaml-unclosed-quote", 'name: "small\nseed: 3\n', "YAML syntax error at line"),
    config(
        "yaml-duplicate-key",
        "name: a\nseed: 3\nname: b\n",
        "line 3, column 1",
        "key 'name' given twice (first on line 1)",
        "allowed: each key once",
    ),
    # Unknown keys, with a did-you-mean suggestion.
    config("unknown-top-key", "nmae: small\n", "key 'nmae'", "did you mean 'name'?"),
    config(
        "unknown-nested-key",
        "mine:\n  sectons: 3\n",
        "key 'mine.sectons'",
        "did you mean 'sections'?",
    ),
    config(
        "unknown-event-key",
        "campaign:\n  events:\n    - {date: 1936-01-10, kind: campaign, intensty: 1}\n",
        "key 'campaign.events.0.intensty'",
        "did you mean 'intensity'?",
    ),
    config(
        "unknown-pay-band-key",
        "pay:\n  progressive:\n    - {above: 1.2, multipler: 1.5}\n",
        "key 'pay.progressive.0.multipler'",
        "did you mean 'multiplier'?",
    ),
    # Wrong types.
    config(
        "int-given-text",
        "mine:\n  sections: many\n",
        "key 'mine.sections' = 'many'",
        "allowed: >= 1",
    ),
    config(
        "float-given-text",
        "supply:\n  timber_per_shift: lots\n",
        "key 'supply.timber_per_shift' = 'lots'",
        "allowed: >= 0 and <= 10",
    ),
    config(
        "bool-given-text",
        "supply:\n  special_conditions_first: maybe\n",
        "key 'supply.special_conditions_first' = 'maybe'",
        "allowed: true or false",
    ),
    config("group-given-number", "mine: 3\n", "key 'mine' = 3", "allowed: a mapping with keys"),
    config(
        "events-not-a-list",
        "campaign:\n  events: {date: 1936-01-10, kind: campaign}\n",
        "key 'campaign.events'",
        "allowed: a list",
    ),
    config(
        "event-not-a-mapping",
        "campaign:\n  events:\n    - 1936-01-10\n",
        "key 'campaign.events.0' = 1936-01-10",
        "allowed: a mapping with keys date, kind",
    ),
    config(
        "event-without-date",
        "campaign:\n  events:\n    - {kind: campaign}\n",
        "key 'campaign.events.0.date'",
        "Field required",
        "YYYY-MM-DD",
    ),
    config(
        "event-kind-unknown",
        "campaign:\n  events:\n    - {date: 1936-01-10, kind: parade}\n",
        "key 'campaign.events.0.kind' = 'parade'",
        "allowed: one of 'campaign', 'record'",
    ),
    config(
        "holidays-not-a-list",
        "calendar:\n  holidays: 05-01\n",
        "key 'calendar.holidays' = '05-01'",
        "allowed: a list",
    ),
    # Out of range.
    config("negative-sections", "mine:\n  sections: -3\n", "key 'mine.sections' = -3", ">= 1"),
    config("zero-hewers", "mine:\n  hewers_per_section: 0\n", "= 0", "allowed: >= 1"),
    config(
        "share-above-one",
        "production:\n  support_weight: 1.5\n",
        "key 'production.support_weight' = 1.5",
        "allowed: >= 0 and <= 1 share of output",
    ),
    config(
        "probability-above-one",
        "records:\n  attempt_rate: 2\n",
        "key 'records.attempt_rate' = 2",
        "<= 1",
    ),
    config("negative-seed", "seed: -1\n", "key 'seed' = -1", "allowed: >= 0"),
    config(
        "rest-day-40",
        "calendar:\n  rest_days_of_month: [6, 40]\n",
        "key 'calendar.rest_days_of_month' = [6, 40]",
        "allowed: whole numbers from 1 to 31",
    ),
    # Dates.
    config(
        "impossible-date",
        "calendar:\n  start: 1935-13-45\n",
        "key 'calendar.start' = '1935-13-45'",
        "allowed: an ISO date, YYYY-MM-DD",
    ),
    config(
        "date-in-words",
        "calendar:\n  end: next tuesday\n",
        "key 'calendar.end' = 'next tuesday'",
        "YYYY-MM-DD",
    ),
    config(
        "holiday-not-month-day",
        "calendar:\n  holidays: ['13-01']\n",
        "key 'calendar.holidays' = '13-01'",
        "allowed: MM-DD",
    ),
    config(
        "end-before-start",
        "calendar:\n  start: 1936-01-01\n  end: 1935-12-31\n",
        "key 'calendar.end' = 1935-12-31",
        "allowed: a date on or after 1936-01-01",
    ),
    # Contradictions between keys.
    config(
        "more-helpers-than-timbermen",
        "mine: {hewers_per_section: 4}\nrecords: {helpers_per_record: 9}\n"
        "campaign:\n  events:\n    - {date: 1935-08-31, kind: record}\n",
        "key 'records.helpers_per_record' = 9",
        "allowed: at most 2",
    ),
    config(
        "event-outside-calendar",
        "calendar: {end: 1936-06-30}\ncampaign:\n  events:\n    - {date: 1937-03-05, kind: scapegoating}\n",
        "key 'campaign.events.0.date' = 1937-03-05",
        "allowed: a date from calendar.start 1935-08-01 to calendar.end 1936-06-30",
    ),
    config(
        "event-before-calendar",
        "campaign:\n  events:\n    - {date: 1934-12-01, kind: campaign}\n",
        "key 'campaign.events.0.date' = 1934-12-01",
        "outside the calendar",
    ),
    config(
        "pay-bands-not-rising",
        "pay:\n  progressive:\n    - {above: 1.2, multiplier: 1.5}\n    - {above: 1.1, multiplier: 2}\n",
        "key 'pay.progressive'",
        "[1.2, 1.1]",
        "allowed: each band's 'above' greater than the one before",
    ),
    config(
        "burst-of-zero-shifts",
        "campaign:\n  events:\n    - {date: 1936-01-10, kind: burst, shifts: 0}\n",
        "'campaign.events.0'",
        "key 'shifts' = 0",
        "allowed: at least 1 shift",
    ),
    config(
        "burst-of-negative-shifts",
        "campaign:\n  events:\n    - {date: 1936-01-10, kind: burst, shifts: -3}\n",
        "key 'campaign.events.0.shifts' = -3",
        "allowed: >= 0",
    ),
    # extends:
    Case(
        "extends-cycle",
        ["run", "a.yaml"],
        ["b.yaml", "key 'extends' = 'a.yaml'", "makes a cycle", "allowed: a chain that ends"],
        {"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"},
    ),
    config("extends-itself", "extends: bad.yaml\n", "key 'extends' = 'bad.yaml'", "cycle"),
    config(
        "extends-missing-parent",
        "extends: nowhere.yaml\n",
        "key 'extends' = 'nowhere.yaml'",
        "no such file",
        "allowed: an existing scenario file",
    ),
    config(
        "extends-not-text",
        "extends: [a.yaml, b.yaml]\n",
        "key 'extends' = ['a.yaml', 'b.yaml']",
        "allowed: the path of another scenario file",
    ),
    Case(
        "bad-value-in-parent",
        ["run", "child.yaml"],
        ["child.yaml", "key 'mine.sections' = 0"],
        {"parent.yaml": "mine: {sections: 0}\n", "child.yaml": "extends: parent.yaml\n"},
    ),
    # Files that are not scenarios at all.
    config("empty-file", "", "the file is empty", "allowed: a mapping of scenario keys"),
    config("only-comments", "# nothing here yet\n", "the file is empty"),
    config("top-level-list", "- mine\n- calendar\n", "top level is a list", "allowed: a mapping"),
    config("top-level-text", "just some words\n", "top level is a str", "allowed: a mapping"),
    config("binary-file", bytes(range(128, 256)) * 4, "not a text file", "allowed: a YAML"),
    config("nul-bytes", b"name: x\x00\x01\n", "a binary file", "allowed: a YAML scenario file"),
    Case(
        "directory-as-config",
        ["run", "configs"],
        ["configs", "is a directory", "allowed: a YAML scenario file"],
        {"configs": None},
    ),
    Case("missing-config", ["run", "nowhere.yaml"], ["nowhere.yaml", "no such scenario file"]),
]


def _alias_bomb(levels: int = 10, fan: int = 9) -> str:
    """A few lines of YAML whose aliases expand to fan**levels values (a 'billion laughs')."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * fan) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]")
    return "\n".join([*lines, f"mine: {{sections: *a{levels - 1}}}"]) + "\n"


ALL_DAYS = [f"{d:%m-%d}" for d in pd.date_range("2000-01-01", "2000-12-31")]  # 29 Feb too
SECRET = "root:x:0:0:root:/root:/bin/bash"  # what a system password file's lines look like

# Limits before work, confinement of extends:, and tracebacks that became messages (issue 16).
HOSTILE_CASES = [
    config("alias-bomb", _alias_bomb(), "aliases (*name) expand to more than 100,000 values"),
    config("alias-bomb-small-fan", _alias_bomb(20, 2), "expand to more than 100,000"),
    config("alias-self-reference", "mine: &m {sections: *m}\n", "aliases (*name) expand"),
    config("deep-brackets", "mine: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 64"),
    config(
        "deep-mappings",
        "".join(f"{' ' * i}k{i}:\n" for i in range(200)) + " " * 200 + "x: 1\n",
        "nested more than 64",
    ),
    config(
        "deep-flow-mappings",
        "mine: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
        "nested more than 64",
    ),
    config(
        "many-megabytes",
        "name: x\n" + "# padding\n" * 300_000,
        "larger than 1 MB",
        "1,000,000 bytes",
    ),
    config("long-single-line", "name: " + "x" * 2_000_000 + "\n", "larger than 1 MB"),
    Case("dev-zero", ["run", "/dev/zero"], ["/dev/zero", "larger than 1 MB"]),
    Case("dev-urandom", ["run", "/dev/urandom"], ["/dev/urandom", "larger than 1 MB"]),
    Case("dev-null", ["run", "/dev/null"], ["/dev/null", "the file is empty"]),
    config(
        "not-a-scenario-is-not-quoted",
        f"{SECRET}: 1\ndaemon:x:1:1: 2\n",
        "not a scenario",
        "none of its 2 top-level keys is a scenario key",
    ),
    Case(
        "extends-outside-the-folder",
        ["run", "mine/child.yaml"],
        ["child.yaml", "key 'extends' = '../outside.yaml'", "points outside the scenario's folder"],
        {"mine/child.yaml": "extends: ../outside.yaml\n", "outside.yaml": "mine: {sections: 2}\n"},
    ),
    config(
        "extends-absolute-system-file",
        "extends: /etc/passwd\n",
        "key 'extends' = '/etc/passwd'",
        "points outside",
        "or a shipped scenario",
    ),
    Case(
        "extends-through-a-symlink-out",
        ["run", "mine/child.yaml"],
        ["points outside the scenario's folder"],
        {"mine/child.yaml": "extends: link.yaml\n", "secret.yaml": "mine: {sections: 2}\n"},
    ),
    config("extends-empty-text", "extends: ''\n", "key 'extends' = ''", "allowed: the path"),
    config(
        "extends-parent-not-a-scenario",
        "extends: notes.yaml\n",
        "notes.yaml: not a scenario",
    ),
    Case(
        "sweep-base-outside-the-folder",
        ["sweep", "s/sweep.yaml"],
        ["key 'base' = '../outside.yaml'", "points outside the sweep file's folder"],
        {
            "s/sweep.yaml": "base: ../outside.yaml\nparameters: {mine.sections: {values: [1, 2]}}\ndesign: grid\noutcomes: [mean_output_tons]\n",
            "outside.yaml": "mine: {sections: 2}\n",
        },
    ),
    Case(
        "sweep-file-not-a-sweep",
        ["sweep", "notes.yaml"],
        ["notes.yaml: not a sweep", "none of its 1 top-level keys"],
        {"notes.yaml": f"{SECRET}: 1\n"},
    ),
    Case(
        "sizes-multiply-to-terabytes",
        ["run", "history_1935_37", "--set", "mine.mines=10000", "--set", "mine.sections=100000"],
        [
            "the run would need about",
            "TB of memory",
            "mine.mines 10000",
            "mine.sections 100000",
            "allowed: fewer miners",
        ],
    ),
    Case(
        "agent-table-too-large",
        [
            "run",
            "small.yaml",
            "--set",
            "mine.sections=100000",
            "--set",
            "mine.hewers_per_section=5000",
        ],
        ["would need about", "mine.hewers_per_section 5000", "output.agent_sample_max"],
        {"small.yaml": SMALL},
    ),
    Case(
        "sweep-grid-too-large",
        ["sweep", "sweep.yaml"],
        ["the sweep would need about", "points x replicates", "allowed: fewer points"],
        {
            "sweep.yaml": "base: history_1935_37\ndesign: grid\nreplicates: 10000\noutcomes: [mean_output_tons]\nparameters:\n"
            + "".join(
                f"  {k}: {{low: 0.1, high: 0.9, levels: 1000}}\n"
                for k in (
                    "supply.timber_per_shift",
                    "supply.air_per_shift",
                    "production.support_weight",
                )
            )
        },
    ),
    Case(
        "sweep-samples-times-replicates",
        ["sweep", "sweep.yaml"],
        ["the sweep would need about", "1,000,000 points x replicates 10,000"],
        {
            "sweep.yaml": "base: history_1935_37\ndesign: lhs\nsamples: 1000000\nreplicates: 10000\noutcomes: [mean_output_tons]\nparameters:\n  supply.timber_per_shift: {low: 0.5, high: 1.5}\n"
        },
    ),
    Case(
        "seed-option-negative",
        ["run", "small.yaml", "--seed", "-1"],
        ["--seed", "-1", "allowed: a whole number from 0 to"],
        {"small.yaml": SMALL},
    ),
    Case(
        "seed-option-too-large",
        ["run", "small.yaml", "--seed", str(2**64)],
        ["--seed", "allowed: a whole number from 0 to"],
        {"small.yaml": SMALL},
    ),
    config(
        "calendar-only-rest-days",
        "calendar:\n  rest_days_of_month: [" + ", ".join(map(str, range(1, 32))) + "]\n",
        "key 'calendar'",
        "no shift to simulate",
        "allowed: a calendar with at least one working day",
    ),
    config(
        "calendar-only-holidays",
        "calendar:\n  start: 1936-01-01\n  end: 1936-03-31\n  rest_days_of_month: []\n  holidays: ["
        + ", ".join(f"'{d}'" for d in ALL_DAYS)
        + "]\n",
        "no shift to simulate",
    ),
    config(
        "calendar-rest-and-holidays-cover-a-week",
        "calendar:\n  start: 1936-01-01\n  end: 1936-01-05\n  holidays: ['01-01', '01-02', '01-03', '01-04', '01-05']\n",
        "no shift to simulate",
    ),
    config(
        "year-far-in-the-future",
        "calendar:\n  end: 3000-01-01\n",
        "key 'calendar.end' = 3000-01-01",
        "allowed: a date from 1678-01-01 to 2262-04-10",
    ),
    config("year-9999", "calendar:\n  end: 9999-12-31\n", "key 'calendar.end' = 9999-12-31"),
    config(
        "year-before-the-tables",
        "calendar:\n  start: 1200-01-01\n",
        "key 'calendar.start' = 1200-01-01",
    ),
    config(
        "year-five-digits", "calendar:\n  end: 12345-01-01\n", "key 'calendar.end'", "YYYY-MM-DD"
    ),
    Case(
        "scheduler-not-an-address",
        ["sweep", "x.yaml", "--scheduler", "tcp://nonsense"],
        [
            "--scheduler",
            "'tcp://nonsense' is not a scheduler address",
            "allowed: [tcp://]HOST:PORT",
        ],
    ),
    Case(
        "scheduler-port-out-of-range",
        ["sweep", "x.yaml", "--scheduler", "10.0.0.5:99999"],
        ["is not a scheduler address"],
    ),
    Case("scheduler-empty", ["sweep", "x.yaml", "--scheduler", ""], ["is not a scheduler address"]),
    Case(
        "scheduler-with-a-path",
        ["sensitivity", "x.yaml", "--scheduler", "http://host:8786/status"],
        ["is not a scheduler address"],
    ),
    Case(
        "validate-output-is-a-file",
        ["validate", "small.yaml", "-o", "report.txt", "--replicates", "1"],
        ["output report.txt", "exists and is not a directory"],
        {"small.yaml": SMALL, "report.txt": "my notes\n"},
    ),
    Case(
        "compare-output-is-a-file",
        ["compare", "a", "b", "-o", "report.txt"],
        ["output report.txt", "exists and is not a directory"],
        {"report.txt": "my notes\n", "a/x": "", "b/x": ""},
    ),
    Case(
        "sweep-output-is-a-file",
        ["sweep", "sweep.yaml", "-o", "report.txt"],
        ["output report.txt", "exists and is not a directory"],
        {
            "report.txt": "my notes\n",
            "sweep.yaml": "base: history_1935_37\ndesign: grid\noutcomes: [mean_output_tons]\noverrides: {mine.sections: 2, mine.hewers_per_section: 6, calendar.end: 1935-09-30}\nparameters:\n  supply.timber_per_shift: {values: [0.8, 1.0]}\n",
        },
    ),
    Case(
        "calendar-end-before-an-event-still-refused-when-start-moves",
        ["run", "small.yaml", "--set", "calendar.start=1935-09-15"],
        ["key 'campaign.events.0.date' = 1935-08-31", "outside the calendar"],
        {"small.yaml": SMALL},
    ),
]

CLI_CASES = [
    Case(
        "set-without-equals",
        ["run", "small.yaml", "--set", "mine.sections"],
        ["--set 'mine.sections'", "expected key=value"],
        {"small.yaml": SMALL},
    ),
    Case(
        "set-empty-key",
        ["run", "small.yaml", "--set", "=3"],
        ["--set '=3'", "expected key=value"],
        {"small.yaml": SMALL},
    ),
    Case(
        "set-unknown-key",
        ["run", "small.yaml", "--set", "supply.timbre_per_shift=0.8"],
        ["small.yaml", "key 'supply.timbre_per_shift' = 0.8", "did you mean 'timber_per_shift'?"],
        {"small.yaml": SMALL},
    ),
    Case(
        "set-bad-value",
        ["run", "small.yaml", "--set", "supply.timber_per_shift=-1"],
        ["small.yaml", "key 'supply.timber_per_shift' = -1", "allowed: >= 0 and <= 10"],
        {"small.yaml": SMALL},
    ),
    Case(
        "set-into-a-value",
        ["run", "small.yaml", "--set", "name.first=x"],
        ["small.yaml", "--set name.first", "key 'name' = 'small'", "allowed: a mapping"],
        {"small.yaml": SMALL},
    ),
    Case(
        "replicates-zero",
        ["run", "small.yaml", "--replicates", "0"],
        ["--replicates", "0", "allowed: a whole number, at least 1"],
        {"small.yaml": SMALL},
    ),
    Case(
        "replicates-text",
        ["run", "small.yaml", "--replicates", "abc"],
        ["--replicates", "'abc'", "allowed: a whole number"],
        {"small.yaml": SMALL},
    ),
    Case(
        "workers-negative",
        ["run", "small.yaml", "--workers", "-2"],
        ["--workers", "-2", "at least 1"],
        {"small.yaml": SMALL},
    ),
    Case(
        "seed-text", ["run", "small.yaml", "--seed", "x"], ["--seed", "'x'"], {"small.yaml": SMALL}
    ),
    Case("unknown-option", ["run", "small.yaml", "--fast"], ["unrecognized arguments: --fast"]),
    Case("no-command", [], ["required: COMMAND", "--help"]),
    Case("unknown-command", ["frobnicate"], ["invalid choice: 'frobnicate'"]),
    Case("run-without-config", ["run"], ["required: config"]),
    Case(
        "output-under-a-file",
        ["run", "small.yaml", "-o", "notes.txt/run"],
        ["output notes.txt/run", "cannot be written"],
        {"small.yaml": SMALL, "notes.txt": "a file, not a directory\n"},
    ),
    Case(
        "output-is-a-file",
        ["run", "small.yaml", "-o", "notes.txt"],
        ["output notes.txt", "not a directory", "allowed: a new or empty directory"],
        {"small.yaml": SMALL, "notes.txt": "a file, not a directory\n"},
    ),
    Case(
        "output-holds-a-run",
        ["run", "small.yaml", "-o", "old"],
        ["output old", "already holds a run", "--overwrite"],
        {"small.yaml": SMALL, "old/manifest.json": "{}"},
    ),
]


def lay_out(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write the case's files under ``root``; ``None`` makes a directory."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run the command line in-process; argparse's own errors arrive as ``SystemExit``."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_clear_error(code: int, err: str, expect: list[str]) -> None:
    """Status 2; one heading line, any further lines indented under it; every fragment named."""
    assert code == 2, err
    assert "Traceback" not in err
    first, *rest = err.rstrip("\n").splitlines()
    assert first.startswith("stakhanov-sim"), err
    assert err.count("error:") == 1, err
    assert all(line.startswith("  ") for line in rest), err
    for fragment in expect:
        assert fragment in err, f"{fragment!r} not in {err!r}"


@pytest.mark.parametrize("case", CONFIG_CASES + CLI_CASES + HOSTILE_CASES, ids=lambda c: c.id)
def test_bad_input_gives_one_clear_error(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    lay_out(tmp_path, case.files)
    if case.id == "extends-through-a-symlink-out":
        (tmp_path / "mine" / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    if case.id == "extends-parent-not-a-scenario":
        (tmp_path / "notes.yaml").write_text(f"{SECRET}: 1\n")
    code, out, err = run_cli(case.argv, capsys)
    assert_one_clear_error(code, err, case.expect)
    assert "wrote" not in out
    assert SECRET not in err and "root:" not in err  # a file that is not a scenario is never quoted
    assert len(err) < 2000  # one message, however large the input


def test_many_problems_are_listed_under_one_heading(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    lay_out(tmp_path, {"bad.yaml": "nmae: x\nmine:\n  sections: -1\n  hewers_per_section: 0\n"})
    code, _, err = run_cli(["run", "bad.yaml"], capsys)
    assert_one_clear_error(code, err, ["bad.yaml: invalid scenario"])
    problems = err.splitlines()[1:]
    assert len(problems) == 3
    assert any("'nmae'" in p for p in problems)
    assert any("'mine.sections' = -1" in p for p in problems)
    assert any("'mine.hewers_per_section' = 0" in p for p in problems)


# --- results: a corrupted or partial run directory given to `plot` or `compare` ---------


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory) -> Path:
    """A complete, tiny run directory to damage in each case."""
    root = tmp_path_factory.mktemp("saved")
    (root / "small.yaml").write_text(SMALL)
    return run(load_scenario(root / "small.yaml")).save(root / "run")


def _drop(name: str):
    return lambda run_dir: (run_dir / name).unlink()


def _garble(name: str):
    return lambda run_dir: (run_dir / name).write_bytes(b"PAR1 this is not a parquet file")


def _truncate(name: str):
    def cut(run_dir: Path) -> None:
        data = (run_dir / name).read_bytes()
        (run_dir / name).write_bytes(data[: len(data) // 2])

    return cut


def _drop_column(table: str, column: str):
    def drop(run_dir: Path) -> None:
        path = run_dir / f"{table}.parquet"
        pd.read_parquet(path).drop(columns=[column]).to_parquet(path, index=False)

    return drop


def _write(name: str, text: str):
    return lambda run_dir: (run_dir / name).write_text(text)


RESULT_CASES = [
    ("missing-model-table", _drop("model.parquet"), ["model.parquet", "missing", "incomplete"]),
    ("missing-events-table", _drop("events.parquet"), ["events.parquet", "missing"]),
    ("garbage-parquet", _garble("agents.parquet"), ["agents.parquet", "not a readable Parquet"]),
    ("half-a-parquet", _truncate("model.parquet"), ["model.parquet", "not a readable Parquet"]),
    ("missing-manifest", _drop("manifest.json"), ["manifest.json", "missing", "incomplete"]),
    (
        "manifest-bad-json",
        _write("manifest.json", "{seed: 3,"),
        ["manifest.json", "not valid JSON"],
    ),
    ("manifest-is-a-list", _write("manifest.json", "[1, 2]"), ["manifest.json", "a JSON object"]),
    (
        "model-lacks-a-column",
        _drop_column("model", "output_tons"),
        ["model.parquet", "lacks columns ['output_tons']", "allowed: a table with columns"],
    ),
    (
        "events-lack-a-column",
        _drop_column("events", "event"),
        ["events.parquet", "lacks columns ['event']"],
    ),
]


@pytest.mark.parametrize("command", ["plot", "compare"])
@pytest.mark.parametrize(
    ("damage", "expect"),
    [pytest.param(d, e, id=i) for i, d, e in RESULT_CASES],
)
def test_damaged_run_directory_gives_one_clear_error(
    command, damage, expect, saved_run, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(saved_run, tmp_path / "run")
    damage(tmp_path / "run")
    argv = ["plot", "run"] if command == "plot" else ["compare", str(saved_run), "run", "-o", "cmp"]
    code, _, err = run_cli(argv, capsys)
    assert_one_clear_error(code, err, expect)


@pytest.mark.parametrize("command", ["plot", "compare"])
def test_missing_run_directory_gives_one_clear_error(
    command, saved_run, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    argv = ["plot", "gone"] if command == "plot" else ["compare", str(saved_run), "gone"]
    code, _, err = run_cli(argv, capsys)
    assert_one_clear_error(code, err, ["gone", "not a run directory"])


# --- the real entry point: what a user at a terminal sees ---------------------------------


@pytest.mark.parametrize(
    ("argv", "files", "expect"),
    [
        (["run", "bad.yaml"], {"bad.yaml": "mine:\n  sections: [3\n"}, "line 3, column 1"),
        (["run", "bad.yaml", "--replicates", "0"], {"bad.yaml": SMALL}, "--replicates"),
        (["plot", "nowhere"], {}, "nowhere"),
    ],
    ids=["yaml-syntax", "argparse", "plot-missing"],
)
def test_console_script_prints_one_line_and_exits_2(argv, files, expect, tmp_path):
    lay_out(tmp_path, files)
    proc = subprocess.run(
        [sys.executable, "-m", "stakhanov_sim", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert expect in proc.stderr
