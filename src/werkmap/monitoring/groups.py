"""The groups monitoring and model comparison report error rates for: age group, education and band.

Groups come from answers the questionnaire has (item ``q01`` age and ``q02`` education of the packaged
Work Profiler) and from the profile's band. One home: the monitoring report (:mod:`.report`) and the
comparison of a candidate model (:mod:`.shadow`) both call :func:`group_columns`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["AGE_GROUPS", "EDUCATION_GROUPS", "age_group", "education_group", "group_columns"]

AGE_GROUPS = ("18-26", "27-44", "45-54", "55+")
"""The age groups (young people under 27 and those of 55 and over are the usual groups of concern)."""

EDUCATION_GROUPS: Mapping[str, str] = {
    "basis": "low",
    "vmbo": "low",
    "mbo": "middle",
    "havo_vwo": "middle",
    "hbo": "high",
    "wo": "high",
}
"""The education group of each education code of item ``q02``."""

AGE_ITEM = "q01"
EDUCATION_ITEM = "q02"


def age_group(age: object) -> str:
    """Return the age group of an age (``"unknown"`` when not a number).

    >>> age_group(26), age_group(27), age_group(55), age_group(None)
    ('18-26', '27-44', '55+', 'unknown')
    """
    if isinstance(age, bool) or not isinstance(age, int | float):
        return "unknown"
    if age < 27:
        return "18-26"
    if age < 45:
        return "27-44"
    if age < 55:
        return "45-54"
    return "55+"


def education_group(code: object) -> str:
    """Return the education group of an education code (``"unknown"`` when not known)."""
    return EDUCATION_GROUPS.get(str(code), "unknown") if code is not None else "unknown"


def group_columns(
    answers: Sequence[Mapping[str, object]], bands: Sequence[str]
) -> dict[str, npt.NDArray[np.str_]]:
    """Return the group columns (``age_group``, ``education``, ``band``) of people's answers and bands."""
    return {
        "age_group": np.array([age_group(a.get(AGE_ITEM)) for a in answers], dtype=np.str_),
        "education": np.array(
            [education_group(a.get(EDUCATION_ITEM)) for a in answers], dtype=np.str_
        ),
        "band": np.asarray(bands, dtype=np.str_),
    }
