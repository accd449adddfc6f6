"""Sample ``WorkFolder`` values for the conformance kit, built with the change functions of :mod:`werkmap.plan`.

Private: the kit's ``werkmap_samples`` fixture returns a :class:`WorkFolderSamples`.
"""

from __future__ import annotations

import datetime as dt

from werkmap.plan import folder as wf
from werkmap.plan.duty import ApplicationDuty
from werkmap.plan.enforcement import MeasurePolicy
from werkmap.plan.workplan import ExtraService

__all__ = ["WorkFolderSamples"]

START = dt.date(2024, 3, 4)

# The packaged policy's measure table (the store does not read policy files; a test holds them equal).
MEASURES = MeasurePolicy(
    base_percent=25.0,
    repeat_increase_percent=50.0,
    repeat_window_months=24,
    refusal_breaches=3,
    refusal_window_months=12,
    duration_weeks=16,
    response_working_days=10,
    version="2016-10-01",
)


def _after(days: int) -> dt.date:
    return START + dt.timedelta(days=days)


class WorkFolderSamples:
    """Makes ``WorkFolder`` values: small ones, large ones, and ones holding every kind of value."""

    def new(self, folder_id: str, *, events: int = 2, note: str = "") -> wf.WorkFolder:
        """Return a new folder with at least ``events`` events; ``note`` goes into activity titles."""
        folder, _ = wf.create_folder(
            folder_id, on=START, jobseeker_ref=f"ref-{folder_id}", coach_id="coach-1"
        )
        for i in range(1, max(events, 1)):
            folder, _ = wf.add_activity(
                folder,
                f"a-{i}",
                "application",
                due=_after(14 + i % 20),
                on=START,
                actor="coach-1",
                title=note,
            )
        return folder

    def advance(self, folder: wf.WorkFolder, *, note: str = "") -> wf.WorkFolder:
        """Return the folder after one more change (an activity added, titled ``note``)."""
        n = len(folder.events) + 1
        changed, _ = wf.add_activity(
            folder,
            f"adv-{n}",
            "other_task",
            due=_after(30),
            on=START,
            actor="coach-1",
            title=note,
        )
        return changed

    def variety(self) -> list[wf.WorkFolder]:
        """Return folders that hold every kind of value.

        Profiles, routing decisions, the profiler invitation, handled actions, plans, services,
        conversations, enforcement cases and measures.
        """
        plain, _ = wf.create_folder("v-plain", on=START, jobseeker_ref="ref-plain")
        by_bsn, _ = wf.create_folder(
            "v-bsn",
            on=START,
            bsn="111222333",
            pseudonym_key=b"a-secret-key-of-the-host",
            registered_on=START - dt.timedelta(days=3),
            benefit_ends_on=_after(365),
            pension_on=dt.date(2040, 1, 1),
        )
        by_bsn, _ = wf.record_work_found(by_bsn, on=_after(60), actor="jobseeker")
        by_bsn, _ = wf.record_benefit_ended(by_bsn, on=_after(61), actor="system", reason="werk")
        rich = self._rich()
        return [plain, by_bsn, rich]

    def _rich(self) -> wf.WorkFolder:
        on = START
        f, _ = wf.create_folder("v-rich", on=on, jobseeker_ref="ref-rich", coach_id="coach-ĳ")
        arm = wf.ArmAssignment(
            experiment_id="uwv-ww-2017",
            experiment_version=1,
            arm="control_enforcement",
            services=False,
            enforcement=True,
            assigned_on=on,
        )
        f, _ = wf.assign_arm(f, arm, on=on)
        f, _ = wf.invite_to_profiler(f, on=on)
        profile = wf.ProfileRecord(
            taken_on=on,
            probability=0.4999999999999999,
            band="25-50",
            questionnaire_id="werkverkenner",
            questionnaire_version="2017.1",
            model_id="illustrative",
            model_version="1.0.0",
            top_hindrances=("health", "self-efficacy"),
        )
        f, _ = wf.add_profile(f, profile, on=on, actor="system")
        shadow = wf.ShadowScore(
            taken_on=on, probability=0.61, band="50-75", model_id="candidate", model_version="2"
        )
        f, _ = wf.add_shadow(f, shadow, on=on, actor="system")
        route = wf.RouteRecord(
            decided_on=on,
            outcome="orientation",
            rule_id="R-ROUTE-01",
            rule_version=1,
            reason_nl="Kans op werk ≤ 50 %",
            reason_en="Chance of work ≤ 50 %",
        )
        f, _ = wf.record_route(f, route, on=on, actor="system")
        # the id werkmap.rules.due.action_id("v-rich", "invite_profiler", "", START) gives
        f, _ = wf.record_actions(f, [("4223e4f02a5ef14d4f49e875", "invite_profiler", "")], on=on)
        f, _ = wf.request_conversation(f, on=on, note="Graag een gesprek — ‘s ochtends")
        f, _ = wf.propose_conversation(f, "c-1", "orientation", on=on, actor="system")
        f, _ = wf.invite_conversation(f, "c-1", on=on, at=_after(7), actor="coach-1")
        f, _ = wf.hold_conversation(f, "c-1", on=_after(7), actor="coach-1", outcome="plan gemaakt")
        f, _ = wf.add_activity(
            f, "a-1", "application", due=_after(14), on=_after(7), actor="coach-1", title="Bäckerei"
        )
        f, _ = wf.add_activity(f, "a-2", "cv", due=_after(10), on=_after(7), actor="coach-1")
        f, _ = wf.add_activity(f, "a-3", "workshop", due=_after(21), on=_after(7), actor="coach-1")
        f, _ = wf.draft_plan(
            f,
            "p-1",
            on=_after(7),
            actor="coach-1",
            application_duty=ApplicationDuty(required=4, period_days=28),
            activity_ids=("a-1", "a-2"),
            services=(ExtraService(name="sollicitatietraining", reason="zelfvertrouwen"),),
            note="afspraken 🙂",
        )
        f, _ = wf.agree_plan(f, "p-1", on=_after(7), actor="coach-1")
        f, _ = wf.complete_activity(f, "a-1", on=_after(12), actor="jobseeker")
        f, _ = wf.mark_activity_overdue(f, "a-2", on=_after(15))
        f, _ = wf.remind_activity(f, "a-2", on=_after(16), actor="coach-1")
        f, _ = wf.refer_activity(f, "a-2", on=_after(30), actor="coach-1", reason="geen reactie")
        f, _ = wf.open_case(
            f,
            "k-1",
            ground="activity",
            on=_after(30),
            actor="coach-1",
            reason="cv",
            source_id="a-2",
        )
        f, _ = wf.inform_case(f, "k-1", on=_after(31), actor="coach-1", policy=MEASURES)
        f, _ = wf.record_response(f, "k-1", on=_after(33), actor="jobseeker", response="vergeten")
        f, _ = wf.propose_measure(f, "k-1", on=_after(40), actor="coach-1", policy=MEASURES)
        f, _ = wf.decide_measure(
            f, "k-1", on=_after(41), actor="coach-1", reason="gehoord; geen excuus", imposed=True
        )
        return f
