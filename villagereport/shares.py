"""Whether a stated percentage fits a count and a whole, at the precision it is stated."""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, Decimal

from villagereport.numbers import round_half_up, truncate

# How a stated share relates to count / whole * 100.
EXACT = "exact"  # stated in words (全部, 百分百): count must equal the whole
EQUAL = "equal"  # the count over the whole is exactly the stated figure (28 of 28 is 100%)
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
    if Decimal(repr(float(count))) * 100 / Decimal(repr(float(whole))) == target:
        return EQUAL
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
        if status in (ROUNDED, EQUAL) or (allow_truncation and status == TRUNCATED):
            fits.append(n)
    return fits


def fitting_wholes(count: int, stated: float, places: int | None, *, allow_truncation: bool = False) -> range:
    """Wholes of which ``count`` is written ``stated`` percent at ``places`` decimals: rounded
    half up, or, with ``allow_truncation``, cut (truncated) instead of rounded; each rule's
    wholes alone, never the two together.

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

    target = Decimal(repr(float(stated)))

    def fits(whole: int) -> bool:
        if allow_truncation:
            # The exact quotient (Decimal), so that 33/1000 is 3.30%, never 3.2999…% cut to 3.29.
            quotient = Decimal(count) * 100 / Decimal(whole) if whole > 0 else None
            return quotient is not None and quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN) == target
        return share_status(count, whole, stated, places) in (ROUNDED, EQUAL)

    # Float edges: step inwards to the first and last whole that really fit.
    while first <= last and not fits(first):
        first += 1
    while last >= first and not fits(last):
        last -= 1
    return range(first, last + 1)


# A qualified share (近40%, 约40%, 40%以上) is not a rounded value: it bounds the true share.
WITHIN = "within"
# 约 ("about") is taken to mean within one percentage point of the stated figure; the
# article gives no precision, and a wider reading would accept almost anything.
ABOUT_POINTS = 1.0


def share_interval(stated: float, qualifier: str) -> tuple[float, float, bool, bool]:
    """The true shares a qualified statement allows: (low, high, low_closed, high_closed).

    近/将近 (nearly) and 不到 (less than) stop short of the stated figure; 以上 (at least)
    includes it, 余/超过 (more than) does not; 以下 (at most) includes it.
    """
    if qualifier in ("nearly", "less_than"):
        return 0.0, stated, True, False
    if qualifier == "at_most":
        return 0.0, stated, True, True
    if qualifier == "at_least":
        return stated, 100.0, True, True
    if qualifier == "more_than":
        return stated, 100.0, False, True
    if qualifier == "about":
        return max(stated - ABOUT_POINTS, 0.0), min(stated + ABOUT_POINTS, 100.0), True, True
    msg = f"share_interval takes a qualified share, got qualifier {qualifier!r}"
    raise ValueError(msg)


def within(count: float, whole: float, stated: float, qualifier: str) -> bool:
    """Whether count / whole lies in the shares a qualified ``stated`` allows."""
    if whole <= 0:
        return False
    low, high, low_closed, high_closed = share_interval(stated, qualifier)
    exact = Decimal(repr(float(count))) * 100 / Decimal(repr(float(whole)))
    low_d, high_d = Decimal(repr(low)), Decimal(repr(high))
    above = exact >= low_d if low_closed else exact > low_d
    below = exact <= high_d if high_closed else exact < high_d
    return above and below


def status(count: float, whole: float, stated: float, places: int | None, qualifier: str = "exact") -> str:
    """How a stated share relates to count / whole, under its qualifier."""
    if qualifier == "exact":
        return share_status(count, whole, stated, places)
    return WITHIN if within(count, whole, stated, qualifier) else INCONSISTENT


def counts_within(whole: int, stated: float, qualifier: str) -> list[int]:
    """Whole numbers of ``whole`` whose share a qualified ``stated`` allows."""
    return [n for n in range(0, whole + 1) if within(n, whole, stated, qualifier)]


def wholes_within(count: int, stated: float, qualifier: str) -> tuple[int | None, int | None]:
    """The smallest and largest whole of which ``count`` is a qualified ``stated`` percent.

    None for a bound the statement leaves open (近40% of 33 people: a whole of at least 83,
    with no upper limit the words give).
    """
    if count <= 0:
        return None, None
    low, high, _, _ = share_interval(stated, qualifier)
    first = max(count, math.floor(count * 100 / high) - 1) if high > 0 else None
    last = math.ceil(count * 100 / low) + 1 if low > 0 else None
    if first is not None:
        while not within(count, first, stated, qualifier) and (last is None or first <= last):
            first += 1
    if last is not None:
        while last >= (first or count) and not within(count, last, stated, qualifier):
            last -= 1
    return first, last
