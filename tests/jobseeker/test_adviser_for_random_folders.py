"""The coach's overview with the adviser's section, and every letter, for random folders in every state.

The folders' profiles are real ones (synthetic answers scored with the packaged model; sometimes an old
record without answers or one of another model). For each: no crash in either language; the recourse's
figures are the records' own (the new answers are scored again with the model: the printed new chance is
that score; the cut point printed is the model's), the agenda's date and chance are the folder's, and the
jobseeker's view holds none of it. Every letter of every case renders, the same twice.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from tests.jobseeker.folders import dates_in, folders

from werkmap.errors import InvalidInput
from werkmap.interventions import candidates, default_catalogue
from werkmap.jobseeker import (
    ADVISER_SECTIONS,
    SECTIONS,
    case_letter,
    decision_letter,
    hearing_letter,
    overview,
)
from werkmap.plan import folder as wf
from werkmap.profiler.model import default_model
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.recourse import CHANGEABLE, FIXED
from werkmap.profiler.scoring import score
from werkmap.rules import default_policy
from werkmap.texts import percent

POLICY = default_policy()
M = default_model()
Q = default_questionnaire()
C = default_catalogue()
LANGUAGES = st.sampled_from(["nl", "en"])
_PERCENT = re.compile(r"\d+(?:[.,]\d+)* %")


def _profile(folder: wf.WorkFolder, on: dt.date) -> wf.ProfileRecord | None:
    """The deciding profile, written out again: the route's own, else the latest taken by ``on``."""
    route = folder.latest_route
    if route is not None and not (route.inputs and route.inputs.get("probability") is None):
        made = [p for p in folder.profiles if p.taken_on <= route.decided_on]
        if made:
            return made[-1]
    taken = [p for p in folder.profiles if p.taken_on <= on]
    return taken[-1] if taken else None


def _text(items) -> str:
    return "\n".join(i.text for i in items)


@given(folders(scored=True), LANGUAGES)
def test_the_advisers_section_shows_the_records_own_figures(drawn, language):
    folder, on = drawn
    kwargs = {"policy": POLICY, "language": language, "model": M, "questionnaire": Q}
    o = overview(folder, on=on, audience="coach", catalogue=C, **kwargs)
    text, page = o.to_text(), o.to_html()
    assert json.dumps(o.to_record())
    assert [i.section for i in o.items] == sorted((i.section for i in o.items), key=SECTIONS.index)
    for name in ADVISER_SECTIONS:
        assert o.section(name), name
        assert f'class="{name}"' in page
    profile = _profile(folder, on)
    rec = o.section("recourse")
    head = rec[0]
    status = head.fields["status"]
    event(f"recourse: {status}")
    if profile is None:
        assert status == "no_profile"
    elif not profile.answers:
        assert status == "no_answers"
        assert dates_in(head.text) == [profile.taken_on]
    elif profile.model_ref != M.ref:
        assert status == "model_mismatch"
        assert profile.model_ref in head.text
    else:
        assert status in ("found", "top_band", "unreachable")
        f = head.fields
        assert f["guidance"] is True
        assert f["probability"] == pytest.approx(profile.probability, abs=1e-12)
        index = sum(1 for c in M.cut_points if profile.probability > c)
        answers = {k: json.loads(v) for k, v in profile.answers.items()}
        shown = {percent(profile.probability, language)}
        if status == "top_band":
            assert index == len(M.cut_points)
            assert f["cut_point"] is None
        else:
            assert f["cut_point"] == M.cut_points[index]
            shown.add(percent(M.cut_points[index], language, digits=None))
        if status == "found":
            changes = [i.fields for i in rec if i.fields.get("status") == "change"]
            assert changes
            assert {c["construct"] for c in changes} <= set(CHANGEABLE)
            assert not {c["construct"] for c in changes} & set(FIXED)
            for c in changes:
                assert answers.get(c["link_id"]) == c["before"]
                if c["after"] is None:
                    answers.pop(c["link_id"], None)
                else:
                    answers[c["link_id"]] = c["after"]
            again = score(answers, M, Q)
            assert f["new_probability"] == pytest.approx(again.probability, abs=1e-12)
            assert again.probability > M.cut_points[index]
            assert f["new_band"] == again.band
            shown.add(percent(again.probability, language))
            assert percent(again.probability, language) in _text(rec)
        printed = set(_PERCENT.findall(_text(rec)))
        assert printed == shown, (printed, shown)
        assert set(dates_in(_text(rec))) == {profile.taken_on}
        promise = "not a promise" if language == "en" else "geen belofte"
        assert promise in _text(rec) or status == "top_band"  # nothing proposed in the top band
    agenda = o.section("agenda")
    event(f"agenda: {agenda[0].fields['status']}")
    route = folder.latest_route
    if route is None or route.outcome != "orientation":
        assert [i.fields["status"] for i in agenda] == ["not_routed"]
        assert dates_in(agenda[0].text) == []
    else:
        conv = wf.next_conversation(folder, on)
        day = conv.scheduled_for if conv is not None and conv.kind == "orientation" else on
        assert agenda[0].day == day
        assert dates_in(_text(agenda)) == [day]
        ids = agenda[0].fields["candidates"]
        assert set(ids) <= {s.id for s in C.on(day)}, "services valid on the conversation's day"
        assert ids == [c.service.id for c in candidates(profile, C, on=day)]
        for c in candidates(profile, C, on=day):
            assert c.service.name.get(language) in _text(agenda)
        allowed = {percent(0.5, language, digits=None)}  # the band groups' bound, in a reason
        if profile is not None:
            allowed.add(percent(profile.probability, language))
            assert percent(profile.probability, language) in _text(agenda)
        assert set(_PERCENT.findall(_text(agenda))) <= allowed
    assert "Voor de adviseur" in text or "For the adviser" in text
    # the jobseeker's view: none of it, however the service is called
    mine = overview(folder, on=on, audience="jobseeker", catalogue=C, **kwargs)
    assert not {i.section for i in mine.items} & set(ADVISER_SECTIONS)
    if status == "found" and profile is not None:
        new = percent(head.fields["new_probability"], language)
        assert new == percent(profile.probability, language) or new not in mine.to_text()


@given(folders(scored=True), LANGUAGES)
def test_every_letter_of_every_case_renders_from_its_records(drawn, language):
    folder, _ = drawn
    for case in folder.cases:
        imposed = case.decision is not None and case.decision.imposed
        if case.proposal is None:
            with pytest.raises(InvalidInput, match="has no proposed measure"):
                case_letter(folder, case.case_id, policy=POLICY, language=language)
            continue
        latest = case_letter(folder, case.case_id, policy=POLICY, language=language)
        assert latest.kind == ("decision_letter" if imposed else "hearing_letter")
        hearing = case_letter(
            folder, case.case_id, kind="hearing", policy=POLICY, language=language
        )
        assert hearing == hearing_letter(folder, case.case_id, policy=POLICY, language=language)
        letters = [hearing]
        if imposed:
            decision = case_letter(
                folder, case.case_id, kind="decision", policy=POLICY, language=language
            )
            assert decision == decision_letter(
                folder, case.case_id, policy=POLICY, language=language
            )
            letters.append(decision)
        else:
            with pytest.raises(InvalidInput, match="has no decision imposing a measure"):
                case_letter(folder, case.case_id, kind="decision", policy=POLICY)
        for letter in letters:
            assert letter.to_text()
            assert letter.to_html().startswith("<article")
            assert json.dumps(letter.to_record())
            assert letter.dated in dates_in(letter.to_text())
    with pytest.raises(InvalidInput, match="no case"):
        case_letter(folder, "k-none", policy=POLICY, language=language)
