"""What the jobseeker's texts share: the languages, the glossary, the audiences and the HTML helpers."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from werkmap.errors import InvalidInput, Problem
from werkmap.texts import LANGUAGES

__all__ = ["AUDIENCES", "GLOSSARY", "LANGUAGES", "check_audience", "check_language", "glossary"]

AUDIENCES = ("jobseeker", "coach")
"""Who reads a text: the jobseeker, or the work coach (who also sees scores and rule ids)."""

GLOSSARY: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "nl": {
        "werkmap": ("Werkmap", "Uw persoonlijke map op werk.nl. Hierin staan uw afspraken."),
        "werkverkenner": (
            "Werkverkenner",
            "Een vragenlijst. Uw antwoorden laten zien wat u helpt om werk te vinden.",
        ),
        "band": (
            "Klasse",
            "Hoe groot uw kans op werk binnen een jaar is: 0-25 %, 25-50 %, 50-75 % of 75-100 %.",
        ),
        "sollicitatieplicht": (
            "Sollicitatieplicht",
            "U moet een aantal keer solliciteren in elke periode. Zo houdt u uw uitkering.",
        ),
        "werkplan": (
            "Werkplan",
            "De afspraken die u en uw adviseur samen hebben gemaakt.",
        ),
        "adviseur": ("Adviseur werk", "De medewerker van UWV die u helpt bij het zoeken."),
        "handhaving": (
            "Handhaving",
            "UWV kijkt wat er moet gebeuren als u een afspraak niet nakomt.",
        ),
        "maatregel": ("Maatregel", "U krijgt een tijd minder uitkering."),
        "bezwaar": (
            "Bezwaar",
            "U bent het niet eens met een besluit. UWV kijkt dan opnieuw naar het besluit.",
        ),
    },
    "en": {
        "werkmap": (
            "Work Folder (Werkmap)",
            "Your personal folder on werk.nl. It holds what you agreed.",
        ),
        "werkverkenner": (
            "Work Profiler (Werkverkenner)",
            "A questionnaire. Your answers show what helps you find work.",
        ),
        "band": (
            "Band",
            "How big your chance of work within a year is: 0-25 %, 25-50 %, 50-75 % or 75-100 %.",
        ),
        "sollicitatieplicht": (
            "Application duty (sollicitatieplicht)",
            "You must apply for jobs a number of times in every period. That way you keep your "
            "benefit.",
        ),
        "werkplan": ("Work plan (werkplan)", "What you and your coach agreed together."),
        "adviseur": ("Work coach (adviseur werk)", "The UWV employee who helps you look for work."),
        "handhaving": (
            "Enforcement (handhaving)",
            "UWV looks at what must happen when you did not do what was agreed.",
        ),
        "maatregel": ("Measure (maatregel)", "You get less benefit for a time."),
        "bezwaar": (
            "Objection (bezwaar)",
            "You do not agree with a decision. UWV then looks at the decision again.",
        ),
    },
}
"""The terms the jobseeker's texts use, each explained in one line (B1), by language."""


def check_language(language: str, source: str) -> str:
    """Return ``language`` when it is one of :data:`~werkmap.texts.LANGUAGES`.

    Raises:
        InvalidInput: another language (the message names the languages).
    """
    if language not in LANGUAGES:
        raise InvalidInput(
            [
                Problem(
                    path="$.language",
                    message=f"expected one of {', '.join(LANGUAGES)}, got {language!r}",
                )
            ],
            source=source,
        )
    return language


def check_audience(audience: str, source: str) -> str:
    """Return ``audience`` when it is one of :data:`AUDIENCES`.

    Raises:
        InvalidInput: another audience.
    """
    if audience not in AUDIENCES:
        raise InvalidInput(
            [
                Problem(
                    path="$.audience",
                    message=f"expected one of {', '.join(AUDIENCES)}, got {audience!r}",
                )
            ],
            source=source,
        )
    return audience


def glossary(terms: Iterable[str], language: str) -> tuple[tuple[str, str], ...]:
    """Return ``(term, explanation)`` for each of ``terms`` known to :data:`GLOSSARY`, once, in order."""
    seen: list[str] = []
    for term in terms:
        if term in GLOSSARY[language] and term not in seen:
            seen.append(term)
    return tuple(GLOSSARY[language][t] for t in seen)


def printable(text: str) -> str:
    """Return ``text`` with unprintable characters (other than a newline) shown as ``?``."""
    return "".join(ch if ch.isprintable() or ch == "\n" else "?" for ch in text)


def html_section(title: str, lines: Iterable[str], css: str) -> str:
    """Return a titled ``<section>`` with one escaped ``<li>`` per line (nothing for no lines)."""
    items = [f"<li>{html.escape(line)}</li>" for line in lines]
    if not items:
        return ""
    return (
        f'<section class="{css}"><h2>{html.escape(title)}</h2><ul>'
        + "".join(items)
        + "</ul></section>"
    )
