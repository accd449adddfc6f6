"""Outcomes linked to the profile behind each decision: one row per folder, as numpy columns.

The effect analysis (:mod:`werkmap.experiments`) and the model monitoring (:mod:`werkmap.monitoring`) both
start from the same question: for each jobseeker, when did they register, which profile routed them, and when
did they find work or leave the benefit, as far as we could see? This module answers it once.

An outcome is only known for the follow-up we have: a jobseeker registered on 1 March and observed until
1 May has two months of follow-up, so "work within 3 months" is not yet known for them. Every horizon
question therefore returns both the answer and whether it is known (:meth:`Outcomes.followed_up`).

Examples:
    >>> import datetime as dt
    >>> from werkmap.plan.folder import create_folder
    >>> f = create_folder("f-1", jobseeker_ref="js-1", registered_on=dt.date(2025, 1, 6),
    ...                   on=dt.date(2025, 1, 6), actor="system")[0]
    >>> o = outcomes([f], observed_until=dt.date(2025, 12, 31))
    >>> len(o), o.followed_up(6).tolist(), o.work_found_within(6).tolist()
    (1, [True], [False])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from werkmap.plan.folder import ProfileRecord, WorkFolder
from werkmap.rules.columnar import add_months_array

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Outcomes", "deciding_profile", "outcomes"]

_NAT = np.datetime64("NaT", "D")


def deciding_profile(folder: WorkFolder) -> ProfileRecord | None:
    """Return the profile behind the folder's first routing decision (the one the service acted on).

    That is the latest profile taken on or before the first route's day; without a route, the first profile;
    ``None`` for a folder without a profile.
    """
    if not folder.profiles:
        return None
    if folder.routes:
        first_route = folder.routes[0].decided_on
        before = [p for p in folder.profiles if p.taken_on <= first_route]
        if before:
            return before[-1]
    return folder.profiles[0]


def _day(value: dt.date | None) -> np.datetime64:
    return _NAT if value is None else np.datetime64(value, "D")


@attrs.frozen(kw_only=True, eq=False)
class Outcomes:
    """The outcome columns of a set of folders, one row per folder, in the order given.

    Attributes:
        folder_id: the folders' ids.
        registered_on: the registration days (``datetime64[D]``).
        profiled_on: the day of the deciding profile (:func:`deciding_profile`), ``NaT`` without one.
        probability: that profile's predicted chance of work within a year, ``nan`` without one.
        band: that profile's band, ``""`` without one.
        model_ref: that profile's model ``id|version``, ``""`` without one.
        work_found_on: the day work was recorded as found, ``NaT`` if not (yet).
        benefit_ended_on: the day the benefit ended, ``NaT`` if not (yet).
        observed_until: the last day the data covers (the follow-up ends here).
    """

    folder_id: npt.NDArray[np.str_]
    registered_on: npt.NDArray[np.datetime64]
    profiled_on: npt.NDArray[np.datetime64]
    probability: npt.NDArray[np.float64]
    band: npt.NDArray[np.str_]
    model_ref: npt.NDArray[np.str_]
    work_found_on: npt.NDArray[np.datetime64]
    benefit_ended_on: npt.NDArray[np.datetime64]
    observed_until: dt.date

    def __len__(self) -> int:
        return int(self.folder_id.shape[0])

    def __repr__(self) -> str:
        return f"Outcomes({len(self)} folders, observed until {self.observed_until.isoformat()})"

    @property
    def profiled(self) -> npt.NDArray[np.bool_]:
        """Whether each folder has a deciding profile."""
        return ~np.isnan(self.probability)

    def horizon_end(self, months: int) -> npt.NDArray[np.datetime64]:
        """The day ``months`` calendar months after each registration (the horizon's first day outside)."""
        ends: npt.NDArray[np.datetime64] = add_months_array(self.registered_on, months).astype(
            "datetime64[D]"
        )
        return ends

    def followed_up(self, months: int) -> npt.NDArray[np.bool_]:
        """Whether each folder is observed for the whole of ``months`` months after registration."""
        end = self.horizon_end(months) - np.timedelta64(1, "D")
        return end <= np.datetime64(self.observed_until, "D")

    def work_found_within(self, months: int) -> npt.NDArray[np.bool_]:
        """Whether work was found before ``months`` months after registration had passed.

        Meaningful only where :meth:`followed_up` is true; elsewhere it says what was seen so far.
        """
        found = self.work_found_on
        return ~np.isnat(found) & (found < self.horizon_end(months))

    def months_on_benefit(self, months: int) -> npt.NDArray[np.float64]:
        """Months on benefit within the first ``months`` months after registration (0..``months``).

        The benefit counts as ended at the first of the benefit's end and work found (the service's measure
        of "uit de uitkering"); a month is 365.25 / 12 days.
        """
        horizon = self.horizon_end(months)
        end = horizon.copy()
        for column in (self.benefit_ended_on, self.work_found_on):
            known = ~np.isnat(column)
            end[known] = np.minimum(end[known], column[known])
        observed_end = np.datetime64(self.observed_until, "D") + np.timedelta64(1, "D")
        end = np.minimum(end, observed_end)
        days = (end - self.registered_on).astype(np.float64)
        return np.clip(days, 0.0, None) / (365.25 / 12)

    def take(self, mask: npt.NDArray[np.bool_] | npt.NDArray[np.intp]) -> Outcomes:
        """Return the rows selected by a boolean mask or an index array."""
        return attrs.evolve(
            self,
            folder_id=self.folder_id[mask],
            registered_on=self.registered_on[mask],
            profiled_on=self.profiled_on[mask],
            probability=self.probability[mask],
            band=self.band[mask],
            model_ref=self.model_ref[mask],
            work_found_on=self.work_found_on[mask],
            benefit_ended_on=self.benefit_ended_on[mask],
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the columns as a pandas DataFrame indexed by folder id (needs the ``pandas`` extra)."""
        import pandas as pd

        data: dict[str, Any] = {
            name: getattr(self, name)
            for name in (
                "registered_on",
                "profiled_on",
                "probability",
                "band",
                "model_ref",
                "work_found_on",
                "benefit_ended_on",
            )
        }
        return pd.DataFrame(data, index=pd.Index(self.folder_id, name="folder_id"))


def outcomes(folders: Iterable[WorkFolder], *, observed_until: dt.date) -> Outcomes:
    """Collect the outcome columns of ``folders``, observed until ``observed_until`` (included).

    Work found or a benefit end recorded after ``observed_until`` is left out, so a report for a past day
    sees what was known that day.
    """
    ids: list[str] = []
    registered: list[np.datetime64] = []
    profiled: list[np.datetime64] = []
    probability: list[float] = []
    band: list[str] = []
    model_ref: list[str] = []
    found: list[np.datetime64] = []
    ended: list[np.datetime64] = []
    for folder in folders:
        ids.append(folder.folder_id)
        registered.append(_day(folder.registered_on))
        profile = deciding_profile(folder)
        if profile is None or profile.taken_on > observed_until:
            profiled.append(_NAT)
            probability.append(float("nan"))
            band.append("")
            model_ref.append("")
        else:
            profiled.append(_day(profile.taken_on))
            probability.append(profile.probability)
            band.append(profile.band)
            model_ref.append(profile.model_ref)
        work = folder.work_found_on
        found.append(_day(work if work is not None and work <= observed_until else None))
        end = folder.benefit_ended_on
        ended.append(_day(end if end is not None and end <= observed_until else None))
    return Outcomes(
        folder_id=np.array(ids, dtype=np.str_),
        registered_on=np.array(registered, dtype="datetime64[D]"),
        profiled_on=np.array(profiled, dtype="datetime64[D]"),
        probability=np.array(probability, dtype=np.float64),
        band=np.array(band, dtype=np.str_),
        model_ref=np.array(model_ref, dtype=np.str_),
        work_found_on=np.array(found, dtype="datetime64[D]"),
        benefit_ended_on=np.array(ended, dtype="datetime64[D]"),
        observed_until=observed_until,
    )
