"""Period figures and forecast against realised: werkmap.report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable

import pytest

from werkmap import report as rp
from werkmap.errors import InvalidInput
from werkmap.plan import folder as wf
from werkmap.plan.folder import ProfileRecord, WorkFolder
from werkmap.plan.workplan import ExtraService
from werkmap.rules import default_policy, measure_policy

D = dt.date
START = D(2017, 3, 1)
END = D(2017, 3, 31)
PRE = D(2017, 1, 2)  # a Monday, well before the period
COACH = "c-7"
MEASURES = measure_policy(default_policy().at(PRE))
# The four boundary days: only the middle two are in the period.
BOUNDARY = (START - dt.timedelta(days=1), START, END, END + dt.timedelta(days=1))

_PROBABILITY = {"0-25": 0.1, "25-50": 0.4, "50-75": 0.6, "75-100": 0.9}


def new(fid: str, registered: dt.date = PRE) -> WorkFolder:
    f, _ = wf.create_folder(fid, on=registered, jobseeker_ref=f"js-{fid}")
    return f


def profiled(f: WorkFolder, band: str, on: dt.date) -> WorkFolder:
    p = ProfileRecord(
        taken_on=on,
        probability=_PROBABILITY[band],
        band=band,
        questionnaire_id="q",
        questionnaire_version="1",
        model_id="m",
        model_version="1",
    )
    return wf.add_profile(f, p, on=on, actor="jobseeker")[0]


def invited(f: WorkFolder, cid: str, kind: str, at: dt.date) -> WorkFolder:
    set_on = min(at, PRE)
    f, _ = wf.propose_conversation(f, cid, kind, on=set_on, actor=COACH)
    f, _ = wf.invite_conversation(f, cid, on=set_on, at=at, actor=COACH)
    return f


def held(f: WorkFolder, cid: str, kind: str, on: dt.date) -> WorkFolder:
    f = invited(f, cid, kind, on)
    return wf.hold_conversation(f, cid, on=on, actor=COACH)[0]


def missed(f: WorkFolder, cid: str, kind: str, on: dt.date) -> WorkFolder:
    f = invited(f, cid, kind, on)
    return wf.record_no_show(f, cid, on=on, actor=COACH)[0]


def plan_agreed(f: WorkFolder, on: dt.date, *, services: bool = True) -> WorkFolder:
    extra = [ExtraService(name="training", reason="step 2: weak job-search intention")]
    f, _ = wf.draft_plan(f, "p-1", on=PRE, actor=COACH, services=extra if services else [])
    return wf.agree_plan(f, "p-1", on=on, actor=COACH)[0]


def reminded(f: WorkFolder, on: dt.date) -> WorkFolder:
    f, _ = wf.add_activity(f, "a-1", "application", due=D(2017, 1, 9), on=PRE, actor=COACH)
    f, _ = wf.mark_activity_overdue(f, "a-1", on=D(2017, 1, 16))
    return wf.remind_activity(f, "a-1", on=on, actor=COACH)[0]


def case_opened(f: WorkFolder, on: dt.date) -> WorkFolder:
    f = missed(f, "c-x", "coaching", PRE)
    return wf.open_case(
        f, "k-1", ground="no_show", on=on, actor=COACH, reason="missed", source_id="c-x"
    )[0]


def responded(f: WorkFolder) -> WorkFolder:
    f = case_opened(f, PRE)
    f, _ = wf.inform_case(f, "k-1", on=PRE, actor=COACH, policy=MEASURES)
    return wf.record_response(f, "k-1", on=D(2017, 1, 3), actor=COACH, response="I was ill")[0]


def measure_proposed(f: WorkFolder, on: dt.date) -> WorkFolder:
    return wf.propose_measure(responded(f), "k-1", on=on, actor=COACH, policy=MEASURES)[0]


def measure_decided(f: WorkFolder, on: dt.date, *, imposed: bool) -> WorkFolder:
    f = measure_proposed(f, D(2017, 1, 4))
    return wf.decide_measure(f, "k-1", on=on, actor="d-1", reason="heard", imposed=imposed)[0]


def no_measure(f: WorkFolder, on: dt.date) -> WorkFolder:
    return wf.decide_no_measure(responded(f), "k-1", on=on, actor="d-1", reason="excused")[0]


def work_found(f: WorkFolder, on: dt.date) -> WorkFolder:
    return wf.record_work_found(f, on=on, actor=COACH)[0]


Builder = Callable[[WorkFolder, dt.date], WorkFolder]

# figure -> a way to make one event that the figure counts, on a given day
EVENT_FIGURES: dict[str, Builder] = {
    "orientation_held": lambda f, d: held(f, "c-1", "orientation", d),
    "monitor_held": lambda f, d: held(f, "c-1", "monitor", d),
    "coaching_held": lambda f, d: held(f, "c-1", "coaching", d),
    "early_contact_held": lambda f, d: held(f, "c-1", "early_contact", d),
    "no_shows": lambda f, d: missed(f, "c-1", "orientation", d),
    "plans_with_services": lambda f, d: plan_agreed(f, d),
    "reminders_sent": reminded,
    "enforcement_referrals": case_opened,
    "measures_proposed": measure_proposed,
    "measures_imposed": lambda f, d: measure_decided(f, d, imposed=True),
    "no_measure_decided": no_measure,
    "work_found": work_found,
}


def report_of(
    folders: list[WorkFolder], start: dt.date = START, end: dt.date = END
) -> rp.PeriodReport:
    return rp.period_report(folders, start=start, end=end)


# ------------------------------------------------------------------------------- the vocabulary


def test_every_key_has_two_distinct_labels() -> None:
    assert len(rp.FIGURE_KEYS) == len(set(rp.FIGURE_KEYS)) == 26
    for lang in rp.LANGUAGES:
        labels = [rp.label(k, lang) for k in rp.FIGURE_KEYS]
        assert all(labels)
        assert len(set(labels)) == len(labels)
    assert rp.label("coaching_held", "nl") == "Coachingsgesprekken gevoerd"
    assert rp.label("coaching_held", "en") == "Coaching conversations held"
    assert set(rp.FIGURE_KEYS) > rp.SHARE_KEYS


def test_label_refuses_unknown_key_and_language() -> None:
    with pytest.raises(InvalidInput, match="language"):
        rp.label("registered", "de")
    with pytest.raises(InvalidInput, match="'nope'"):
        rp.label("nope", "en")


@pytest.mark.parametrize(
    ("band", "group"),
    [
        ("0-25", "0-50"),
        ("25-50", "0-50"),
        ("50-75", "50-100"),
        ("75-100", "50-100"),
        (None, "none"),
    ],
)
def test_band_group(band: str | None, group: str) -> None:
    assert rp.band_group(band) == group


def test_band_group_refuses_unknown_band() -> None:
    with pytest.raises(InvalidInput):
        rp.band_group("0-50")


# --------------------------------------------------------------------------- counting events


@pytest.mark.parametrize("figure", sorted(EVENT_FIGURES))
def test_event_figures_count_boundary_days_and_not_one_day_outside(figure: str) -> None:
    build = EVENT_FIGURES[figure]
    folders = [build(new(f"f-{i}"), day) for i, day in enumerate(BOUNDARY)]
    r = report_of(folders)
    assert r.figures[figure] == 2
    # and one folder per day: each day is counted only when inside
    for day in BOUNDARY:
        expected = 1 if START <= day <= END else 0
        assert report_of([build(new("f"), day)]).figures[figure] == expected


def test_event_figures_do_not_leak_into_each_other() -> None:
    mid = D(2017, 3, 15)
    r = report_of([held(new("f-1"), "c-1", "monitor", mid)])
    counts = {k: v for k, v in r.figures.items() if k not in rp.SHARE_KEYS and v}
    assert counts == {"monitor_held": 1}


def test_no_measure_counts_decisions_that_imposed_none() -> None:
    mid = D(2017, 3, 15)
    folders = [
        measure_decided(new("f-1"), mid, imposed=False),
        measure_decided(new("f-2"), mid, imposed=True),
        no_measure(new("f-3"), mid),
    ]
    r = report_of(folders)
    assert r.figures["no_measure_decided"] == 2
    assert r.figures["measures_imposed"] == 1


def test_plans_without_services_and_revisions_are_not_counted() -> None:
    mid = D(2017, 3, 15)
    plain = plan_agreed(new("f-1"), mid, services=False)
    revised = plan_agreed(new("f-2"), D(2017, 2, 1))
    revised, _ = wf.revise_plan(revised, "p-1", on=mid, actor=COACH, reason="more help")
    r = report_of([plain, revised])
    assert r.figures["plans_with_services"] == 0


def test_several_events_in_one_folder_are_each_counted() -> None:
    f = new("f-1")
    for i, day in enumerate((D(2017, 3, 2), D(2017, 3, 9), D(2017, 4, 2))):
        f = held(f, f"c-{i}", "coaching", day)
    assert report_of([f]).figures["coaching_held"] == 2


# ---------------------------------------------------------------------------- band groups


def test_orientation_by_band_group_of_latest_profile_on_the_day() -> None:
    day = D(2017, 3, 10)
    weak = held(profiled(new("f-1"), "0-25", D(2017, 3, 1)), "c-1", "orientation", day)
    same_day = held(profiled(new("f-2"), "25-50", day), "c-1", "orientation", day)
    good = held(profiled(new("f-3"), "75-100", D(2017, 2, 1)), "c-1", "orientation", day)
    later = held(new("f-4"), "c-1", "orientation", day)
    later = profiled(later, "0-25", D(2017, 3, 20))  # taken after the conversation: no profile then
    moved = profiled(profiled(new("f-5"), "25-50", D(2017, 2, 1)), "50-75", D(2017, 3, 5))
    moved = held(moved, "c-1", "orientation", day)
    none = held(new("f-6"), "c-1", "orientation", day)
    r = report_of([weak, same_day, good, later, moved, none])
    assert r.figures["orientation_held"] == 6
    assert r.figures["orientation_held_0_50"] == 2
    assert r.figures["orientation_held_50_100"] == 2
    assert r.figures["orientation_held_none"] == 2


def test_plans_with_services_by_band_group() -> None:
    day = D(2017, 3, 10)
    folders = [
        plan_agreed(profiled(new("f-1"), "25-50", D(2017, 2, 1)), day),
        plan_agreed(profiled(new("f-2"), "50-75", D(2017, 2, 1)), day),
        plan_agreed(profiled(new("f-3"), "75-100", day), day),
        plan_agreed(new("f-4"), day),
        profiled(plan_agreed(new("f-5"), day), "0-25", D(2017, 3, 11)),
    ]
    r = report_of(folders)
    assert r.figures["plans_with_services"] == 5
    assert r.figures["plans_with_services_0_50"] == 1
    assert r.figures["plans_with_services_50_100"] == 2
    assert r.figures["plans_with_services_none"] == 2


# ------------------------------------------------------------------------ registration and profiler


def test_registered_profiled_and_take_up() -> None:
    folders = [new(f"f-{i}", day) for i, day in enumerate(BOUNDARY)]
    folders.append(profiled(new("f-4", D(2017, 3, 10)), "0-25", D(2017, 3, 12)))
    folders.append(profiled(new("f-5", D(2017, 3, 10)), "0-25", D(2017, 4, 1)))  # after the end
    folders.append(profiled(new("f-6", D(2017, 3, 31)), "50-75", D(2017, 3, 31)))
    folders.append(
        profiled(new("f-7", D(2017, 2, 1)), "50-75", D(2017, 3, 3))
    )  # not registered in March
    r = report_of(folders)
    assert r.figures["registered"] == 2 + 3
    assert r.figures["profiled"] == 2
    assert r.figures["profiler_take_up"] == 0.4


def test_take_up_is_zero_when_nobody_registered() -> None:
    r = report_of([])
    assert r.figures["registered"] == 0
    assert r.figures["profiler_take_up"] == 0.0
    assert list(r.figures) == list(rp.FIGURE_KEYS)


def test_take_up_is_rounded_to_six_decimals() -> None:
    folders = [
        profiled(new("f-1", START), "0-25", START),
        profiled(new("f-2", START), "50-75", END),
        new("f-3", START),
    ]
    assert report_of(folders).figures["profiler_take_up"] == 0.666667


# ----------------------------------------------------------------------------- digital only


def test_digital_only_in_the_first_three_months() -> None:
    folders = [
        # registered 1 Dec: three months end 1 March (in); no conversation; work on 28 Feb (within)
        work_found(new("a", D(2016, 12, 1)), D(2017, 2, 28)),
        # 31 Dec + 3 months = 31 March (in); a conversation on 30 March, inside the three months
        held(new("b", D(2016, 12, 31)), "c-1", "coaching", D(2017, 3, 30)),
        # 15 Dec: three months end 15 March; held on 15 March is after them; work on 15 March too late
        work_found(
            held(new("c", D(2016, 12, 15)), "c-1", "orientation", D(2017, 3, 15)), D(2017, 3, 15)
        ),
        # 30 Nov + 3 months = 28 Feb: not in the cohort
        new("d", D(2016, 11, 30)),
        # 1 Jan + 3 months = 1 April: not in the cohort
        new("e", D(2017, 1, 1)),
        # 10 Dec: digital only, found work in January
        work_found(new("f", D(2016, 12, 10)), D(2017, 1, 5)),
        # 20 Dec: a no-show is not a conversation held
        missed(new("g", D(2016, 12, 20)), "c-1", "orientation", D(2017, 1, 10)),
    ]
    r = report_of(folders)
    assert r.figures["three_months_completed"] == 5
    assert r.figures["digital_only_3m"] == 4
    assert r.figures["digital_only_3m_share"] == 0.8
    assert r.figures["digital_only_work_3m"] == 2
    assert r.figures["digital_only_work_3m_share"] == 0.5


def test_digital_only_shares_are_zero_without_a_cohort() -> None:
    r = report_of([held(new("b", D(2016, 12, 31)), "c-1", "coaching", D(2017, 1, 30))])
    assert r.figures["three_months_completed"] == 1
    assert r.figures["digital_only_3m"] == 0
    assert r.figures["digital_only_3m_share"] == 0.0
    assert r.figures["digital_only_work_3m_share"] == 0.0


# ---------------------------------------------------------------------------- the report value


def test_period_report_reads_a_generator_once() -> None:
    folders = [held(new(f"f-{i}"), "c-1", "monitor", D(2017, 3, 5)) for i in range(3)]
    assert rp.period_report(iter(folders), start=START, end=END).figures["monitor_held"] == 3


def test_period_report_refuses_a_reversed_period() -> None:
    with pytest.raises(InvalidInput, match="before the start"):
        rp.period_report([], start=END, end=START)


def test_a_single_day_period() -> None:
    f = held(new("f-1"), "c-1", "monitor", START)
    assert rp.period_report([f], start=START, end=START).figures["monitor_held"] == 1


@pytest.mark.parametrize(
    ("figures", "fragment"),
    [
        ({"nope": 1}, "not a figure key"),
        ({"registered": -1}, "count >= 0"),
        ({"registered": 1.5}, "count >= 0"),
        ({"registered": True}, "count >= 0"),
        ({"profiler_take_up": 1.5}, "share 0..1"),
        ({"profiler_take_up": 1}, "share 0..1"),
    ],
)
def test_report_refuses_bad_figures(figures: dict[str, int | float], fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        rp.PeriodReport(start=START, end=END, figures=figures)


def test_report_lists_every_problem() -> None:
    with pytest.raises(InvalidInput) as info:
        rp.PeriodReport(start=END, end=START, figures={"nope": 1, "registered": -1})
    assert len(info.value.problems) == 3


def test_figures_are_read_only_and_in_vocabulary_order() -> None:
    r = rp.PeriodReport(start=START, end=END, figures={"work_found": 1, "registered": 2})
    assert list(r.figures) == ["registered", "work_found"]
    with pytest.raises(TypeError):
        r.figures["registered"] = 3  # type: ignore[index]


def _sample() -> list[WorkFolder]:
    return [
        held(
            profiled(new("f-1", D(2017, 3, 2)), "25-50", D(2017, 3, 3)),
            "c-1",
            "orientation",
            D(2017, 3, 9),
        ),
        plan_agreed(new("f-2", D(2016, 12, 20)), D(2017, 3, 20)),
        reminded(new("f-3"), D(2017, 3, 14)),
        work_found(new("f-4", D(2016, 12, 5)), D(2017, 2, 1)),
        new("f-5", D(2017, 3, 30)),
    ]


def test_json_envelope_content_and_round_trip() -> None:
    r = report_of(_sample())
    doc = json.loads(r.to_json())
    assert doc["schema"] == rp.REPORT_SCHEMA
    assert doc["schema_version"] == 1
    assert doc["data"]["start"] == "2017-03-01"
    assert doc["data"]["end"] == "2017-03-31"
    assert doc["data"]["figures"] == dict(r.figures)
    assert doc["data"]["figures"]["orientation_held_0_50"] == 1
    assert doc["data"]["figures"]["profiler_take_up"] == 0.5
    back = rp.PeriodReport.from_json(r.to_json())
    assert back == r
    assert type(back.figures["profiler_take_up"]) is float
    assert type(back.figures["registered"]) is int


def test_json_is_deterministic_and_sorted() -> None:
    a = report_of(_sample()).to_json()
    b = report_of(list(reversed(_sample()))).to_json()
    assert a == b
    assert a == json.dumps(json.loads(a), sort_keys=True, ensure_ascii=False)


def test_from_json_refuses_a_bad_figure() -> None:
    doc = json.loads(report_of([]).to_json())
    doc["data"]["figures"]["registered"] = -4
    with pytest.raises(InvalidInput):
        rp.PeriodReport.from_json(json.dumps(doc))


def test_csv_one_row_per_figure() -> None:
    r = report_of(_sample())
    rows = list(csv.DictReader(io.StringIO(r.to_csv())))
    assert [row["key"] for row in rows] == list(rp.FIGURE_KEYS)
    for row in rows:
        assert row["label_en"] == rp.label(row["key"], "en")
        assert row["label_nl"] == rp.label(row["key"], "nl")
        value = r.figures[row["key"]]
        assert (float(row["value"]) if isinstance(value, float) else int(row["value"])) == value
    assert {row["key"]: row["value"] for row in rows}["registered"] == "2"


def test_text_table_in_both_languages() -> None:
    r = report_of(_sample())
    en = r.to_text()
    nl = r.to_text("nl")
    assert "Period report 2017-03-01 - 2017-03-31" in en
    assert "Periodeoverzicht" in nl
    assert "Work plans with extra services" in en
    assert "Werkplannen met extra dienstverlening" in nl
    assert "50.0 %" in en
    assert "50,0 %" in nl
    body = en.splitlines()[4:]
    assert len(body) == len(rp.FIGURE_KEYS)
    assert len({len(line) for line in body}) == 1  # values right-aligned in one column
    with pytest.raises(InvalidInput):
        r.to_text("fr")


def test_text_groups_thousands_per_language() -> None:
    r = rp.PeriodReport(start=START, end=END, figures={"orientation_held": 121200})
    assert "121,200" in r.to_text("en")
    assert "121.200" in r.to_text("nl")


# ----------------------------------------------------------------------------------- scaled


def test_scaled_multiplies_counts_and_keeps_shares() -> None:
    r = report_of(_sample())
    s = rp.scaled(r, 100)
    for key, value in r.figures.items():
        if key in rp.SHARE_KEYS:
            assert s.figures[key] == value
        else:
            assert s.figures[key] == value * 100
            assert type(s.figures[key]) is int
    assert (s.start, s.end) == (r.start, r.end)
    assert rp.scaled(r, 1) == r


def test_scaled_rounds_to_int() -> None:
    r = rp.PeriodReport(start=START, end=END, figures={"registered": 3, "work_found": 1})
    assert dict(rp.scaled(r, 2.4).figures) == {"registered": 7, "work_found": 2}


@pytest.mark.parametrize("factor", [-1, float("nan"), float("inf")])
def test_scaled_refuses_bad_factor(factor: float) -> None:
    r = report_of([])
    with pytest.raises(InvalidInput, match="factor"):
        rp.scaled(r, factor)


# ---------------------------------------------------------------------------------- compare


def _report(start: dt.date = START, end: dt.date = END, **figures: int | float) -> rp.PeriodReport:
    return rp.PeriodReport(start=start, end=end, figures=figures)


def test_compare_deviations() -> None:
    real = _report(orientation_held=121, monitor_held=29, no_shows=5, profiler_take_up=0.7)
    fore = _report(orientation_held=100, monitor_held=32, no_shows=0, profiler_take_up=0.8)
    c = rp.compare(real, fore)
    # rows in vocabulary order, whatever order the figures were given in
    assert [r.key for r in c.rows] == [
        "profiler_take_up",
        "orientation_held",
        "monitor_held",
        "no_shows",
    ]
    o = c.row("orientation_held")
    assert (o.realised, o.forecast, o.deviation, o.deviation_share) == (121, 100, 21, 0.21)
    m = c.row("monitor_held")
    assert (m.deviation, m.deviation_share) == (-3, -0.09375)
    n = c.row("no_shows")
    assert (n.deviation, n.deviation_share) == (5, None)
    t = c.row("profiler_take_up")
    assert t.deviation == -0.1
    assert t.deviation_share == -0.125
    with pytest.raises(KeyError):
        c.row("registered")


def test_compare_of_full_reports_with_itself_is_all_zero() -> None:
    r = report_of(_sample())
    c = rp.compare(r, rp.scaled(r, 1))
    assert [row.key for row in c.rows] == list(rp.FIGURE_KEYS)
    assert all(row.deviation == 0 for row in c.rows)


def test_compare_records_both_periods() -> None:
    real = _report(START, END, registered=10)
    fore = _report(D(2017, 1, 1), D(2017, 12, 31), registered=120)
    c = rp.compare(real, fore)
    assert (c.realised_start, c.realised_end) == (START, END)
    assert (c.forecast_start, c.forecast_end) == (D(2017, 1, 1), D(2017, 12, 31))


def test_compare_refuses_different_key_sets_naming_them() -> None:
    real = _report(registered=1, work_found=2)
    fore = _report(registered=1, no_shows=3)
    with pytest.raises(InvalidInput) as info:
        rp.compare(real, fore)
    text = str(info.value)
    assert "work_found" in text
    assert "no_shows" in text
    assert len(info.value.problems) == 2


def test_comparison_outputs() -> None:
    c = rp.compare(
        _report(registered=110, no_shows=2, profiler_take_up=0.5),
        _report(registered=100, no_shows=0, profiler_take_up=0.4),
    )
    doc = json.loads(c.to_json())
    assert doc["schema"] == rp.COMPARISON_SCHEMA
    assert doc["data"]["realised_start"] == "2017-03-01"
    assert doc["data"]["rows"][0] == {
        "key": "registered",
        "realised": 110,
        "forecast": 100,
        "deviation": 10,
        "deviation_share": 0.1,
    }
    assert [r["key"] for r in doc["data"]["rows"]] == ["registered", "profiler_take_up", "no_shows"]
    assert doc["data"]["rows"][2]["deviation_share"] is None
    assert rp.Comparison.from_json(c.to_json()) == c
    assert (
        c.to_json()
        == rp.compare(
            _report(registered=110, no_shows=2, profiler_take_up=0.5),
            _report(registered=100, no_shows=0, profiler_take_up=0.4),
        ).to_json()
    )
    rows = list(csv.DictReader(io.StringIO(c.to_csv())))
    assert [r["key"] for r in rows] == ["registered", "profiler_take_up", "no_shows"]
    assert rows[0] == {
        "key": "registered",
        "label_en": "Registered",
        "label_nl": "Ingeschreven",
        "realised": "110",
        "forecast": "100",
        "deviation": "10",
        "deviation_share": "0.1",
    }
    assert rows[1]["deviation"] == "0.1"
    assert rows[2]["deviation_share"] == ""
    en = c.to_text()
    assert "Realised against forecast" in en
    assert "+10" in en
    assert "10.0 %" in en
    assert "+10.0 pp" in en
    nl = c.to_text("nl")
    assert "Realisatie tegen raming" in nl
    assert "Ingeschreven" in nl
    assert "10,0 %" in nl
    assert "+10,0 %-punt" in nl


# ----------------------------------------------------------------------------- monthly series


def test_monthly_counts_per_calendar_month_within_the_period() -> None:
    days = [D(2017, 1, 14), D(2017, 1, 15), D(2017, 2, 28), D(2017, 3, 10), D(2017, 3, 11)]
    folders = [held(new(f"f-{i}"), "c-1", "orientation", d) for i, d in enumerate(days)]
    folders.append(held(new("m"), "c-1", "monitor", D(2017, 2, 3)))
    folders.append(held(new("e"), "c-1", "early_contact", D(2017, 2, 3)))
    series = rp.monthly_counts(folders, start=D(2017, 1, 15), end=D(2017, 3, 10))
    assert list(series) == ["orientation", "monitor", "coaching"]
    assert series["orientation"] == [(D(2017, 1, 1), 1), (D(2017, 2, 1), 1), (D(2017, 3, 1), 1)]
    assert series["monitor"] == [(D(2017, 1, 1), 0), (D(2017, 2, 1), 1), (D(2017, 3, 1), 0)]
    assert series["coaching"] == [(D(2017, 1, 1), 0), (D(2017, 2, 1), 0), (D(2017, 3, 1), 0)]
    early = rp.monthly_counts(
        folders, start=D(2017, 2, 3), end=D(2017, 2, 3), kinds=["early_contact"]
    )
    assert early == {"early_contact": [(D(2017, 2, 1), 1)]}


def test_monthly_counts_over_a_year_boundary() -> None:
    series = rp.monthly_counts([], start=D(2016, 12, 31), end=D(2017, 1, 1), kinds=("coaching",))
    assert series == {"coaching": [(D(2016, 12, 1), 0), (D(2017, 1, 1), 0)]}


def test_monthly_counts_refuses_unknown_kind_and_bad_period() -> None:
    with pytest.raises(InvalidInput) as info:
        rp.monthly_counts([], start=END, end=START, kinds=("orientation", "lunch"))
    assert len(info.value.problems) == 2
    assert "lunch" in str(info.value)
