"""Numbers as reports write them (70, 6.8万, 百分百, 十) and as the book prints them."""

from __future__ import annotations

import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_compact_decimal, format_decimal

from villagereport.wording import fill, strings

# Words that state 100% exactly ("all"), not a rounded percentage.
WHOLE_WORDS = ("百分百", "全部", "所有", "均", "100%")
# A run of Chinese numerals (一百七十二, 三千, 两万, 十二点五): cn2an reads it.
CHINESE_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿点]+")


def chinese_numeral(n: int) -> list[str]:
    """A whole number in Chinese numerals (cn2an's spelling: 十六, 一百零五, 三千), with the
    colloquial 两 for a leading 二 before a unit (两千, 两万) and 两/双 for 2 itself."""
    import cn2an

    if n < 0:
        return []
    words = [cn2an.an2cn(n)]
    if n == 2:
        words += ["两", "双"]
    elif words[0].startswith("二") and len(words[0]) > 1 and words[0][1] in "百千万亿":
        words.append("两" + words[0][1:])
    return words


def chinese_value(text: str) -> float | None:
    """The value of a run of Chinese numerals (cn2an), or None where it is not one."""
    import cn2an

    if not CHINESE_NUMERAL.fullmatch(text):
        return None
    try:
        return float(cn2an.cn2an(text.replace("两", "二"), "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def chinese_in(text: str, value: float) -> str | None:
    """How ``text`` writes ``value`` in Chinese numerals, if it does (一百七十二个村 for 172)."""
    for run in CHINESE_NUMERAL.findall(text):
        # The longest run that reads as the value, then its tails (三年来一百七十二 -> 一百七十二).
        for start in range(len(run)):
            if chinese_value(run[start:]) == value:
                return run[start:]
    return None


def plain(value: float) -> str:
    """Write a number without float noise: 70, 43.7, 39.34 (never 70.0 or 43.699999)."""
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))).normalize(), "f")


def renderings(value: float, unit: str = "", *, chinese: bool = True) -> list[str]:
    """Every way an article may write ``value``: digits, 万, Chinese numerals (unless not
    ``chinese``: cn2an, which reads them, takes a moment to import), words for 100%."""
    if not math.isfinite(value):
        return []
    forms = [plain(value)]
    if float(value).is_integer():
        n = int(value)
        if abs(n) >= 1000:
            forms.append(f"{n:,}")
        if abs(n) >= 10000:
            forms.append(plain(n / 10000) + "万")
        forms += chinese_numeral(n) if chinese else []
    elif chinese and value > 0 and len(plain(value).split(".")[1]) <= 4:
        import cn2an

        forms.append(cn2an.an2cn(plain(value)))  # 十二点五; an article writes no long decimal in words
    if unit == "percent" and value == 100:
        forms += list(WHOLE_WORDS)
    return forms


def found_in(text: str, form: str) -> bool:
    """Whether ``form`` occurs in ``text`` as a whole number (7 is not found in 70 or 1.7)."""
    if CHINESE_NUMERAL.fullmatch(form):
        # 一百 is not found in 一百七十二, nor 三 in 三千: numerals on either side make another number.
        numeral = CHINESE_NUMERAL.pattern[:-1]
        return re.search(f"(?<!{numeral}){re.escape(form)}(?!{numeral})", text) is not None
    if not form[0].isdigit():
        return form in text
    pattern = r"(?<![\d.])" + re.escape(form) + r"(?![\d]|\.\d)"
    return re.search(pattern, text) is not None


def decimals_of(stated: str) -> int | None:
    """Decimal places a written figure states ("12.9" -> 1); None for words, which are exact."""
    # 余/多 between a figure and its 万 (70余万, 2750多万) qualify it; they do not change its places.
    match = re.fullmatch(r"-?[\d,]+(?:\.(\d+))?(?:[余多](?=万))?(万)?%?", stated)
    if not match:
        return None
    places = len(match.group(1) or "")
    if match.group(2):  # 6.8万: a figure to thousands, not a decimal fraction
        return places - 4
    return places


def round_half_up(value: float, places: int) -> Decimal:
    """Round as reports do (12.85 -> 12.9), not to even."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def truncate(value: float, places: int) -> Decimal:
    """Cut to ``places`` decimals, as some offices do instead of rounding."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_DOWN)


def format_number(value: float, lang: str, places: int | None = None) -> str:
    """Write ``value`` for readers of ``lang``: 6.8万 and 1218 in Chinese, 68,000 in English
    (the language's catalogue says whether it groups thousands and counts in 万)."""
    if places is not None and places > 0:
        text = f"{round_half_up(value, places):f}"
    else:
        text = plain(round_half_up(value, 0) if places == 0 else value)
    if "." in text or abs(value) < 1000:
        return text
    n = int(text)
    words = strings(lang)["number"]
    # A language that counts in ten-thousands (万) writes them so when that is exact to two
    # decimals, below 1亿: Babel's compact form of the language's locale.
    if words["wan"] and 10000 <= abs(n) < 10**8 and (n * 100) % 10000 == 0:
        return format_compact_decimal(n, format_type="short", locale=words["locale"], fraction_digits=2)
    return format_decimal(n, locale=words["locale"], group_separator=bool(words["thousands"]))


def format_figure(value: float, unit: str, lang: str, places: int | None = None, qualifier: str = "exact",
                  qualifier_forms: dict | None = None) -> str:
    """A figure with its percent sign and qualifier (至少30, at least 30) for ``lang``."""
    text = format_number(value, lang, places)
    if unit == "percent":
        # Where the language puts its percent sign, and which (Babel's percent pattern: 12.9%,
        # %12,9 in Turkish); the number itself is formatted above, with the report's decimals.
        pattern = Locale.parse(strings(lang)["number"]["locale"]).percent_formats[None]
        text = f"{pattern.prefix[0]}{text}{pattern.suffix[0]}"
    if qualifier != "exact" and qualifier_forms:
        # 30余名 is written after the number in Chinese; a share keeps 超过30%.
        form = f"{qualifier}_count" if unit != "percent" and f"{qualifier}_count" in qualifier_forms else qualifier
        if form.endswith("_count") and text.endswith("万"):
            # ...and before the 万 of a count in ten-thousands: 70余万, not 70万余.
            text = fill(qualifier_forms[form], n=text[:-1]) + "万"
        else:
            text = fill(qualifier_forms[form], n=text)
    elif places is not None and places < 0 and not text.endswith("万") and qualifier_forms:
        # A count the report gives to its thousands (6.8万) is rounded; a language that does
        # not count in 万 writes it out in full, so it says so: about 68,000.
        text = fill(qualifier_forms["about"], n=text)
    return text
