"""The scenario: every parameter of the model, typed, defaulted, ranged and sourced.

A scenario is the whole computational experiment passed into ``MineModel``: the mine, its
calendar, the mechanisms' parameters and the campaign's timeline. Each parameter carries its
unit, its allowed range and its meaning with its source; ``docs/parameters.md`` is generated
from this schema. "Assumption" marks values the sources are silent on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SIEGELBAUM = "Siegelbaum 1988"
ASSUMPTION = "assumption (sources silent)"


def param(default: Any, unit: str, meaning: str, source: str, **bounds: Any) -> Any:
    """A documented parameter: default, unit, allowed range (``ge``/``le``...), meaning, source."""
    return Field(
        default, description=meaning, json_schema_extra={"unit": unit, "source": source}, **bounds
    )


class Section(BaseModel):
    """A group of parameters: unknown keys are errors, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Mine(Section):
    mines: int = param(
        1,
        "mines",
        "Mines in the scenario; they share the rail-wagon supply",
        "design",
        ge=1,
        le=10_000,
    )
    sections: int = param(
        10,
        "sections",
        "Sections (each run by one foreman) per mine",
        "assumption: a mid-sized Donbas mine",
        ge=1,
        le=100_000,
    )
    hewers_per_section: int = param(
        20,
        "hewers",
        "Hewers (coal cutters, paid by piece) per section",
        ASSUMPTION,
        ge=1,
        le=10_000,
    )
    timbermen_per_hewer: float = param(
        0.5,
        "timbermen per hewer",
        "Timbermen who prop the roof, per hewer; normally the hewer also timbered",
        "memoir accounts of 31 Aug 1935; assumption for the ratio",
        ge=0.0,
        le=20.0,
    )
    haulers_per_hewer: float = param(
        0.4,
        "haulers per hewer",
        "Haulers who move wagons from the face, per hewer",
        ASSUMPTION,
        ge=0.0,
        le=20.0,
    )
    sections_per_engineer: int = param(
        4,
        "sections",
        "Sections whose equipment one engineer keeps running",
        ASSUMPTION,
        ge=1,
        le=1000,
    )
    skill_sigma: float = param(
        0.2, "log-sd", "Spread of hewers' skill (lognormal, median 1)", ASSUMPTION, ge=0.0, le=1.5
    )
    eagerness_a: float = param(
        2.0,
        "Beta shape",
        "Miners' eagerness for new methods and records is Beta(a, b); first shape",
        ASSUMPTION,
        gt=0.0,
        le=100.0,
    )
    eagerness_b: float = param(
        2.0,
        "Beta shape",
        "Second shape of the Beta(a, b) eagerness (a = b: symmetric around 0.5)",
        ASSUMPTION,
        gt=0.0,
        le=100.0,
    )
    within_section_links: int = param(
        6,
        "links per miner",
        "Workmates each miner knows in his own section",
        "assumption, Roy 1952 work groups",
        ge=0,
        le=100,
    )
    cross_section_links: int = param(
        1,
        "links per miner",
        "Acquaintances each miner has in other sections",
        ASSUMPTION,
        ge=0,
        le=100,
    )


FIRST_DAY = dt.date(1678, 1, 1)  # pandas' datetime64[ns] holds 1677-09-21 to 2262-04-11
LAST_DAY = dt.date(2262, 4, 10)
DAYS_OF_EVERY_PATTERN = 4 * 366  # every day of month and month-day, leap day included


class Calendar(Section):
    start: dt.date = param(dt.date(1935, 8, 1), "date", "First day simulated (ISO date)", "design")
    end: dt.date = param(dt.date(1937, 12, 31), "date", "Last day simulated (ISO date)", "design")
    rest_days_of_month: list[int] = param(
        [6, 12, 18, 24, 30],
        "day of month",
        "Rest days of the six-day week (shestidnevka), in force 1931-1940",
        "Soviet labour law, 1931",
        min_length=0,
        max_length=31,
    )
    holidays: list[str] = param(
        ["01-22", "05-01", "05-02", "11-07", "11-08"],
        "MM-DD",
        "Public holidays without work (Lenin day, May Day, Revolution)",
        "Soviet calendar of the 1930s",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Calendar:
        if self.end < self.start:
            raise ValueError(
                f"key 'calendar.end' = {self.end}: before calendar.start ({self.start}); allowed: a date on or after {self.start}"
            )
        if any(not 1 <= d <= 31 for d in self.rest_days_of_month):
            raise ValueError(
                f"key 'calendar.rest_days_of_month' = {self.rest_days_of_month}: not days of a month; allowed: whole numbers from 1 to 31"
            )
        for h in self.holidays:
            try:
                dt.date(2000, int(h[:2]), int(h[3:]))
                assert len(h) == 5 and h[2] == "-"
            except (ValueError, AssertionError):
                raise ValueError(
                    f"key 'calendar.holidays' = {h!r}: not a month-day; allowed: MM-DD text such as '05-01'"
                ) from None
        for key, day in (("start", self.start), ("end", self.end)):
            if not FIRST_DAY <= day <= LAST_DAY:  # the result tables' dates hold no others
                raise ValueError(
                    f"key 'calendar.{key}' = {day}: outside the dates the result tables can hold; allowed: a date from {FIRST_DAY} to {LAST_DAY}"
                )
        if not self.has_working_day():
            raise ValueError(
                f"key 'calendar' (start {self.start}, end {self.end}): every day is a rest day or a holiday, so there is no shift to simulate; allowed: a calendar with at least one working day"
            )
        return self

    def has_working_day(self) -> bool:
        """True when some day from start to end is neither a rest day nor a holiday."""
        rest, holidays = set(self.rest_days_of_month), set(self.holidays)
        last = min(self.end, self.start + dt.timedelta(days=DAYS_OF_EVERY_PATTERN))
        day = self.start
        while day <= last:  # rest days and holidays repeat within four years (29 Feb)
            if day.day not in rest and day.strftime("%m-%d") not in holidays:
                return True
            day += dt.timedelta(days=1)
        return False


class Production(Section):
    base_output_tons: float = param(
        6.33,
        "tons per shift",
        "Output of a median hewer on an ordinary shift with normal support and supplies",
        "calibrated (docs/calibration.md) to 5-6 t per hewer-shift with a pick before the campaign (TIME, 30 Sep 1935) and the other targets",
        gt=0,
        le=1000,
    )
    noise_sigma: float = param(
        0.15,
        "log-sd",
        "Shift-to-shift noise in a hewer's output (seams, roof, luck)",
        ASSUMPTION,
        ge=0,
        le=2,
    )
    support_weight: float = param(
        0.3,
        "share of output",
        "Share of a hewer's output lost when he must timber without any timberman",
        "memoir accounts: normally the hewer also timbered; size assumed",
        ge=0,
        le=1,
    )
    fatigue_gain: float = param(
        0.05,
        "fatigue per extra norm",
        "Fatigue added per shift for each norm worked above the ordinary pace",
        ASSUMPTION,
        ge=0,
        le=5,
    )
    fatigue_recovery: float = param(
        0.15, "share per shift", "Share of fatigue shed each shift", ASSUMPTION, ge=0, le=1
    )
    storming_fatigue: float = param(
        0.0,
        "fatigue per unit of storming effort",
        "Fatigue a hewer adds each shift for each unit of extra effort he storms with (production.campaign_effort x intensity x eagerness); it fades at fatigue_recovery",
        "TIME, 10 Feb 1936 (in the ten-days output rose for five days and fell in the next five: the speed-up could not be kept up); size not sourced. 0 at the shipped defaults, whose calibrated storming effort (0.0156) is too small for its fatigue to show; docs/calibration.md ('Known and left as they are') shows the ten-days with it",
        ge=0,
        le=10,
    )
    fatigue_effect: float = param(
        0.5, "share of output", "Output lost at full fatigue", ASSUMPTION, ge=0, le=1
    )
    campaign_effort: float = param(
        0.0156,
        "share of output",
        "Extra effort of an eager hewer at full campaign intensity (storming)",
        "Siegelbaum 1988 on storming; calibrated (docs/calibration.md) to output and wages in 1936",
        ge=0,
        le=5,
    )
    restriction: float = param(
        0.15,
        "share of output",
        "Output held back by a fully resentful worker (output restriction against the ratchet)",
        "Roy 1952; Siegelbaum 1988; size assumed",
        ge=0,
        le=1,
    )
    foreman_effect: float = param(
        0.15,
        "share of output",
        "Output lost in a section run by a foreman with no experience (organisation of work)",
        ASSUMPTION,
        ge=0,
        le=1,
    )


class Records(Section):
    race_decay: float = param(
        0.05,
        "share per shift",
        "How fast the publicity of the last record fades; while it lasts, foremen are asked for records as if the campaign were at full intensity (the record race of Sept 1935)",
        "Annales 1936; GSE 'Izotov' (records in quick succession, 4-19 Sep 1935); rate assumed",
        ge=0,
        le=1,
    )
    attempt_rate: float = param(
        0.04,
        "probability per section-shift",
        "Chance a foreman puts a hewer forward for a record on a shift at full campaign intensity",
        "assumption: set by hand with the record race of Sept 1935 (record_escalation) in view; not calibrated (docs/calibration.md)",
        ge=0,
        le=1,
    )
    special_conditions_multiplier: float = param(
        5.65,
        "x output",
        "Output multiplier of a record shift with full special conditions (two timbermen behind him, prepared and lit face, checked picks and air, organised haulage)",
        "calibrated (docs/calibration.md) to Stakhanov's 102 t against a 7 t norm, about 14.5 norms (Siegelbaum 1988)",
        ge=1,
        le=100,
    )
    record_effort: float = param(
        1.7,
        "x output",
        "Effort multiplier of a hewer going all out, with or without special conditions",
        "assumption: set by hand so that an all-out shift without special conditions stays under 3 norms, a bound no source gives (the first edition's pattern a2, retired)",
        ge=1,
        le=10,
    )
    helpers_per_record: int = param(
        2,
        "timbermen",
        "Timbermen assigned to the first record attempts",
        "Shchigolev and Borisenko on 31 Aug 1935",
        ge=0,
        le=100,
    )
    max_helpers: int = param(
        10,
        "timbermen",
        "Most timbermen ever put behind one record attempt (a section's whole crew in the default mine)",
        "assumption: no source gives the helpers of the later records ('Izotov with 12 timbermen' is unsourced)",
        ge=0,
        le=200,
    )
    helper_escalation: float = param(
        0.978,
        "timbermen per record",
        "Timbermen added to the next attempt after each attempt in the mine (recordmania)",
        "record race of Sept 1935: 102 t, 115 t, 125 t, 151 t, 175 t, 240 t within two weeks (Annales 1936; GSE 'Izotov'); calibrated (docs/calibration.md) to 240 t / 102 t",
        ge=0,
        le=20,
    )
    helper_elasticity: float = param(
        1.0,
        "elasticity",
        "How output of a record shift scales with the number of timbermen behind it",
        "assumption: output proportional to the team (102 t with two timbermen; Izotov's 240 t and 607 t with larger, unrecorded teams)",
        ge=0,
        le=2,
    )
    method_gain: float = param(
        0.5,
        "share of output",
        "Output gain of a Stakhanovite working with a dedicated timberman (division of labour)",
        "Siegelbaum 1988 on the division of labour; size assumed",
        ge=0,
        le=10,
    )
    helpers_per_stakhanovite: float = param(
        1.0,
        "timbermen",
        "Timbermen a foreman assigns to each Stakhanovite on special conditions",
        "Siegelbaum 1988; size assumed",
        ge=0,
        le=20,
    )
    special_conditions_cap: float = param(
        0.2,
        "share of hewers",
        "Most hewers of a section a foreman can keep on special conditions",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    fear_after_sanction: float = param(
        0.5,
        "share",
        "Drop in a hewer's willingness to go for records after he is sanctioned",
        "TIME, 16 Dec 1935 (violence); size assumed",
        ge=0,
        le=1,
    )


class Supply(Section):
    timber_per_shift: float = param(
        1.05,
        "share of pre-campaign need",
        "Pit props delivered per shift, relative to what the mine's hewers need at the pre-campaign norm",
        "assumption: sources give no quantity",
        ge=0,
        le=10,
    )
    air_per_shift: float = param(
        1.1,
        "share of pre-campaign need",
        "Compressed air for pneumatic picks per shift, relative to pre-campaign need",
        ASSUMPTION,
        ge=0,
        le=10,
    )
    wagons_per_shift: float = param(
        1.1,
        "share of pre-campaign need",
        "Empty wagons (haulage) per shift, relative to pre-campaign output",
        "rail-wagon shortages of 1935-36; size assumed",
        ge=0,
        le=10,
    )
    noise_sigma: float = param(
        0.1, "log-sd", "Shift-to-shift noise in deliveries", ASSUMPTION, ge=0, le=2
    )
    special_conditions_first: bool = param(
        True,
        "switch",
        "Foremen serve special conditions first, the rest pro rata (False: shared equally by need)",
        "Siegelbaum 1988: supplies concentrated on the leading trades",
    )


class Equipment(Section):
    wear_per_shift: float = param(
        0.01,
        "condition per shift",
        "Wear of a section's picks, compressors and conveyors at ordinary pace",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    wear_exponent: float = param(
        2.0,
        "elasticity",
        "How wear grows with the section's pace relative to ordinary (overstrained machinery)",
        "Siegelbaum 1988: machinery overstrained; size assumed",
        ge=0,
        le=5,
    )
    breakdown_rate: float = param(
        0.3,
        "probability per shift",
        "Chance of a breakdown per shift for fully worn equipment (scales with wear)",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    repair_per_engineer: float = param(
        0.234,
        "condition per shift",
        "Condition an experienced engineer restores per shift across his sections",
        "calibrated (docs/calibration.md) to flat output in 1937 and the 1937 plan missed (Davies and Khlevnyuk 2002, unconfirmed)",
        ge=0,
        le=10,
    )
    breakdown_damage: float = param(
        0.6, "condition", "Condition lost when equipment breaks down", ASSUMPTION, ge=0, le=1
    )
    engineer_effect: float = param(
        0.5,
        "share of capacity",
        "Repair capacity lost by an engineer with no experience",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    broken_output_share: float = param(
        0.4,
        "share of output",
        "Output a section keeps while its equipment is broken down (hand work)",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    broken_priority: float = param(
        2.0,
        "x deficit",
        "Weight an engineer gives a broken section's deficit when he shares his repairs",
        ASSUMPTION,
        ge=0,
        le=100,
    )
    working_condition: float = param(
        0.5,
        "condition",
        "Condition to which broken equipment must be repaired before the section works again",
        ASSUMPTION,
        ge=0,
        le=1,
    )


class PayBand(Section):
    above: float = param(
        1.0,
        "norms",
        "Lower edge of the band, in norms fulfilled",
        "assumption: the Metrostroi 1933 schedule (construction, not coal; Neutatz 2001)",
        ge=0,
        le=100,
    )
    multiplier: float = param(
        1.0,
        "x base rate",
        "Piece rate in the band relative to the base rate",
        "assumption: the Metrostroi 1933 schedule (construction, not coal; Neutatz 2001)",
        ge=0,
        le=100,
    )


class Pay(Section):
    base_rate_rubles_per_ton: float = param(
        3.0,
        "rubles per ton",
        "Piece rate for coal cut up to the norm",
        "assumption: about 20 rubles for a 7 t norm shift",
        gt=0,
        le=1000,
    )
    progressive: list[PayBand] = param(
        [
            PayBand(above=1.0, multiplier=1.25),
            PayBand(above=1.1, multiplier=1.5),
            PayBand(above=1.25, multiplier=2.0),
        ],
        "bands",
        "Progressive piece-rate: output in each band (in norms) is paid at base rate x multiplier; below the first band, the base rate",
        "assumption: the Metrostroi 1933 schedule (100-110% +25%, 110-125% +50%, over 125% +100%; construction, not coal; Neutatz 2001); no Donbas hewers' schedule found",
    )
    support_pay: Literal["time", "share"] = param(
        "time",
        "choice",
        "Support trades paid a time rate per shift, or a share of their hewers' earnings",
        "both existed (Siegelbaum 1988)",
    )
    support_time_rate_rubles: float = param(
        14.0, "rubles per shift", "Time rate of a timberman or hauler", ASSUMPTION, ge=0, le=10_000
    )
    support_share: float = param(
        0.6,
        "share",
        "With support_pay 'share': a support worker's wage as a share of his section's mean hewer wage",
        ASSUMPTION,
        ge=0,
        le=10,
    )

    @model_validator(mode="after")
    def _bands_rise(self) -> Pay:
        edges = [b.above for b in self.progressive]
        if edges != sorted(edges) or len(set(edges)) != len(edges):
            raise ValueError(
                f"key 'pay.progressive' has band edges (above) {edges}: they do not rise; allowed: each band's 'above' greater than the one before"
            )
        return self


class Norms(Section):
    initial_norm_tons: float = param(
        7.0,
        "tons per shift",
        "A hewer's output norm before the campaign",
        "Stakhanov's norm of 7 t (some say 7.5 t)",
        gt=0,
        le=1000,
    )
    rule: Literal["midpoint", "fixed"] = param(
        "midpoint",
        "choice",
        "How a revision sets new norms: toward the middle between the norm and Stakhanovites' output, or by a fixed share",
        "Stalin, 17 Nov 1935: 'somewhere in the middle'",
    )
    midpoint_weight: float = param(
        0.5,
        "share of gap",
        "With 'midpoint': share of the gap between the norm and Stakhanovites' mean output that a revision closes",
        "Stalin, 17 Nov 1935",
        ge=0,
        le=1,
    )
    fixed_raise: float = param(
        0.3,
        "share",
        "With 'fixed': norm raise per revision",
        "assumption (rule 'fixed' only): the spring 1936 revision in coal is not confirmed (roughly a fifth to a quarter is repeated); machine building's +31.7% of 1939 is another industry and year",
        ge=0,
        le=5,
    )
    max_raise: float = param(
        0.4, "share", "Largest raise a single revision may impose", ASSUMPTION, ge=0, le=5
    )
    rate_cut: float = param(
        0.1,
        "share",
        "Cut in piece rate per ton at each revision",
        "assumption: no coal figure found; set by hand with hewer_wages_1936 in view (docs/calibration.md); machine building's -15.7% of 1939 is another industry and year",
        ge=0,
        le=1,
    )
    top_share: float = param(
        0.1,
        "share of hewers",
        "With 'midpoint' and no Stakhanovites: the best hewers whose output the bureau takes instead",
        ASSUMPTION,
        gt=0,
        le=1,
    )


class Recognition(Section):
    title_threshold: float = param(
        1.04,
        "norms",
        "Mean fulfilment over the recent window that earns the Stakhanovite title",
        "calibrated (docs/calibration.md) to 'upward of 40%' Stakhanovites by Aug 1936 (Siegelbaum 1988) and the other targets",
        ge=0,
        le=100,
    )
    keep_threshold: float = param(
        0.9,
        "norms",
        "Mean fulfilment below which a Stakhanovite loses the title",
        ASSUMPTION,
        ge=0,
        le=100,
    )
    window_shifts: int = param(
        10,
        "shifts",
        "Window over which fulfilment is averaged for the title",
        ASSUMPTION,
        ge=1,
        le=1000,
    )
    bonus_rubles: float = param(
        200.0,
        "rubles",
        "One-off bonus with the title (flats, goods and vouchers were also given); it adds to a "
        "miner's earnings (Miner.earnings_rubles) only: no mechanism reads it and no table reports it",
        "press of 1935-36; size assumed",
        ge=0,
        le=100_000,
    )
    publicity: float = param(
        0.111,
        "probability per shift",
        "Chance per shift that an ordinary hewer takes up the new methods at full campaign intensity when all his workmates have",
        "calibrated (docs/calibration.md) to 'upward of 40%' Stakhanovites by Aug 1936 (Siegelbaum 1988) and the other targets",
        ge=0,
        le=1,
    )
    broadcast: float = param(
        0.00978,
        "probability per shift",
        "Chance per shift that a hewer takes up the new methods from the press and meetings alone",
        "calibrated (docs/calibration.md) to 'upward of 40%' Stakhanovites by Aug 1936 (Siegelbaum 1988) and the other targets",
        ge=0,
        le=1,
    )


class Social(Section):
    supervisor_sanction_rate: float = param(
        0.02,
        "probability per shift",
        "Chance per shift that the lower supervisors (assistant foremen, checkweighers) of a section whose foreman drags his feet abuse one of its Stakhanovites",
        "TIME 1935-12-16 (two assistant foremen, a checkweigher and an electrician charged with murdering a Stakhanovite); rate assumed",
        ge=0,
        le=1,
    )
    wage_memory_shifts: int = param(
        40,
        "shifts",
        "Shifts over which a miner judges his pay (window of the moving average he compares with his pre-campaign wage)",
        ASSUMPTION,
        ge=1,
        le=10_000,
    )
    quit_low_pay: float = param(
        2.0,
        "x quit chance",
        "How much likelier a miner is to quit when his recent wage is half his pre-campaign wage (in proportion below it)",
        "Kuromiya 1998 (turnover above 100% a year); size assumed",
        ge=0,
        le=100,
    )
    deprivation_gain: float = param(
        0.015,
        "per norm-wage of gap",
        "Resentment added per shift per base wage of pay gap to the section's Stakhanovites",
        "relative deprivation (Epstein 2002); size assumed",
        ge=0,
        le=10,
    )
    support_loss_gain: float = param(
        0.01,
        "per shift at full loss",
        "Resentment added per shift by losing supplies and timbermen to the favoured",
        "Siegelbaum, Seventeen Moments: workers not favoured with the best conditions; size assumed",
        ge=0,
        le=10,
    )
    failure_gain: float = param(
        0.01,
        "per shift",
        "Resentment added per shift of failing the norm",
        "Siegelbaum, Seventeen Moments; size assumed",
        ge=0,
        le=10,
    )
    norm_raise_gain: float = param(
        1.0,
        "per revision",
        "Resentment added to everyone at a norm revision, per unit of relative raise (+30% adds 0.3 x this)",
        "Siegelbaum 1988; size assumed",
        ge=0,
        le=10,
    )
    privilege_gain: float = param(
        0.03,
        "per new title",
        "Resentment added in a section each time a workmate gets the title and its privileges",
        "press of 1935-36: other miners protested a Stakhanovite's flat; size assumed",
        ge=0,
        le=10,
    )
    decay: float = param(
        0.03, "share per shift", "Share of resentment that fades each shift", ASSUMPTION, ge=0, le=1
    )
    sanction_threshold: float = param(
        0.4,
        "resentment",
        "Resentment above which a miner may sanction rate-busters",
        "Roy 1952; Kitts 2006; size assumed",
        ge=0,
        le=1,
    )
    sanction_rate: float = param(
        0.02,
        "probability per shift",
        "Chance per shift that a fully resentful miner abuses a rate-buster in his section",
        "TIME, 16 Dec 1935 (violence in late 1935); rate set by hand, not calibrated: no source counts attacks (docs/calibration.md)",
        ge=0,
        le=1,
    )
    rate_buster_fulfilment: float = param(
        1.3, "norms", "Fulfilment that marks a hewer as a rate-buster", "Roy 1952", ge=0, le=100
    )
    violence_share: float = param(
        0.1,
        "share",
        "Share of sanctions that are physical rather than verbal",
        "TIME, 16 Dec 1935; size assumed",
        ge=0,
        le=1,
    )
    harm_per_sanction: float = param(
        0.15,
        "share of output",
        "Output a victim loses after a sanction (fades with recovery)",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    harm_recovery: float = param(
        0.1, "share per shift", "Share of harm that heals each shift", ASSUMPTION, ge=0, le=1
    )
    quit_rate: float = param(
        0.00209,
        "probability per shift",
        "Chance a miner leaves on a shift when content (about 100% turnover a year)",
        "calibrated (docs/calibration.md) to coal miners' turnover of 95% (1934) and 113% (1936), all-USSR (Kuromiya 1998)",
        ge=0,
        le=1,
    )
    quit_resentment: float = param(
        1.06,
        "x quit rate",
        "Extra quitting of a fully resentful or sanctioned miner",
        "calibrated (docs/calibration.md) to coal miners' turnover of 95% (1934) and 113% (1936), all-USSR (Kuromiya 1998)",
        ge=0,
        le=100,
    )
    hire_rate: float = param(
        0.9, "share", "Share of vacancies the mine refills the same shift", ASSUMPTION, ge=0, le=1
    )
    skill_learning: float = param(
        0.01,
        "share per shift",
        "Share of the gap to his full skill a hewer closes each shift on the job",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    recruit_skill: float = param(
        0.8,
        "x median skill",
        "Skill of a new recruit from the countryside",
        "Kuromiya 1998; size assumed",
        ge=0,
        le=10,
    )
    contagion: float = param(
        0.05,
        "share per shift",
        "Share of the gap to his workmates' mean resentment a miner closes each shift",
        "assumption (Kitts 2006: norms spread in work groups)",
        ge=0,
        le=1,
    )
    violence_harm: float = param(
        2.0,
        "x harm",
        "Harm of a beating relative to verbal abuse",
        ASSUMPTION,
        ge=0,
        le=100,
    )


class Management(Section):
    plan_ratchet: float = param(
        0.2,
        "share over last year's output",
        "A new year's plan is at least last year's reported output raised by this share (the ratchet on the plan: records invited higher targets from above); 0 switches the ratchet off",
        "USSR coal plan for 1937 near 152 Mt against 126.8 Mt cut in 1936 (+20%; unconfirmed figures, docs/sources.md); Berliner 1957",
        ge=0,
        le=5,
    )
    plan_factor: float = param(
        1.0,
        "x norm output",
        "The trust's plan: the mine's hewers times their norm times this factor",
        "assumption: plans tied to norms",
        ge=0,
        le=10,
    )
    plan_growth: float = param(
        0.08,
        "share a year",
        "Yearly rise of the plan on top of norms (the plan for 1937 was raised)",
        "Second Five-Year Plan; size assumed",
        ge=0,
        le=5,
    )
    plan_check_shifts: int = param(
        25, "shifts", "Shifts between plan reviews (about a month)", ASSUMPTION, ge=1, le=1000
    )
    shortfall_tolerance: float = param(
        0.03,
        "share of plan",
        "Shortfall the trust lets pass without looking for culprits",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    scapegoating_rate: float = param(
        0.3,
        "accusations per 10% shortfall per 10 staff",
        "How many foremen and engineers are accused per unit of plan shortfall",
        "Siegelbaum 1988; Conquest 2008; size assumed",
        ge=0,
        le=100,
    )
    sabotage_weight: float = param(
        3.0,
        "x",
        "How much likelier a foreman who dragged his feet is to be accused",
        ASSUMPTION,
        ge=0,
        le=100,
    )
    sabotage_threshold: float = param(
        0.5,
        "disruption",
        "Disruption of his section above which a foreman drags his feet on records",
        "Siegelbaum, Seventeen Moments: foremen 'sabotaged' the movement; size assumed",
        ge=0,
        le=10,
    )
    sabotage_rate: float = param(
        0.05,
        "probability per shift",
        "Chance per shift that a disrupted foreman refuses special conditions",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    replacement_experience: float = param(
        0.2,
        "share of full experience",
        "Experience of the man who replaces a removed foreman or engineer",
        "Siegelbaum 1988: promotees; size assumed",
        ge=0,
        le=1,
    )
    learning_per_shift: float = param(
        0.004,
        "experience per shift",
        "Experience a new foreman or engineer gains each shift",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    shortfall_unit: float = param(
        0.1,
        "share of plan",
        "Unit of plan shortfall in which scapegoating_rate is counted",
        "definition of scapegoating_rate",
        gt=0,
        le=1,
    )
    staff_unit: int = param(
        10,
        "foremen and engineers",
        "Unit of staff in which scapegoating_rate is counted",
        "definition of scapegoating_rate",
        ge=1,
        le=10_000,
    )


class Methods(Section):
    """The rise of 1936: the new methods beyond the favoured, schools, concentration of mining."""

    division_gain: float = param(
        0.404,
        "share of output",
        "Output gain of a hewer who works the new way (he hews, the timbermen prop) without special conditions, with his section's ordinary timbermen behind him",
        "Siegelbaum 1988, ch. 2 (division of labour between hewer and timberman); calibrated (docs/calibration.md) to output in 1936",
        ge=0,
        le=5,
    )
    school_rate: float = param(
        0.004,
        "probability per shift",
        "Chance per shift that a hewer who has not taken up the new methods learns them in a Stakhanovite school, while the schools run",
        "Siegelbaum 1988, ch. 4 (Stakhanovite schools); rate assumed",
        ge=0,
        le=1,
    )
    concentration_gain: float = param(
        0.18,
        "share of output",
        "Output gain of every hewer once mining is fully concentrated on fewer, better-equipped faces",
        "Vestnik DonNU 2509 (the concentration of mining and the 1936 rise); size assumed",
        ge=0,
        le=5,
    )
    concentration_shifts: int = param(
        120,
        "shifts",
        "Shifts over which the concentration of mining is carried out",
        ASSUMPTION,
        ge=1,
        le=10_000,
    )
    concentration_wear: float = param(
        0.1,
        "x wear",
        "Extra wear of equipment on fully concentrated faces (worked harder, fewer spares)",
        ASSUMPTION,
        ge=0,
        le=20,
    )


class Accidents(Section):
    """Accidents at the face: a sourced fatal rate, raised by records, storming and wear."""

    fatal_per_1000_year: float = param(
        2.84,
        "deaths per 1,000 miners a year",
        "Fatal accidents at an ordinary pace with equipment in order",
        "Kuromiya 1998: 2.84 in 1934 and 1935 (all-USSR coal)",
        ge=0,
        le=1000,
    )
    accidents_per_fatal: float = param(
        20.0,
        "accidents",
        "Accidents that injure a miner, per fatal accident",
        ASSUMPTION,
        ge=1,
        le=10_000,
    )
    record_risk: float = param(
        2.0,
        "x risk",
        "Extra risk of a hewer on a record attempt (all-out pace, roof left to others)",
        "TIME 1935-12-16 (Stakhanovites sent into a dangerous pit); size assumed",
        ge=0,
        le=100,
    )
    storming_risk: float = param(
        0.1,
        "x risk at full intensity",
        "Extra risk of every miner while the campaign storms",
        ASSUMPTION,
        ge=0,
        le=100,
    )
    wear_risk: float = param(
        0.313,
        "x risk",
        "Extra risk in a section whose equipment is worn out (none when it is new)",
        "calibrated (docs/calibration.md) to 2.45-2.84 deaths per 1,000 coal miners a year (Kuromiya 1998)",
        ge=0,
        le=100,
    )
    injury_harm: float = param(
        0.3,
        "share of output",
        "Output an injured miner loses at first (it heals like harm from abuse)",
        ASSUMPTION,
        ge=0,
        le=1,
    )
    trial_chance: float = param(
        0.3,
        "probability per fatal accident at blame intensity 1",
        "Chance that a fatal accident brings a charge against the engineer of the section",
        "Kemerovo, Sept-Nov 1936 (Conquest 2008); size assumed",
        ge=0,
        le=1,
    )


class Reporting(Section):
    """Reported and real output: figures padded under plan pressure."""

    padding_per_shortfall: float = param(
        0.3,
        "share of output per share of plan missed",
        "How far a mine pressed by the plan overstates its output in its reports",
        "Davies and Khlevnyuk 2002, note 1 (official figures overstate output); size assumed",
        ge=0,
        le=10,
    )
    max_padding: float = param(
        0.08,
        "share of output",
        "Most a mine dares overstate its output",
        ASSUMPTION,
        ge=0,
        le=1,
    )


class Bargain(Section):
    """Norms and wages as a bargain: slack won back from below, a wage fund watched from above."""

    slack_return: float = param(
        0.01,
        "share of the raise per shift at full resentment",
        "Share of the last norm raise that workers, foremen and norm-setters win back each shift, in proportion to the section's resentment",
        "Davies and Khlevnyuk 2002; Filtzer 1986 (revised norms soon easy to beat again); rate assumed",
        ge=0,
        le=1,
    )
    wage_fund_growth: float = param(
        0.1,
        "share a year",
        "Planned growth of the mine's wage fund over its pre-campaign wage bill",
        ASSUMPTION,
        ge=0,
        le=10,
    )
    wage_fund_tolerance: float = param(
        0.1,
        "share",
        "Overspending of the wage fund in a plan period that the trust lets pass",
        ASSUMPTION,
        ge=0,
        le=10,
    )
    tightening: float = param(
        0.5,
        "share of won-back slack",
        "Share of the slack won back since the revision that the trust takes back when the wage fund is overspent",
        "Davies and Khlevnyuk 2002 (overspent wage fund of 1936); response assumed",
        ge=0,
        le=1,
    )


class Blame(Section):
    """Accusations from below, the limits of blame and the mass operations of 1937."""

    denunciation_rate: float = param(
        0.002,
        "probability per shift at blame intensity 1",
        "Chance per shift that a Stakhanovite whose foreman refuses him special conditions denounces the foreman",
        "Siegelbaum 1988 (Stakhanovites as informers against managers); rate assumed",
        ge=0,
        le=1,
    )
    grace_shifts: int = param(
        300,
        "shifts",
        "Shifts a newly appointed foreman or engineer is spared accusation (no more accusations than people in post)",
        ASSUMPTION,
        ge=0,
        le=10_000,
    )
    arrests_per_year: float = param(
        0.01,
        "share of miners a year",
        "Share of miners arrested in a year of the mass operations (NKVD Order 00447) at intensity 1",
        "Getty and Naumov 2008; Werth 2010 (many victims were workers); Donbas counts not found, size assumed",
        ge=0,
        le=1,
    )


class Output(Section):
    agent_sample_every: int = param(
        10,
        "shifts",
        "Shifts between snapshots of agents' state in the agent table",
        "design",
        ge=1,
        le=100_000,
    )
    agent_sample_max: int = param(
        2000,
        "agents",
        "Most miners in each snapshot (a fixed random sample when the mine is larger)",
        "design",
        ge=1,
        le=10_000_000,
    )
    log_individual_events: bool = param(
        True,
        "switch",
        "Log every sanction, quit and title (False keeps only records, policy, sabotage and accusations)",
        "design",
    )


EventKind = Literal[
    "campaign",
    "record",
    "conference",
    "burst",
    "norm_revision",
    "scapegoating",
    "schools",
    "concentration",
    "mass_operation",
]


class PolicyEvent(Section):
    date: dt.date = param(
        ..., "date", "Day the event takes effect (ISO date)", "docs/sources.md, timeline"
    )
    kind: EventKind = param(
        ...,
        "choice",
        "campaign: set intensity; record: a staged record with full special conditions; conference: publicity; burst: a short campaign; norm_revision: the ratchet; scapegoating: set blame intensity (and the charge); schools: Stakhanovite schools open (intensity 0 closes them); concentration: concentrate mining to this share; mass_operation: arrests of ordinary miners at this intensity",
        "design",
    )
    label: str = param("", "text", "Short label drawn on figures", "design")
    intensity: float = param(
        1.0,
        "0..2",
        "New campaign or scapegoating intensity (campaign, burst, scapegoating)",
        "see scenario file",
        ge=0,
        le=10,
    )
    charge: str = param(
        "",
        "text",
        "For scapegoating: the charge the accused face from now on (the period's wording)",
        "docs/sources.md, timeline",
    )
    shifts: int = param(
        0,
        "shifts",
        "For a burst: how many shifts it lasts",
        "TIME 1936-02-10 (the ten-days)",
        ge=0,
        le=10_000,
    )

    @model_validator(mode="after")
    def _burst_lasts(self) -> PolicyEvent:
        if self.kind == "burst" and self.shifts < 1:
            raise ValueError(
                f"key 'shifts' = {self.shifts} of the burst on {self.date}: a burst must last; allowed: at least 1 shift"
            )
        return self


class Campaign(Section):
    events: list[PolicyEvent] = param(
        [],
        "events",
        "The timeline of policy events, applied on their dates",
        "docs/sources.md, timeline",
    )


class Scenario(Section):
    """A whole computational experiment: ``MineModel(scenario)`` runs it."""

    name: str = param("scenario", "text", "Short name of the scenario", "design")
    description: str = param("", "text", "The question the scenario answers", "design")
    seed: int = param(
        1935,
        "integer",
        "Seed from which each mechanism's random stream is spawned (model/streams.py)",
        "design",
        ge=0,
        le=2**63 - 1,
    )
    mine: Mine = Mine()
    calendar: Calendar = Calendar()
    production: Production = Production()
    records: Records = Records()
    supply: Supply = Supply()
    equipment: Equipment = Equipment()
    pay: Pay = Pay()
    norms: Norms = Norms()
    recognition: Recognition = Recognition()
    social: Social = Social()
    management: Management = Management()
    methods: Methods = Methods()
    accidents: Accidents = Accidents()
    reporting: Reporting = Reporting()
    bargain: Bargain = Bargain()
    blame: Blame = Blame()
    output: Output = Output()
    campaign: Campaign = Campaign()

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        for i, ev in enumerate(self.campaign.events):
            if not self.calendar.start <= ev.date <= self.calendar.end:
                raise ValueError(
                    f"key 'campaign.events.{i}.date' = {ev.date}: outside the calendar; allowed: a date from calendar.start {self.calendar.start} to calendar.end {self.calendar.end}"
                )
        timbermen = int(round(self.mine.hewers_per_section * self.mine.timbermen_per_hewer))
        if self.records.helpers_per_record > timbermen and any(
            e.kind == "record" for e in self.campaign.events
        ):
            raise ValueError(
                f"key 'records.helpers_per_record' = {self.records.helpers_per_record}: more timbermen than a section has for a record; allowed: at most {timbermen} (mine.hewers_per_section x mine.timbermen_per_hewer)"
            )
        return self

    @property
    def miners_per_section(self) -> int:
        """Hewers plus support trades in one section."""
        m = self.mine
        return (
            m.hewers_per_section
            + round(m.hewers_per_section * m.timbermen_per_hewer)
            + round(m.hewers_per_section * m.haulers_per_hewer)
        )


# The counterfactual in which nobody is favoured: a record attempt is an all-out shift on an
# ordinary face, no hewer gets a timberman of his own, supplies are shared by need. The one
# definition used by configs/no_special_conditions.yaml (checked by a test), the app's switch
# and the validation's pattern a2.
NO_SPECIAL_CONDITIONS: dict[str, Any] = {
    "records.special_conditions_multiplier": 1.0,
    "records.helpers_per_record": 0,
    "records.max_helpers": 0,
    "records.helper_escalation": 0.0,
    "records.helpers_per_stakhanovite": 0.0,
    "records.special_conditions_cap": 0.0,
    "supply.special_conditions_first": False,
}
