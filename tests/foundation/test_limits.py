"""The text limits: the control characters found are exactly Unicode's category Cc."""

from __future__ import annotations

import sys
import unicodedata

from werkmap import limits


def test_a_control_character_is_found_exactly_where_unicode_says_cc() -> None:
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    control = [c for c in chars if unicodedata.category(c) == "Cc"]
    others = [c for c in chars if unicodedata.category(c) != "Cc"]
    for limit in (limits.SHORT_TEXT, limits.LONG_TEXT):
        for char in control:
            codes = [p.code for p in limits.check_text("$.x", f"ab{char}", limit)]
            allowed = limit.multiline and char in "\n\r\t"
            assert ("WM-I005" in codes) != allowed, (hex(ord(char)), limit.name)
        for start in range(0, len(others), 150):  # every other character, in texts under the limit
            text = "".join(others[start : start + 150])
            assert limits.check_text("$.x", text, limit) == [], (hex(ord(text[0])), limit.name)


def test_the_message_names_the_first_control_character_and_its_position() -> None:
    (problem,) = limits.check_text("$.reason", "ok\nthen\x07 and \x1b", limits.LONG_TEXT)
    assert problem.message == "a control character (U+0007) at position 7"
    (problem,) = limits.check_text("$.title", "ok\nthen", limits.SHORT_TEXT)
    assert problem.message == "a control character (U+000A) at position 2"
