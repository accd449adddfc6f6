"""When is a deadline due? Working days, Dutch public holidays and month arithmetic.

Run: python examples/deadlines.py
"""

import datetime as dt

from werkmap import add_months, dutch_calendar

nl = dutch_calendar()

registered = dt.date(2024, 1, 31)
print("registered:", registered)
print("six months later:", add_months(registered, 6))
print("one month later (clipped to February):", add_months(registered, 1))

for planned in (dt.date(2025, 4, 26), dt.date(2024, 4, 1), dt.date(2024, 12, 25)):
    print(
        f"a deadline planned on {planned:%a %d %b %Y} falls due on {nl.next_working_day(planned):%a %d %b %Y}"
    )
