"""What the jobseeker reads: the overview of their folder, explanations and letters (pure read models).

* :func:`overview`: the jobseeker's overview of their own Work Folder on a date (activities with deadline
  and colour, what is overdue, what happens next and when, the next conversation, the application duty,
  the work plan, the messages sent), beside the coach's dashboard (:mod:`werkmap.dashboard`);
* :func:`explain_route`: the explanation of a routing decision, generated from its stored records;
* :func:`adviser_items`: the coach's view's section for the adviser (what would move the band, the
  orientation conversation's agenda), :mod:`werkmap.jobseeker.adviser`;
* :func:`hearing_letter`, :func:`decision_letter` (:func:`case_letter` picks one of a case): the letters for a measure, a decision with legal
  effect, with the response and objection periods of the dated policy.

Texts are plain Dutch (B1) or English, rendered as text, HTML (escaped) and records.
"""

from __future__ import annotations

from werkmap.jobseeker._common import AUDIENCES, GLOSSARY
from werkmap.jobseeker.adviser import (
    ADVISER_SECTIONS,
    adviser_items,
    deciding_profile,
    route_profile,
)
from werkmap.jobseeker.explanation import (
    FIXED_CONSTRUCTS,
    TOP_FACTORS,
    Explanation,
    Factor,
    explain_route,
)
from werkmap.jobseeker.letters import (
    LETTER_CHANNEL,
    LETTER_KINDS,
    Letter,
    case_letter,
    decision_letter,
    hearing_letter,
    objection_deadline,
)
from werkmap.jobseeker.overview import (
    HORIZON_DAYS,
    JOBSEEKER_SECTIONS,
    SECTIONS,
    Item,
    Overview,
    overview,
)

__all__ = [
    "ADVISER_SECTIONS",
    "AUDIENCES",
    "FIXED_CONSTRUCTS",
    "GLOSSARY",
    "HORIZON_DAYS",
    "JOBSEEKER_SECTIONS",
    "LETTER_CHANNEL",
    "LETTER_KINDS",
    "SECTIONS",
    "TOP_FACTORS",
    "Explanation",
    "Factor",
    "Item",
    "Letter",
    "Overview",
    "adviser_items",
    "case_letter",
    "deciding_profile",
    "decision_letter",
    "explain_route",
    "hearing_letter",
    "objection_deadline",
    "overview",
    "route_profile",
]
