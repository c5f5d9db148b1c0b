"""Where a report comes from, in the words of a language: its place, outlet, date, source line
and byline (names in pinyin for English), and the whole text a book says (for its glossary)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from villagereport.phrases import _CJK, _LATIN, join_items
from villagereport.report import Report
from villagereport.wording import REPORT_LANGUAGE, fill, in_language, spaced, strings


def place_line(report: Report, lang: str) -> str:
    """The place with the places above it that the report gives, as the language writes it:
    吉林省白山市临江市, Linjiang City, Baishan, Jilin. Missing levels are simply left out, and a
    level that is the place below it (a province's own report: 江西省 in 江西省) is named once,
    however the two are translated ("Jiangxi Province", "Jiangxi")."""
    place = report.place
    levels = [place[level] for level in ("province", "prefecture", "county", "name") if level in place]
    # The same place at two levels has the same name as the report writes it.
    kept = [level for i, level in enumerate(levels)
            if i == len(levels) - 1 or in_language(level, REPORT_LANGUAGE) != in_language(levels[i + 1], REPORT_LANGUAGE)]
    parts = [in_language(level, lang) for level in kept]
    if not spaced(lang):
        return "".join(parts)
    return ", ".join(dict.fromkeys(reversed(parts)))


def outlet_name(report: Report, lang: str) -> str | None:
    """The outlet's name; in Chinese a newspaper or periodical's title takes 《》."""
    outlet = in_language(report.source.get("outlet"), lang)
    if outlet and not spaced(lang) and outlet.endswith(("报", "刊", "杂志")) and not outlet.startswith("《"):
        return f"《{outlet}》"
    return outlet


def published(report: Report, lang: str) -> str | None:
    """The publication date as the language writes it in prose: 2021年4月15日, April 15, 2021."""
    date = report.source.get("date")
    if not date:
        return None
    return format_date(dt.date.fromisoformat(date), format="long", locale=strings(lang)["number"]["locale"])


def source_line(report: Report, lang: str, *, authors: bool = True) -> str:
    """Outlet, date and (optionally) authors; what the report file does not give is left out,
    never named as unknown."""
    page = strings(lang)["page"]
    src = report.source
    outlet, date = outlet_name(report, lang), published(report, lang)
    if outlet and date:
        line = fill(page["source"], outlet=outlet, date=date)
    elif outlet:
        line = fill(page["source_outlet_only"], outlet=outlet)
    elif date:
        line = fill(page["source_no_outlet"], date=date)
    else:
        line = fill(page["source_url_only"], url=src["url"])
    names = src.get("authors", [])
    if authors and names:
        line += fill(page["authors"], authors=byline(names, lang))
    return line


def byline(names: list[str], lang: str) -> str:
    """Authors' names as ``lang`` lists them: in the reports' language as written, separated
    as it separates list items (、); in another, romanised and joined as a list."""
    if lang == REPORT_LANGUAGE:
        return strings(lang)["number"]["list_sep"].join(names)
    return join_items([romanised(n) for n in names], lang)


def romanised(name: str) -> str:
    """A Chinese name in pinyin, family name first, with the characters beside it:
    佟粒玮 -> Tong Liwei (佟粒玮). Names not in Chinese characters are kept as written."""
    if not _CJK.search(name) or _LATIN.search(name):
        return name
    # Imported here: its phrase dictionary takes a quarter of a second to load, and only a page
    # that names authors in another language needs it.
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(name)
    # A family name may be read otherwise than the same character in a word (曾 is Zeng, not Ceng).
    syllables[0] = SURNAME_READINGS.get(name[0], syllables[0])
    family, given = syllables[0].capitalize(), "".join(syllables[1:]).capitalize()
    return f"{family} {given} ({name})" if given else f"{family} ({name})"


# Family names whose reading differs from the character's commonest one (pypinyin reads words,
# not names): the standard readings as surnames.
SURNAME_READINGS = {"曾": "zeng", "单": "shan", "仇": "qiu", "解": "xie", "查": "zha", "朴": "piao", "区": "ou",
                    "盖": "ge", "缪": "miao", "覃": "qin", "翟": "zhai", "召": "shao", "乐": "yue", "员": "yun",
                    "种": "chong", "重": "chong", "长": "chang", "隗": "wei", "尉": "yu", "黑": "he", "秘": "bi"}


def book_text(report: Report, lang: str, said: list[str]) -> str:
    """The words a book of ``report`` in ``lang`` says: what its pages' notebooks ``said``
    (stories, checks and exercises, as they tell them), the names of what the report states,
    its quotes and items. What the landing page glosses is looked up here, so a term is
    explained only where it is used."""
    parts = list(said)
    parts += list(report.all_figures[f"name_{lang}"]) + list(report.lists[f"name_{lang}"])
    parts += list(report.all_figures["quote"]) + list(report.lists["quote"])
    parts += [slogan for slogan in report.lists["slogan"] if isinstance(slogan, str)]  # 全覆盖, shown as written
    parts += [report.items(indicator, lang) and "、".join(report.items(indicator, lang)) for indicator in report.lists.index]
    return "\n".join(str(p) for p in parts if p)
