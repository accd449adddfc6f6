"""Numbers and percentages in the texts people read, in Dutch or English: the one place they are formatted.

Dutch writes a decimal comma and groups thousands with a point (``1.234,5``); English the other way round
(``1,234.5``). A percentage is written with a space before the sign in both (``8,4 %``, ``8.4 %``), as the
reports and model cards do. Every text werkmap writes for people (profile explanations, model cards,
reports, the dashboard) formats its numbers here.

Examples:
    >>> percent(0.084, "nl"), percent(0.084, "en")
    ('8,4 %', '8.4 %')
    >>> number(1234.5, "nl", grouping=True), number(1234.5, "en", grouping=True)
    ('1.234,5', '1,234.5')
    >>> number(37.5, "nl", digits=None), number(25.0, "nl", digits=None)
    ('37,5', '25')
    >>> import datetime as dt
    >>> date_text(dt.date(2025, 3, 3), "nl"), date_text(dt.date(2025, 3, 3), "en")
    ('3 maart 2025', '3 March 2025')
"""

from __future__ import annotations

import datetime as dt

__all__ = ["LANGUAGES", "MONTHS", "date_text", "number", "percent"]

LANGUAGES = ("en", "nl")
"""The languages of the texts werkmap writes for people."""


def number(
    value: float, language: str = "en", *, digits: int | None = 1, grouping: bool = False
) -> str:
    """Return ``value`` with ``digits`` decimals as ``language`` writes it.

    Args:
        value: the number.
        language: ``"nl"`` (decimal comma, thousands point) or ``"en"``.
        digits: the number of decimals; ``None``: as few as the value needs (``25``, ``37,5``).
        grouping: whether to group thousands.

    Raises:
        ValueError: an unknown language.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {list(LANGUAGES)}, got {language!r}")
    spec = "g" if digits is None else f".{digits}f"
    text = format(value, ("," if grouping else "") + spec)
    if language == "nl":  # 1,234.5 -> 1.234,5
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent(share: float, language: str = "en", *, digits: int | None = 1) -> str:
    """Return the share ``share`` (0.084) as a percentage (``8,4 %`` in Dutch, ``8.4 %`` in English).

    Raises:
        ValueError: an unknown language.
    """
    return f"{number(100.0 * share, language, digits=digits)} %"


MONTHS: dict[str, tuple[str, ...]] = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
"""The month names of each language, January first."""


def date_text(day: dt.date, language: str = "en") -> str:
    """Return ``day`` as people read it: ``3 maart 2025`` in Dutch, ``3 March 2025`` in English.

    Raises:
        ValueError: an unknown language.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {list(LANGUAGES)}, got {language!r}")
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"
