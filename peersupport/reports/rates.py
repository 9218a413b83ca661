"""Rates shown to leadership: never on a small denominator, never from a hidden count.

One rule for every percentage the program publishes (the reports' timing and team tables, the
feedback headline, the team composition's shares, the planner's referral rates):

- a rate whose denominator is below the program's threshold is not shown: "3 of 4 (75%)" says as
  much about four people as the count 3 would;
- a rate whose numerator is a hidden count is not shown either, whatever its denominator: a
  published rate times a published denominator gives the numerator back (pass None for it).

A rate that is shown is a whole percent, rounded half up, but never 0 or 100 unless it is
exactly that: "100% within target" must mean every case.
"""

from decimal import ROUND_HALF_UP, Decimal


def may_show(numerator: int | None, denominator: int | None, threshold: int) -> bool:
    """Whether a rate of numerator to denominator may be shown (see the module's rules); also for
    rates that are not shares, such as the planner's referrals per 100 clinicians."""
    return numerator is not None and denominator is not None and denominator >= max(threshold, 1)


def share(numerator: int | None, denominator: int | None, threshold: int) -> float | None:
    """numerator / denominator, or None when it may not be shown."""
    if numerator is None or denominator is None or not may_show(numerator, denominator, threshold):
        return None
    if not 0 <= numerator <= denominator:
        raise ValueError(f"A rate of {numerator} out of {denominator} is not a share.")
    return numerator / denominator


def rate(numerator: int | None, denominator: int | None, threshold: int) -> int | None:
    """The whole percent numerator / denominator, or None when it may not be shown."""
    found = share(numerator, denominator, threshold)
    if found is None or numerator is None or denominator is None:
        return None
    percent = int((Decimal(100 * numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if 0 < numerator < denominator:
        return min(max(percent, 1), 99)
    return percent


def rate_or_mark(numerator: int | None, denominator: int | None, threshold: int) -> int | str:
    """The rate as a report table's value: a whole percent, or "<11" (the threshold) when hidden."""
    found = rate(numerator, denominator, threshold)
    return f"<{threshold}" if found is None else found
