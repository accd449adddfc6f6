"""The work coach's dashboard: rows, flags, colours, order, views and errors."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap.dashboard import FLAGS, SORT_KEYS, Dashboard, DashboardRow, build_dashboard
from werkmap.errors import InvalidInput
from werkmap.plan import Colour
from werkmap.plan import folder as wf
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.folder import ProfileRecord, RouteRecord, WorkFolder
from werkmap.rules import default_policy, default_policy_dir, due_actions, folder_state, load_policy

D0 = dt.date(2025, 3, 3)  # a Monday, no public holidays in the weeks used below
COACH = "c-7"


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def profile(probability: float = 0.42, band: str = "25-50") -> ProfileRecord:
    return ProfileRecord(
        taken_on=D0,
        probability=probability,
        band=band,
        questionnaire_id="werkverkenner",
        questionnaire_version="2017.1",
        model_id="ww-logit",
        model_version="1.0.0",
    )


def route(outcome: str = "orientation") -> RouteRecord:
    return RouteRecord(decided_on=D0, outcome=outcome, rule_id="R-ROUTE-01", rule_version=1)


def new(
    folder_id: str, *, ref: str | None = None, profiled: bool = True, **kw: object
) -> WorkFolder:
    f, _ = wf.create_folder(
        folder_id, on=D0, jobseeker_ref=ref or f"js-{folder_id}", coach_id=COACH, **kw
    )
    if profiled:
        f, _ = wf.add_profile(f, profile(), on=D0, actor="system")
    return f


def one(folder: WorkFolder, on: dt.date = D0, **kw: object) -> DashboardRow:
    board = build_dashboard([folder], coach_id=COACH, on=on, **kw)
    assert len(board) == 1
    return board.rows[0]


def referred(folder: WorkFolder, activity_id: str = "a") -> WorkFolder:
    f, _ = wf.add_activity(folder, activity_id, "application", due=day(4), on=D0, actor=COACH)
    f, _ = wf.mark_activity_overdue(f, activity_id, on=day(5))
    f, _ = wf.remind_activity(f, activity_id, on=day(7), actor=COACH)
    f, _ = wf.refer_activity(f, activity_id, on=day(15), actor=COACH, reason="no response")
    return f


def with_duty_plan(
    folder: WorkFolder, *, done: int, duty: ApplicationDuty | None = None
) -> WorkFolder:
    f, _ = wf.draft_plan(
        folder, "p", on=D0, actor=COACH, application_duty=duty or ApplicationDuty()
    )
    f, _ = wf.agree_plan(f, "p", on=D0, actor=COACH)
    for i in range(done):
        f, _ = wf.add_activity(f, f"app-{i}", "application", due=day(25), on=D0, actor=COACH)
        f, _ = wf.complete_activity(f, f"app-{i}", on=day(2 + i), actor="jobseeker")
    return f


# ----------------------------------------------------------------------------------------- the row


def test_row_carries_profile_route_and_reference():
    f = new("f-1")
    f, _ = wf.record_route(f, route("coaching"), on=D0, actor="system")
    row = one(f)
    assert (row.folder_id, row.jobseeker_ref) == ("f-1", "js-f-1")
    assert (row.band, row.probability, row.route) == ("25-50", 0.42, "coaching")
    assert row.flags == ()
    bare = one(new("f-2", profiled=False))
    assert (bare.band, bare.probability, bare.route, bare.colour) == (None, None, None, None)


def test_latest_profile_and_route_win():
    f = new("f-1")
    f, _ = wf.add_profile(f, profile(0.8, "75-100"), on=day(1), actor="system")
    f, _ = wf.record_route(f, route("orientation"), on=D0, actor="system")
    f, _ = wf.record_route(f, route("digital"), on=day(1), actor=COACH)
    row = one(f, day(1))
    assert (row.band, row.probability, row.route) == ("75-100", 0.8, "digital")


@pytest.mark.parametrize(
    ("due", "on", "colour"),
    [
        (day(25), D0, Colour.GREEN),
        (day(7), D0, Colour.ORANGE),
        (day(8), D0, Colour.GREEN),
        (day(4), day(5), Colour.RED),
    ],
)
def test_colour_of_an_open_activity(due, on, colour):
    f, _ = wf.add_activity(new("f"), "a", "cv", due=due, on=D0, actor=COACH)
    assert one(f, on).colour is colour


def test_colour_is_the_most_urgent_and_overdue_counts():
    f = new("f")
    f, _ = wf.add_activity(f, "done", "cv", due=day(2), on=D0, actor=COACH)
    f, _ = wf.complete_activity(f, "done", on=day(1), actor="jobseeker")
    assert (one(f, day(1)).colour, one(f, day(1)).overdue) == (Colour.GREY, 0)
    f, _ = wf.add_activity(f, "far", "cv", due=day(30), on=D0, actor=COACH)
    assert one(f, day(1)).colour is Colour.GREEN
    f, _ = wf.add_activity(f, "near", "cv", due=day(4), on=D0, actor=COACH)
    assert one(f, day(1)).colour is Colour.ORANGE
    f, _ = wf.add_activity(f, "late1", "cv", due=day(3), on=D0, actor=COACH)
    f, _ = wf.add_activity(f, "late2", "cv", due=day(3), on=D0, actor=COACH)
    row = one(f, day(4))
    assert (row.colour, row.overdue) == (Colour.RED, 2), "late1 and late2; near is due today"
    f, _ = wf.mark_activity_overdue(f, "late1", on=day(4))
    f, _ = wf.remind_activity(f, "late1", on=day(5), actor=COACH)
    row = one(f, day(5))
    assert (row.colour, row.overdue) == (Colour.RED, 3)
    assert row.next_deadline == day(30)


def test_next_deadline_and_next_conversation():
    f = new("f")
    f, _ = wf.add_activity(f, "b", "cv", due=day(10), on=D0, actor=COACH)
    f, _ = wf.add_activity(f, "a", "cv", due=day(8), on=D0, actor=COACH)
    f, _ = wf.propose_conversation(f, "g", "coaching", on=D0, actor=COACH)
    row = one(f)
    assert (row.next_deadline, row.next_conversation, row.next_conversation_kind) == (
        day(8),
        None,
        None,
    ), "a proposed conversation has no date yet"
    f, _ = wf.invite_conversation(f, "g", on=D0, at=day(9), actor=COACH)
    row = one(f, day(9))
    assert (row.next_deadline, row.next_conversation, row.next_conversation_kind) == (
        day(10),
        day(9),
        "coaching",
    )


# ---------------------------------------------------------------------------------------- the flags


def test_no_profile_flag():
    assert "no_profile" in one(new("f", profiled=False)).flags
    assert "no_profile" not in one(new("f")).flags


def test_monitor_due_after_the_policy_months_without_a_conversation():
    f = new("f")
    assert "monitor_due" not in one(f, dt.date(2025, 9, 2)).flags, "one day short of 6 months"
    assert "monitor_due" in one(f, dt.date(2025, 9, 3)).flags
    assert "monitor_due" in one(f, dt.date(2025, 12, 1)).flags


def test_monitor_due_not_after_a_held_conversation():
    f = new("f")
    f, _ = wf.propose_conversation(f, "g", "orientation", on=D0, actor=COACH)
    f, _ = wf.invite_conversation(f, "g", on=D0, at=day(10), actor=COACH)
    assert "monitor_due" in one(f, dt.date(2025, 9, 3)).flags, "invited is not held"
    f, _ = wf.hold_conversation(f, "g", on=day(10), actor=COACH)
    assert "monitor_due" not in one(f, dt.date(2025, 9, 3)).flags


def test_monitor_due_for_a_pending_monitor_invitation():
    f = new("f")
    f, _ = wf.propose_conversation(f, "g", "orientation", on=D0, actor=COACH)
    f, _ = wf.invite_conversation(f, "g", on=D0, at=day(1), actor=COACH)
    f, _ = wf.hold_conversation(f, "g", on=day(1), actor=COACH)
    f, _ = wf.propose_conversation(f, "c", "coaching", on=day(2), actor=COACH)
    assert "monitor_due" not in one(f, day(2)).flags, "a coaching proposal is not a monitor one"
    f, _ = wf.propose_conversation(f, "m", "monitor", on=day(2), actor=COACH)
    assert "monitor_due" in one(f, day(2)).flags, "proposed"
    f, _ = wf.invite_conversation(f, "m", on=day(2), at=day(9), actor=COACH)
    row = one(f, day(2))
    assert "monitor_due" in row.flags, "invited"
    assert (row.next_conversation, row.next_conversation_kind) == (day(9), "monitor")
    f, _ = wf.hold_conversation(f, "m", on=day(9), actor=COACH)
    assert "monitor_due" not in one(f, day(9)).flags, "held"


def test_monitor_due_uses_the_policy_months(tmp_path: Path):
    amendment = tmp_path / "2025-01-01-monitor.toml"
    amendment.write_text(
        "[monitor_after_months]\nvalues = [{ valid_from = 2025-01-01, value = 3 }]\n",
        encoding="utf-8",
    )
    policy = load_policy(default_policy_dir(), amendment)
    f = new("f")
    assert "monitor_due" in one(f, dt.date(2025, 6, 3), policy=policy).flags
    assert "monitor_due" not in one(f, dt.date(2025, 6, 3)).flags


def test_referred_flag_from_a_referred_activity_and_open_cases():
    f = new("f")
    f, _ = wf.add_activity(f, "a", "application", due=day(4), on=D0, actor=COACH)
    f, _ = wf.mark_activity_overdue(f, "a", on=day(5))
    f, _ = wf.remind_activity(f, "a", on=day(7), actor=COACH)
    assert "referred" not in one(f, day(7)).flags, "reminded only"
    f, _ = wf.refer_activity(f, "a", on=day(15), actor=COACH, reason="no response")
    assert "referred" in one(f, day(15)).flags, "referred, no case yet"
    f, _ = wf.open_case(
        f, "k", ground="activity", on=day(15), actor=COACH, reason="r", source_id="a"
    )
    assert "referred" in one(f, day(15)).flags, "case open"
    f, _ = wf.close_case(f, "k", on=day(16), actor=COACH, reason="withdrawn")
    assert "referred" not in one(f, day(16)).flags, "the case is closed"


def test_referred_flag_from_an_application_duty_case():
    f = new("f")
    assert "referred" not in one(f).flags
    f, _ = wf.open_case(f, "k", ground="application_duty", on=D0, actor=COACH, reason="too few")
    assert "referred" in one(f).flags


def test_duty_ok_shortfall_and_the_flag():
    ok = one(with_duty_plan(new("f"), done=4), day(28))
    assert ok.duty == "ok"
    assert "duty_shortfall" not in ok.flags
    short = one(with_duty_plan(new("f"), done=3), day(28))
    assert short.duty == "shortfall"
    assert "duty_shortfall" in short.flags
    running = one(with_duty_plan(new("f"), done=3), day(26))
    assert running.duty == "ok", "the first period has not ended yet"
    assert one(new("g"), day(26)).duty == "ok"


def test_duty_is_judged_on_the_last_completed_period():
    f = with_duty_plan(new("f"), done=3)
    assert one(f, day(28)).duty == "shortfall"
    for i in range(4):
        f, _ = wf.add_activity(f, f"next-{i}", "application", due=day(50), on=day(28), actor=COACH)
        f, _ = wf.complete_activity(f, f"next-{i}", on=day(30 + i), actor="jobseeker")
    assert one(f, day(55)).duty == "shortfall", "the second period is still running on its last day"
    row = one(f, day(56))
    assert row.duty == "ok", "the second period was met"
    assert "duty_shortfall" not in row.flags


def test_the_duty_runs_from_registration_with_or_without_a_plan_as_the_sweep_counts_it():
    # before: on day 29 of a folder without a plan the sweep flagged a shortfall and the dashboard said "none"
    f = new("f")
    row = one(f, day(29))
    assert row.duty == "shortfall"
    assert "duty_shortfall" in row.flags
    state = folder_state(f)
    assert "flag_application_duty" in [
        a.kind for a in due_actions(state, day(29), default_policy())
    ]
    f, _ = wf.draft_plan(f, "p", on=day(10), actor=COACH, application_duty=ApplicationDuty())
    f, _ = wf.agree_plan(f, "p", on=day(10), actor=COACH)
    assert one(f, day(29)).duty == "shortfall", "the plan's date does not move the periods"


def test_the_dashboard_flags_what_the_monitor_rule_proposes():
    f = new("f")
    policy = default_policy()
    for n in (150, 182, 183, 200, 240):
        on = day(n)
        proposed = any(a.kind == "invite_monitor" for a in due_actions(folder_state(f), on, policy))
        assert ("monitor_due" in one(f, on).flags) == proposed, on


def test_an_invitation_past_its_date_without_outcome_is_flagged_and_monitor_still_due():
    f = new("f")
    f, _ = wf.propose_conversation(f, "c-1", "monitor", on=day(150), actor=COACH)
    f, _ = wf.invite_conversation(f, "c-1", on=day(150), at=day(160), actor=COACH)
    row = one(f, day(200))
    assert "outcome_missing" in row.flags
    assert "monitor_due" in row.flags


def test_duty_exempt_near_the_pension_date():
    f = with_duty_plan(new("f", pension_on=dt.date(2025, 12, 1)), done=0)
    row = one(f, day(28))
    assert row.duty == "exempt"
    assert "duty_shortfall" not in row.flags
    later = with_duty_plan(new("g", pension_on=dt.date(2027, 12, 1)), done=0)
    assert one(later, day(28)).duty == "shortfall"


def test_duty_count_is_the_dated_policy_value(tmp_path: Path):
    amendment = tmp_path / "2025-01-01-duty.toml"
    amendment.write_text(
        "[application_duty_count]\nvalues = [{ valid_from = 2025-01-01, value = 3 }]\n",
        encoding="utf-8",
    )
    policy = load_policy(default_policy_dir(), amendment)
    f = with_duty_plan(new("f"), done=3)
    assert one(f, day(28), policy=policy).duty == "ok"
    assert one(f, day(28)).duty == "shortfall"


def test_colour_horizon_is_the_dated_policy_value(tmp_path: Path):
    amendment = tmp_path / "2025-03-05-horizon.toml"
    amendment.write_text(
        "[colour_horizon_days]\nvalues = [{ valid_from = 2025-03-05, value = 3 }]\n",
        encoding="utf-8",
    )
    policy = load_policy(default_policy_dir(), amendment)
    f, _ = wf.add_activity(new("f"), "a", "cv", due=day(8), on=D0, actor=COACH)
    assert one(f, day(1), policy=policy).colour is Colour.ORANGE, "7 days left, horizon still 7"
    assert one(f, day(2), policy=policy).colour is Colour.GREEN, "6 days left, horizon 3 from day 2"
    assert one(f, day(2)).colour is Colour.ORANGE, "the default horizon stays 7"
    assert one(f, day(5), policy=policy).colour is Colour.ORANGE, "3 days left"


def test_work_found_flag_closes_the_folder():
    f = with_duty_plan(new("f"), done=0)
    f, _ = wf.propose_conversation(f, "m", "monitor", on=D0, actor=COACH)
    assert one(f, day(28)).flags == ("monitor_due", "duty_shortfall")
    f, _ = wf.record_work_found(f, on=day(20), actor=COACH)
    row = one(f, dt.date(2025, 10, 1))
    assert row.flags == ("work_found",), "no monitor or duty for a closed folder"
    assert row.duty == "none"
    assert "work_found" not in one(f, day(19)).flags, "not yet on that date"


def test_benefit_ended_flag():
    f = new("f")
    assert "benefit_ended" not in one(f, day(10)).flags
    f, _ = wf.record_benefit_ended(f, on=day(10), actor=COACH)
    assert one(f, day(10)).flags == ("benefit_ended",)
    ends = new("g", benefit_ends_on=day(30))
    assert "benefit_ended" not in one(ends, day(29)).flags
    assert "benefit_ended" in one(ends, day(30)).flags


def test_a_folder_with_every_flag_lists_them_in_vocabulary_order():
    f = with_duty_plan(new("f", profiled=False), done=0)
    f = referred(f)
    f, _ = wf.propose_conversation(f, "m", "monitor", on=D0, actor=COACH)
    row = one(f, day(28))
    assert row.flags == ("no_profile", "monitor_due", "referred", "duty_shortfall")
    f, _ = wf.record_benefit_ended(f, on=day(28), actor=COACH)
    f, _ = wf.record_work_found(f, on=day(28), actor=COACH)
    assert one(f, day(28)).flags == ("no_profile", "referred", "work_found", "benefit_ended")
    assert set(FLAGS) == {
        "no_profile",
        "monitor_due",
        "outcome_missing",
        "referred",
        "duty_shortfall",
        "work_found",
        "benefit_ended",
    }


# ---------------------------------------------------------------------------------------- the order


def caseload() -> list[WorkFolder]:
    """Folders whose urgency order is known: see test_default_order_is_urgency."""
    out = []
    # red with 2 overdue
    f = new("r2")
    f, _ = wf.add_activity(f, "a", "cv", due=day(1), on=D0, actor=COACH)
    f, _ = wf.add_activity(f, "b", "cv", due=day(2), on=D0, actor=COACH)
    out.append(f)
    # red with 1 overdue and a deadline later on
    f, _ = wf.add_activity(new("r1b", profiled=False), "a", "cv", due=day(2), on=D0, actor=COACH)
    f, _ = wf.add_activity(f, "b", "cv", due=day(20), on=D0, actor=COACH)
    out.append(f)
    # red with 1 overdue and an earlier deadline
    f, _ = wf.add_activity(new("r1a"), "a", "cv", due=day(2), on=D0, actor=COACH)
    f, _ = wf.add_activity(f, "b", "cv", due=day(10), on=D0, actor=COACH)
    f, _ = wf.add_profile(f, profile(0.9, "75-100"), on=D0, actor="system")
    out.append(f)
    # orange ties on the deadline: folder id decides
    for name in ("ob", "oa"):
        g, _ = wf.add_activity(new(name), "a", "cv", due=day(7), on=D0, actor=COACH)
        out.append(g)
    # green
    f, _ = wf.add_activity(new("g"), "a", "cv", due=day(30), on=D0, actor=COACH)
    f, _ = wf.add_profile(f, profile(0.1, "0-25"), on=D0, actor="system")
    f, _ = wf.propose_conversation(f, "c", "coaching", on=D0, actor=COACH)
    f, _ = wf.invite_conversation(f, "c", on=D0, at=day(6), actor=COACH)
    out.append(f)
    # grey
    f, _ = wf.add_activity(new("y"), "a", "cv", due=day(30), on=D0, actor=COACH)
    f, _ = wf.complete_activity(f, "a", on=D0, actor="jobseeker")
    f, _ = wf.propose_conversation(f, "c", "coaching", on=D0, actor=COACH)
    f, _ = wf.invite_conversation(f, "c", on=D0, at=day(4), actor=COACH)
    out.append(f)
    # no activity
    out.append(new("n", profiled=False))
    return out


ON = day(3)
URGENT = ["r2", "r1a", "r1b", "oa", "ob", "g", "y", "n"]


def board() -> Dashboard:
    return build_dashboard(reversed(caseload()), coach_id=COACH, on=ON)


def ids(b: Dashboard) -> list[str]:
    return [r.folder_id for r in b]


def test_default_order_is_urgency():
    b = board()
    assert ids(b) == URGENT
    assert [r.colour for r in b] == [Colour.RED] * 3 + [Colour.ORANGE] * 2 + [
        Colour.GREEN,
        Colour.GREY,
        None,
    ]
    assert [r.overdue for r in b][:3] == [2, 1, 1]
    assert ids(b.sorted_by("urgency")) == URGENT
    assert ids(build_dashboard(caseload(), coach_id=COACH, on=ON)) == URGENT, "input order is moot"


def test_urgency_descending_is_least_urgent_first():
    assert ids(board().sorted_by("urgency", descending=True)) == [
        "n",
        "y",
        "g",
        "oa",
        "ob",
        "r1b",
        "r1a",
        "r2",
    ]


@pytest.mark.parametrize(
    ("key", "descending", "expected"),
    [
        ("folder_id", False, ["g", "n", "oa", "ob", "r1a", "r1b", "r2", "y"]),
        ("folder_id", True, ["y", "r2", "r1b", "r1a", "ob", "oa", "n", "g"]),
        ("band", False, ["g", "oa", "ob", "r2", "y", "r1a", "n", "r1b"]),
        ("band", True, ["r1a", "oa", "ob", "r2", "y", "g", "n", "r1b"]),
        ("probability", False, ["g", "oa", "ob", "r2", "y", "r1a", "n", "r1b"]),
        ("probability", True, ["r1a", "oa", "ob", "r2", "y", "g", "n", "r1b"]),
        ("overdue", False, ["g", "n", "oa", "ob", "y", "r1a", "r1b", "r2"]),
        ("overdue", True, ["r2", "r1a", "r1b", "g", "n", "oa", "ob", "y"]),
        ("next_deadline", False, ["oa", "ob", "r1a", "r1b", "g", "n", "r2", "y"]),
        ("next_deadline", True, ["g", "r1b", "r1a", "oa", "ob", "n", "r2", "y"]),
        ("next_conversation", False, ["y", "g", "n", "oa", "ob", "r1a", "r1b", "r2"]),
        ("next_conversation", True, ["g", "y", "n", "oa", "ob", "r1a", "r1b", "r2"]),
    ],
)
def test_each_sort_key(key, descending, expected):
    # the latest profile of r1a is 0.9 and of g 0.1; r1b and n have none (last either way)
    assert ids(board().sorted_by(key, descending=descending)) == expected


def test_sorting_returns_a_new_dashboard():
    b = board()
    s = b.sorted_by("folder_id")
    assert ids(b) == URGENT, "the original is unchanged"
    assert (s.coach_id, s.on, len(s)) == (COACH, ON, len(b))


def test_unknown_sort_key_names_the_allowed_keys():
    with pytest.raises(InvalidInput) as info:
        board().sorted_by("colour")
    message = str(info.value)
    assert "'colour'" in message
    for key in SORT_KEYS:
        assert key in message


# ---------------------------------------------------------------------------------------- the views


@pytest.mark.parametrize(
    ("language", "headers", "title"),
    [
        (
            "en",
            ["Folder", "Jobseeker", "Band", "Chance", "Route", "Colour", "Overdue", "Next deadline",
             "Next conversation", "Application duty", "Flags"],
            "Dashboard of work coach c-7 on 2025-03-06",
        ),
        (
            "nl",
            ["Map", "Werkzoekende", "Band", "Kans", "Route", "Kleur", "Te laat", "Volgende termijn",
             "Volgend gesprek", "Sollicitatieplicht", "Signalen"],
            "Dashboard van adviseur werk c-7 op 2025-03-06",
        ),
    ],
)  # fmt: skip
def test_text_has_title_headers_a_row_per_folder_and_a_summary(language, headers, title):
    text = board().to_text(language)
    lines = text.splitlines()
    assert lines[0] == title
    for h in headers:
        assert h in lines[1]
    assert set(lines[2]) <= {"-", " "}
    body = lines[3:-1]
    assert [line.split()[0] for line in body] == URGENT
    summary = lines[-1]
    assert summary.startswith("8 ")
    if language == "en":
        assert "red 3, orange 2, green 1, grey 1, no activity 1" in summary
        assert "no profile 2" in summary
        assert "rood" not in text
    else:
        assert "rood 3, oranje 2, groen 1, grijs 1, geen activiteit 1" in summary
        assert "geen profiel 2" in summary
        assert "orange" not in text


def test_text_columns_line_up():
    lines = board().to_text().splitlines()
    start = lines[1].index("Colour")
    colours = [line[start:].split()[0] for line in lines[3:-1] if len(line) > start]
    assert colours[:7] == ["red", "red", "red", "orange", "orange", "green", "grey"]


def test_text_of_an_empty_dashboard():
    text = build_dashboard([], coach_id=COACH, on=ON).to_text("nl")
    assert "(geen mappen)" in text
    assert "0 map(pen)" in text


def test_text_cuts_a_pseudonym_and_hides_control_characters():
    f, _ = wf.create_folder("f", on=D0, bsn="111222333", pseudonym_key=b"0123456789abcdef0")
    g = new("g", ref="line\nbreak")
    text = build_dashboard([f, g], coach_id=COACH, on=D0).to_text()
    assert f.jobseeker_ref not in text
    assert f.jobseeker_ref[:20] in text
    assert "line?break" in text
    assert len(text.splitlines()) == 3 + 2 + 1


def test_html_escapes_everything():
    f = new("<b>f</b>", ref="<script>alert(1)</script>")
    html = build_dashboard([f], coach_id='c"&<', on=D0)._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;f&lt;/b&gt;" in html
    assert "<b>" not in html
    assert "c&quot;&amp;&lt;" in html
    assert html.startswith("<table")
    assert html.endswith("</table>")


def test_html_has_a_colour_cell_per_row():
    b = board()
    html = b._repr_html_()
    assert html.count("<tr>") == len(b) + 2, "header, rows, footer"
    assert html.count('class="colour"') == len(b)
    assert html.count("#d9534f") == 3, "three red rows"
    assert "<th>Kleur</th>" in b.to_html("nl")


@pytest.mark.parametrize("language", ["de", "EN", ""])
def test_unknown_language(language):
    with pytest.raises(InvalidInput, match="en, nl"):
        board().to_text(language)
    with pytest.raises(InvalidInput, match="en, nl"):
        board().to_html(language)


def test_records_are_json_ready():
    records = board().to_records()
    assert [r["folder_id"] for r in records] == URGENT
    assert json.loads(json.dumps(records)) == records
    g = records[URGENT.index("g")]
    assert g == {
        "folder_id": "g",
        "jobseeker_ref": "js-g",
        "band": "0-25",
        "probability": 0.1,
        "route": None,
        "colour": "green",
        "overdue": 0,
        "next_deadline": day(30).isoformat(),
        "next_conversation": day(6).isoformat(),
        "next_conversation_kind": "coaching",
        "duty": "ok",
        "flags": [],
    }
    assert records[-1]["colour"] is None


def test_len_and_iter():
    b = board()
    assert len(b) == 8
    assert list(b) == list(b.rows)
    assert len(build_dashboard([], coach_id=COACH, on=D0)) == 0


def test_duplicate_folders_are_refused():
    f = new("f")
    with pytest.raises(InvalidInput, match=r"\$\.folders\[2\]\.folder_id"):
        build_dashboard([f, new("g"), f], coach_id=COACH, on=D0)


def test_the_folders_are_shown_as_given_the_shell_filters():
    f, _ = wf.create_folder("other", on=D0, jobseeker_ref="x", coach_id="c-9")
    assert ids(build_dashboard([f], coach_id=COACH, on=D0)) == ["other"]


# ---------------------------------------------------------------------------------------- property

_BANDS = (
    ("0-25", 0.0, 0.25),
    ("25-50", 0.2501, 0.5),
    ("50-75", 0.5001, 0.75),
    ("75-100", 0.7501, 1.0),
)


@st.composite
def folders(draw: st.DrawFn) -> list[WorkFolder]:
    out = []
    for i in range(draw(st.integers(0, 7))):
        f = new(f"f{i:02d}", profiled=False)
        if draw(st.booleans()):
            band, low, high = draw(st.sampled_from(_BANDS))
            p = draw(st.floats(low, high, allow_nan=False))
            f, _ = wf.add_profile(f, profile(p, band), on=D0, actor="system")
        for j in range(draw(st.integers(0, 3))):
            due = day(draw(st.integers(1, 20)))
            f, _ = wf.add_activity(f, f"a{j}", "application", due=due, on=D0, actor=COACH)
            if draw(st.booleans()):
                f, _ = wf.complete_activity(f, f"a{j}", on=D0, actor="jobseeker")
        if draw(st.booleans()):
            f, _ = wf.propose_conversation(f, "c", "coaching", on=D0, actor=COACH)
            f, _ = wf.invite_conversation(
                f, "c", on=D0, at=day(draw(st.integers(0, 20))), actor=COACH
            )
        out.append(f)
    return out


@given(folders(), st.integers(0, 25), st.sampled_from(SORT_KEYS), st.booleans())
def test_sorting_keeps_the_rows(fs, offset, key, descending):
    b = build_dashboard(fs, coach_id=COACH, on=day(offset))
    s = b.sorted_by(key, descending=descending)
    assert Counter(s.rows) == Counter(b.rows)
    assert len(s) == len(fs)
    assert s.sorted_by("urgency").rows == b.rows, "back to the default order"
    if key == "probability":
        known = [r.probability for r in s if r.probability is not None]
        assert known == sorted(known, reverse=descending)
        assert all(r.probability is None for r in s.rows[len(known) :]), "none last"


def test_the_chance_is_written_as_each_language_writes_a_percentage():
    board = build_dashboard([new("f-1")], coach_id=COACH, on=D0)
    assert "42 %" in board.to_text("nl")
    assert "42%" not in board.to_text("nl")
    assert "42 %" in board.to_html("nl")


def test_a_closed_case_leaves_its_activity_s_colour():
    # before: a referred activity kept its folder red for ever after its case was closed
    f = referred(new("f"))
    f, _ = wf.open_case(
        f, "k-1", ground="activity", on=day(15), actor=COACH, reason="no response", source_id="a"
    )
    assert one(f, day(20)).colour is Colour.RED
    assert wf.activity_colours(f, day(20))["a"] is Colour.RED
    f, _ = wf.close_case(f, "k-1", on=day(21), actor=COACH, reason="withdrawn after hearing")
    assert wf.activity_colours(f, day(22))["a"] is Colour.GREY
    assert wf.most_urgent_colour(f, day(22)) is Colour.GREY
    row = one(f, day(22))
    assert row.colour is Colour.GREY
    assert "referred" not in row.flags
