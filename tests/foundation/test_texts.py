"""Numbers and percentages as Dutch and English write them (the one formatting helper)."""

from __future__ import annotations

import pytest

from werkmap.texts import number, percent


@pytest.mark.parametrize(
    ("share", "language", "digits", "text"),
    [
        (0.084, "nl", 1, "8,4 %"),
        (0.084, "en", 1, "8.4 %"),
        (0.5, "nl", 0, "50 %"),
        (-0.1, "nl", 1, "-10,0 %"),
        (12.345, "nl", 2, "1234,50 %"),
    ],
)
def test_percent(share: float, language: str, digits: int, text: str) -> None:
    assert percent(share, language, digits=digits) == text


def test_number_groups_thousands_as_the_language_does() -> None:
    assert number(1234567.891, "nl", digits=2, grouping=True) == "1.234.567,89"
    assert number(1234567.891, "en", digits=2, grouping=True) == "1,234,567.89"
    assert number(1234, "nl", digits=0) == "1234"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        percent(0.1, "de")
