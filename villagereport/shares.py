"""Whether a stated percentage fits a count and a whole, at the precision it is stated."""

from __future__ import annotations

import math
from decimal import Decimal

from villagereport.numbers import round_half_up, truncate

# How a stated share relates to count / whole * 100.
EXACT = "exact"  # stated in words (全部, 百分百): count must equal the whole
ROUNDED = "rounded"  # equals the exact share rounded half up at the stated places
TRUNCATED = "truncated"  # equals it only when cut, not rounded
INCONSISTENT = "inconsistent"


def share_status(count: float, whole: float, stated: float, places: int | None) -> str:
    """Classify how ``stated`` (a percentage) relates to ``count`` of ``whole``."""
    if whole <= 0:
        return INCONSISTENT
    exact = count / whole * 100
    if places is None:
        return EXACT if count == whole and stated == 100 else INCONSISTENT
    target = Decimal(repr(float(stated)))
    if round_half_up(exact, places) == target:
        return ROUNDED
    if truncate(exact, places) == target:
        return TRUNCATED
    return INCONSISTENT


def fitting_counts(whole: int, stated: float, places: int | None, *, allow_truncation: bool = False) -> list[int]:
    """Whole numbers of a ``whole`` whose share is written ``stated`` at ``places`` decimals."""
    if places is None:
        return [whole] if stated == 100 else []
    centre = stated * whole / 100
    # Half a unit in the last place of the percentage, as a number of people, plus slack.
    reach = int(math.ceil(whole * 10 ** (-places) / 100)) + 2
    fits = []
    for n in range(max(0, int(centre) - reach), min(whole, int(centre) + reach) + 1):
        status = share_status(n, whole, stated, places)
        if status == ROUNDED or (allow_truncation and status == TRUNCATED):
            fits.append(n)
    return fits


def fitting_wholes(count: int, stated: float, places: int | None, *, allow_truncation: bool = False) -> range:
    """Wholes of which ``count`` is written ``stated`` percent at ``places`` decimals.

    Returned as a range, since a small share of a small count can fit a great many wholes.
    """
    if places is None:
        return range(count, count + 1) if stated == 100 else range(0)
    half = 0.5 * 10 ** (-places)
    low_share = stated if allow_truncation else stated - half
    high_share = stated + (2 * half if allow_truncation else half)
    if high_share <= 0 or count <= 0:
        return range(0)
    # count*100/N lies in [low_share, high_share): N in (count*100/high, count*100/low].
    first = max(count, math.floor(count * 100 / high_share) - 1)
    last = math.ceil(count * 100 / low_share) + 1 if low_share > 0 else first + 10**7

    def fits(whole: int) -> bool:
        status = share_status(count, whole, stated, places)
        return status == ROUNDED or (allow_truncation and status == TRUNCATED)

    # Float edges: step inwards to the first and last whole that really fit.
    while first <= last and not fits(first):
        first += 1
    while last >= first and not fits(last):
        last -= 1
    return range(first, last + 1)
