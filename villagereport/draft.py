"""Draft a report file from an article's text, for a person to review.

``python -m villagereport draft ARTICLE --out FILE`` reads the article (UTF-8 text, or a saved
web page whose body trafilatura extracts; traditional characters are matched through OpenCC,
and every quote is kept as published), finds each figure (Arabic or Chinese numerals through
cn2an, 万, %, 近/约/超过/余/以上, changes with 下降/提高/增加/减少, 由…到…), cuts the clause
that states it, and maps it to an indicator of the catalogue by the ``cues`` the catalogue
keeps. What it cannot place, or places two ways, goes into the file as a comment; it never
guesses a figure. The file it writes passes ``validate``; its TODOs say what to fill in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from villagereport.catalogue import load_catalogue
from villagereport.errors import ReportError
from villagereport.report import refused_character

CLAUSE_END = "，,；;。！？!?\n"
SENTENCE_END = "；;。！？!?\n"
# An aside in brackets ("(其中,全日制大专及以上5人)") names another figure, not this one.
_ASIDE = re.compile(r"[(（]其中[^)）]*[)）]")
# What a number's counter says of its unit (the catalogue's units), longest first.
COUNTERS = {
    "percent": ["%"], "year": ["周岁", "岁"], "person_time": ["人次"], "person": ["人", "名"],
    "unit": ["个村(社区)", "个村（社区）", "个村(居)", "个村（居）", "个村居", "个村(居)民委员会", "个村（居）民委员会"],
    "village": ["个行政村", "个村"], "community": ["个城市社区", "个社区"],
    "department": ["个部门", "个县级部门", "家单位", "个单位", "家"], "group": ["个"], "meeting": ["次"],
    "copy": ["份"], "piece": ["条", "幅", "个"], "sheet": ["张", "份"], "line": ["部", "条"], "box": ["个"],
    "hour": ["小时"], "incident": ["起"], "item": ["项"],
}
DOWN = ("下降", "降低", "减少", "降幅", "缩小")
UP = ("提高", "提升", "增加", "上升", "增长", "增幅")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万)?")
_CHINESE = re.compile(r"(?<![第])[一二两三四五六七八九十百千]+(?=[个名人次项条家部张份起])")
_WHOLE = re.compile(r"全部|百分百")
_CHANGE = re.compile(r"(" + "|".join(DOWN + UP) + r")(了|达到|达|为|到)?$")
_SKIP_AFTER = re.compile(r"^(年|月|日|号|届|周岁及|岁及|岁以|周岁以|时(?!间))")


@dataclass
class Token:
    """One figure as the article writes it."""

    start: int
    end: int
    value: float
    unit: str  # percent, year, or the counter that follows ("名", "个村")
    after: str
    qualifier: str = "exact"
    change: int = 0  # -1 a fall, +1 a rise, 0 a level
    relative: bool = False  # 降幅/增幅: a relative change
    points: bool = False  # 个百分点
    stated_as: str | None = None


@dataclass
class Figure:
    """A figure placed: its indicator, its level (None when only a change is stated), its
    changes, and where its quote starts and ends in the article."""

    indicator: str
    token: Token | None
    quote_start: int
    quote_end: int
    sentence_start: int
    scope: str | None = None
    changes: list[Token] = field(default_factory=list)


@cache
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` in simplified characters with ASCII digits and punctuation, character for
    character, so that a position in it is a position in the article as published."""
    out = []
    for ch in text:
        wide = unicodedata.normalize("NFKC", ch)
        ch2 = wide if len(wide) == 1 and (wide.isascii() or ch in "（）") else ch
        conv = _converter().convert(ch2)
        out.append(conv if len(conv) == 1 else ch2)
    return "".join(out)


def read_article(path: str | Path) -> tuple[str, dict]:
    """The article's text and what the page says of itself (title, date, outlet, url)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError:
        raise ReportError(path, "article", "expected an existing file") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportError(path, "article", "expected UTF-8 text or a saved web page in UTF-8") from None
    if not text.strip():
        raise ReportError(path, "article", "expected an article's text, got an empty file")
    meta: dict = {}
    if path.suffix.lower() in (".html", ".htm") or text.lstrip().lower().startswith(("<!doctype", "<html")):
        import trafilatura

        found = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
        if not found or not found.text:
            raise ReportError(path, "article", "expected a web page with an article body; none found")
        meta = {"title": found.title, "date": found.date, "outlet": found.sitename, "url": found.url}
        text = found.text
    else:
        # The project's article files: a Markdown heading and a "Source:" line before the text.
        body = []
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            if line.startswith(("Source:", "来源：", "来源:")):
                meta["source_line"] = line
                url = re.search(r"https?://\S+", line)
                meta["url"] = url.group().rstrip(")") if url else None
                continue
            body.append(line)
        text = "\n".join(body)
    date = re.search(r"(20\d\d)[-年/.](\d{1,2})[-月/.](\d{1,2})", meta.get("source_line") or text)
    if date and not meta.get("date"):
        meta["date"] = f"{date.group(1)}-{int(date.group(2)):02d}-{int(date.group(3)):02d}"
    return text, meta


def _value(match: re.Match) -> float:
    whole = match.group(1).replace(",", "")
    value = float(whole + (match.group(2) or ""))
    return value * 10000 if match.group(3) else value


def tokens(simple: str) -> list[Token]:
    """Every figure the text writes, with its unit, qualifier and direction."""
    import cn2an

    found: list[Token] = []
    spans = [(m.start(), m.end(), _value(m)) for m in _NUMBER.finditer(simple)]
    for m in _CHINESE.finditer(simple):
        try:
            spans.append((m.start(), m.end(), float(cn2an.cn2an(m.group(), "smart"))))
        except ValueError:
            continue
    for start, end, value in sorted(spans):
        after = simple[end:end + 12]
        if _SKIP_AFTER.match(after) or simple[max(0, start - 1):start] in ("第", "."):
            continue
        unit, width = "", 0
        for name, counters in COUNTERS.items():
            for counter in counters:
                if after.startswith(counter) and len(counter) > width:
                    unit, width = (name if name in ("percent", "year") else counter), len(counter)
        if after.startswith(("余", "多")) and not unit:
            for counter in [c for cs in COUNTERS.values() for c in cs]:
                if after[1:].startswith(counter):
                    unit, width = counter, len(counter) + 1
        token = Token(start, end, value, unit or after[:1], simple[end + width:end + width + 12])
        if after.startswith("个百分点"):
            token.unit, token.points, token.after = "percent", True, simple[end + 4:end + 16]
        before = simple[max(0, start - 12):start]
        clause_before = re.split(f"[{CLAUSE_END}]", before)[-1]
        if clause_before.endswith("近"):
            token.qualifier = "nearly"
        elif clause_before.endswith("约"):
            token.qualifier = "about"
        elif clause_before.endswith(("超过", "超")):
            token.qualifier = "more_than"
        elif after.startswith(("余", "多")):
            token.qualifier = "more_than"
        elif token.after.startswith(("以上", "及以上")) and unit not in ("year",):
            token.qualifier = "at_least"
        if "将" in clause_before[-6:]:
            continue  # "将达到95%以上": a target, not a result the report states
        change = _CHANGE.search(clause_before)
        if change:
            token.change = -1 if change.group(1) in DOWN else 1
            token.relative = change.group(1) in ("降幅", "增幅")
        found.append(token)
    for m in re.finditer(r"零(?=”?(发生|起|件|上访|事件))", simple):
        found.append(Token(m.start(), m.end(), 0.0, "起", simple[m.end():m.end() + 12]))
    for m in _WHOLE.finditer(simple):
        # 全部 / 百分百 state 100% exactly, as a word.
        found.append(Token(m.start(), m.end(), 100.0, "percent", simple[m.end():m.end() + 12], stated_as=m.group()))
    return sorted(found, key=lambda t: t.start)


def _sentence(simple: str, at: int) -> int:
    starts = [i + 1 for i in range(at) if simple[i] in SENTENCE_END]
    return starts[-1] if starts else 0


def _clause_start(simple: str, at: int) -> int:
    starts = [i + 1 for i in range(at) if simple[i] in CLAUSE_END]
    return starts[-1] if starts else 0


def _clause_end(simple: str, at: int) -> int:
    for i in range(at, len(simple)):
        if simple[i] in CLAUSE_END:
            return i
    return len(simple)


def _fits_unit(token: Token, unit: str) -> bool:
    if unit in ("percent", "year"):
        return token.unit == unit
    return token.unit in COUNTERS.get(unit, []) or token.unit.lstrip("余多") in COUNTERS.get(unit, [])


def candidates(token: Token, near: str, wide: str, indicators, own: str | None = None) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The indicators whose unit and cues fit the token, best first, with their scores.

    ``near`` is the text since the figure before it in its sentence and the rest of its clause;
    ``wide`` the whole sentence up to the end of its clause; ``own`` the number's own clause,
    where a word that rules an indicator out must not be. Words may be anywhere in ``wide``
    but count three times as much in ``near``, so that "专题会议8次、调度会2次" gives each
    count to its own meeting."""
    own = wide if own is None else own
    scored = []
    # A change in percent that is not in points may be a relative change of any count.
    any_unit = token.change and token.unit == "percent" and not token.points
    for ind, row in indicators.iterrows():
        cues = row["cues"]
        if not isinstance(cues, dict):
            continue
        if token.stated_as and row["unit"] != "percent":
            continue
        score = 0
        text_after = token.unit + token.after if token.unit not in ("percent", "year") else token.after
        hits = [c for c in cues.get("after", []) if text_after.startswith(c)]
        # The unit fits, or the indicator's own words follow the number ("70个村党组织书记").
        if not (any_unit or _fits_unit(token, row["unit"]) or (hits and row["unit"] not in ("percent", "year"))):
            continue
        if "after" in cues and not any_unit:
            if not hits:
                continue
            score += 2 * max(map(len, hits))
        if any(c not in wide for c in cues.get("all", [])) or any(c in own for c in cues.get("none", [])):
            continue
        score += sum(len(c) * (3 if c in near else 1) for c in cues.get("all", []))
        if "any" in cues:
            hits = [len(c) * (3 if c in near else 1) for c in cues["any"] if c in wide]
            if not hits:
                continue
            score += max(hits)
        if any_unit:
            # "女性委员较上届提高12%": a count's relative change, unless the words say a share.
            says_share = any(w in near for w in ("占比", "比例", "比重"))
            score += 1 if (row["unit"] == "percent") == says_share else 0
        scored.append((score, ind))
    return sorted(scored, reverse=True)


def _scope(simple: str, start: int) -> str | None:
    head = re.sub(r"^(其中|据了解|在|全县|全市|全区|全旗|全镇)+", "", simple[start:start + 16].lstrip())
    if head.startswith("农村"):
        return "village"
    if head.startswith("社区"):
        return "community"
    if head.startswith("村") and not re.match(r"村[(（](社区|居)", head):
        return "village"
    return None


def find_figures(simple: str) -> tuple[list[Figure], list[str]]:
    """The figures the draft places, and notes on those it could not place."""
    indicators = load_catalogue().indicators
    figures: list[Figure] = []
    notes: list[str] = []
    previous_end, previous_sentence = 0, -1
    for token in tokens(simple):
        start = _sentence(simple, token.start)
        clause = _clause_start(simple, token.start)
        end = _clause_end(simple, token.end)
        since = previous_end if previous_sentence == start else start
        previous_end, previous_sentence = token.end, start
        if token.change:
            # A change belongs to the level just stated in its sentence, where there is one.
            owner = next((f for f in reversed(figures) if f.sentence_start == start), None)
            if owner is not None and _change_fits(token, indicators.at[owner.indicator, "unit"]):
                owner.changes.append(token)
                owner.quote_end = end
                continue
        level = _as_level(token) if token.change else token
        # The rest of the clause, to the next item of a list ("党组织成员51人、村委会成员39人").
        rest = re.split("、", simple[token.end:end])[0]
        wide = _unaside(simple[start:token.start]) + rest
        clause_text = simple[clause:end]
        if token.stated_as == "百分百" or simple[max(start, token.start - 3):token.start].endswith(("均为", "均达到", "均")):
            # "A、B、C三个百分百", "A、B均为100%": one value for each item of the list before it.
            items = [i for i in re.split(r"[、和及]", simple[clause:token.start]) if i.strip()]
            placed = [candidates(level, item, item + rest, indicators) for item in items]
            chosen = [r[0][1] for r in placed if r and (len(r) == 1 or r[0][0] > r[1][0])]
            if len(chosen) >= 2 and len(set(chosen)) == len(chosen):
                for indicator in chosen:
                    figures.append(Figure(indicator, token, clause, end, start, scope=_scope(simple, clause)))
                continue
        own = simple[clause:token.start] + rest
        ranked = candidates(level, _unaside(simple[since:token.start]) + rest, wide, indicators, own)
        if not ranked:
            if token.unit in ("percent", "year") or any(token.unit in c for c in COUNTERS.values()):
                notes.append(f"not placed: {clause_text}")
            continue
        if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
            tied = [i for score, i in ranked if score == ranked[0][0]]
            notes.append(f"{clause_text}: {' or '.join(tied)}?")
            continue
        indicator = ranked[0][1]
        quote_start = _quote_start(simple, start, clause, indicators.at[indicator, "cues"], token.start)
        item = simple.rfind("、", clause, token.start) + 1
        cues = indicators.at[indicator, "cues"]
        if item and quote_start == clause and any(w in simple[item:token.start] for w in cues.get("any", [])) \
                and all(w in simple[item:token.start] for w in cues.get("all", [])):
            quote_start = item  # the item of a list that states it: "社区“两委”干部307名"
        figures.append(Figure(indicator, None if token.change else token, quote_start, end, start,
                              scope=_scope(simple, quote_start), changes=[token] if token.change else []))
    return figures, notes


def _unaside(text: str) -> str:
    return _ASIDE.sub(lambda m: " " * len(m.group()), text)


def _as_level(token: Token) -> Token:
    unit = "percent" if token.points else token.unit
    return Token(token.start, token.end, token.value, unit, token.after, change=token.change, points=token.points)


def _change_fits(token: Token, unit: str) -> bool:
    if token.unit == "percent":
        return True  # points or relative, on a share or a count
    return _fits_unit(token, unit)


def _quote_start(simple: str, sentence: int, clause: int, cues: dict, at: int) -> int:
    """Where the shortest quote starts: the number's clause, or back to the clause that holds
    the nearest of the words that name its indicator."""
    before = simple[sentence:at]
    found = [before.rfind(w) for w in cues.get("all", []) if w in before]
    nearest = [before.rfind(w) for w in cues.get("any", []) if w in before]
    if nearest and not any(w in simple[clause:at] for w in cues.get("any", [])):
        found.append(max(nearest))
    if not found:
        return clause
    return min(clause, _clause_start(simple, sentence + min(found) + 1))


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _change_entry(token: Token, indicator_unit: str) -> dict:
    if token.unit == "percent":
        if token.points:
            reading = "absolute"
        elif token.relative or indicator_unit != "percent":
            reading = "relative"
        else:
            reading = "ambiguous"  # a share "up 5.7%": points or relative, the text does not say
        unit = "percent"
    else:
        reading, unit = "absolute", indicator_unit
    return {"value": _number(token.change * token.value), "unit": unit, "reading": reading}


def draft(path: str | Path) -> tuple[str, list[dict]]:
    """The draft report file's text for the article at ``path``, and its figures as data."""
    path = Path(path)
    text, meta = read_article(path)
    simple = simplified(text)
    figures, notes = find_figures(simple)
    indicators = load_catalogue().indicators
    # A figure stated for villages and again for communities keeps both, each with its scope;
    # one stated once is the whole report's.
    counts: dict[str, int] = {}
    for figure in figures:
        counts[figure.indicator] = counts.get(figure.indicator, 0) + 1
    # An article that states figures for villages and for communities apart gives each its
    # scope; in another, 村 in "村“两委”" is the committees' name, not a scope.
    apart = {"village", "community"} <= {f.scope for f in figures}
    entries, seen = [], set()
    for figure in figures:
        # 社区 alone always scopes a figure to communities.
        scope = figure.scope if apart or counts[figure.indicator] > 1 or figure.scope == "community" else None
        key = (figure.indicator, scope)
        quote = text[figure.quote_start:figure.quote_end].strip()
        if any(refused_character(char) for char in quote):
            notes.append(f"{figure.indicator}: its clause holds a character a page cannot show; copy it by hand")
            continue
        if key in seen:
            notes.append(f"{figure.indicator} stated again: {quote}")
            continue
        seen.add(key)
        row = indicators.loc[figure.indicator]
        entry: dict = {"indicator": figure.indicator, "section": row["section"]}
        if scope:
            entry["scope"] = scope
        if figure.token is not None:
            entry["value"] = _number(figure.token.value)
        entry["unit"] = row["unit"]
        entry["qualifier"] = figure.token.qualifier if figure.token is not None else "exact"
        if figure.token is not None and figure.token.stated_as:
            entry["stated_as"] = figure.token.stated_as
        if figure.changes:
            entry["changes"] = [_change_entry(t, row["unit"]) for t in figure.changes]
        entry["quote"] = quote
        entries.append(entry)
    return _yaml(path, text, meta, entries, notes), entries


def _place(text: str) -> tuple[str | None, str | None]:
    province = re.search(r"([\u4e00-\u9fff]{2,3}(?:省|自治区))", text)
    place = re.search(r"([\u4e00-\u9fff]{2,4}?(?:市|县|区|旗|镇))(?:委|委员会|各|共|顺利|圆满|全面|新一届|村|扎实|坚持|“|在)", text)
    return (place.group(1) if place else None), (province.group(1) if province else None)


def _english(name: str) -> str:
    from pypinyin import lazy_pinyin

    core = re.sub(r"(市|县|区|旗|镇|省|自治区)$", "", name)
    return "".join(lazy_pinyin(core)).capitalize()


def _yaml(path: Path, text: str, meta: dict, entries: list[dict], notes: list[str]) -> str:
    place, province = _place(text)
    report_id = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "my-county-2021"
    year = re.search(r"(20\d\d)年", text)
    lines = [
        f"# Drafted by `python -m villagereport draft` from {path.name}. Review every figure against",
        "# its quote and the article, fill in every TODO, then run `make validate REPORT=<this file>`.",
        "# The draft never guesses: what it could not place is listed at the end, for you to add.",
        "format: village-election-report/1",
        f"id: {report_id if re.match(r'^[a-z0-9]', report_id) else 'my-county-2021'}",
        "source:",
    ]
    outlet = meta.get("outlet")
    if outlet:
        lines.append(f"  outlet: {{zh: {_q(outlet)}, en: {_q('TODO: the outlet in English')}}}")
    if meta.get("title"):
        lines.append(f"  title: {_q(meta['title'])}")
    if meta.get("date"):
        lines.append(f"  date: \"{meta['date']}\"")
    if meta.get("url"):
        lines.append(f"  url: {_q(meta['url'])}")
    if not (outlet or meta.get("date") or meta.get("url")):
        lines.append('  date: "2021-01-01"  # TODO: the date of the article (YYYY-MM-DD); not found in the text')
    lines.append("place:")
    if place:
        lines.append(f"  name: {{zh: {_q(place)}, en: {_q(_english(place))}}}  # check the English name")
    else:
        lines.append("  name: {zh: TODO, en: TODO}  # TODO: the place; not found in the text")
    if province:
        lines.append(f"  province: {{zh: {_q(province)}, en: {_q(_english(province))}}}")
    else:
        lines.append("  province: {zh: TODO, en: TODO}  # TODO: the province; not found in the text")
    lines.append(f"election_year: {year.group(1) if year else 2021}" + ("" if year else "  # TODO: check"))
    lines.append("")
    lines.append("figures:" if entries else "figures: []")
    for entry in entries:
        body = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000, default_flow_style=None)
        lines += ["  " + line for line in body.rstrip("\n").split("\n")]
    if notes:
        lines.append("")
        lines.append("# Not drafted (a figure the draft could not place, or could place two ways):")
        lines += [f"#   {note}" for note in notes]
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return yaml.safe_dump(str(text), allow_unicode=True, width=1000).strip().removesuffix("...").strip()


def write_draft(article: str | Path, out: str | Path) -> Path:
    """Draft the report file for ``article`` into ``out`` (written whole, or not at all)."""
    text, _ = draft(article)
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ReportError(out, "out", f"expected a file that can be written ({error.strerror})") from None
    return out
