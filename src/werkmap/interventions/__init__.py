"""Interventions: the catalogue of evidence-based services and the orientation conversation's fixed steps.

The catalogue (:mod:`werkmap.interventions.catalogue`) is dated data, linted on load with codes
``WM-C…``; :func:`orientation_agenda` turns a folder's diagnosis and the catalogue into the conversation's
steps and candidate services, whose choice is recorded in the work plan as an
:class:`~werkmap.plan.workplan.ExtraService` with its catalogue reference.

This room imports ``plan`` and ``profiler``; neither imports it.
"""

from __future__ import annotations

from werkmap.interventions.agenda import (
    Agenda,
    AgendaStep,
    Candidate,
    candidates,
    orientation_agenda,
    record_recourse,
)
from werkmap.interventions.catalogue import (
    CODES,
    DEFAULT_CATALOGUE_FILE,
    KINDS,
    Catalogue,
    Eligibility,
    InvalidCatalogue,
    Service,
    ServiceKind,
    default_catalogue,
    lint_catalogue,
    load_catalogue,
    parse_catalogue,
)

__all__ = [
    "CODES",
    "DEFAULT_CATALOGUE_FILE",
    "KINDS",
    "Agenda",
    "AgendaStep",
    "Candidate",
    "Catalogue",
    "Eligibility",
    "InvalidCatalogue",
    "Service",
    "ServiceKind",
    "candidates",
    "default_catalogue",
    "lint_catalogue",
    "load_catalogue",
    "orientation_agenda",
    "parse_catalogue",
    "record_recourse",
]
