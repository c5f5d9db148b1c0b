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

import pandas as pd
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
    "percent": ["%"], "year": ["周岁", "岁"], "person_time": ["人次"], "person": ["人", "名", "名选民", "选民"],
    "unit": ["个村(社区)", "个村（社区）", "个村(居)", "个村（居）", "个村居", "个村(居)民委员会", "个村（居）民委员会"],
    "village": ["个行政村", "个村"], "community": ["个城市社区", "个社区"],
    "department": ["个部门", "个县级部门", "家单位", "个单位", "家"], "group": ["个"], "meeting": ["次"],
    "copy": ["份"], "piece": ["条", "幅", "个"], "sheet": ["张", "份"], "line": ["部", "条"], "box": ["个"],
    "hour": ["小时"], "incident": ["起"], "item": ["项"], "day": ["天"],
}
DOWN = ("下降", "降低", "减少", "降幅", "缩小")
UP = ("提高", "提升", "增加", "上升", "增长", "增幅")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([余多]?万余?)?")
_CHINESE = re.compile(r"(?<![第])[一二两三四五六七八九十百千]+(?=[个名人次项条家部张份起])")
_WHOLE = re.compile(r"全部|百分百")
_CHANGE = re.compile(r"(" + "|".join(DOWN + UP) + r")(了|达到|达|为|到)?(近|约|超过|超)?$")
_CHANGE_LIST = re.compile(r"(" + "|".join(DOWN + UP) + r")(了|达到|达|为|到)?(近|约|超过|超)?[\d.]+[^，,；;。\d]{0,6}[和、]$")
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
class Decision:
    """What the draft did with one number of the article: ``placed`` (``detail``, the
    indicators, comma-joined), ``ruled_out`` (``detail``, why: date, ordinal, target, age_band,
    negation) or ``not_placed`` (``detail``, the indicators it fits equally, if any); positions
    in the text read."""

    start: int
    end: int
    status: str
    detail: str = ""


@dataclass(eq=False)
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
    score: int = 0  # how well its words fit the indicator (candidates), where it was ranked


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


# A pinyin gloss after a character, as some copies print them: 個(gè), 區(qū), 點(diǎn).
_GLOSS = re.compile(r"[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")
# An address (percent-encoded or not): its digits are no figures.
_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s，。；、（）()]+")


def readable(text: str) -> tuple[str, list[int]]:
    """The article as the drafter reads it, and where each of its characters is in ``text``:
    simplified characters (``simplified``), with pinyin glosses and web addresses left out, so
    that 「全區(qū)293個(gè)村」 reads 「全区293个村」 while every quote is cut from ``text``
    as published."""
    simple = simplified(text)
    drop = [False] * len(simple)
    # A space beside a figure (「占所有成员的 93.8 %」) parts it from its unit.
    for m in re.finditer(r"(?<=\d)[ \u3000\xa0]+(?=[%\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])[ \u3000\xa0]+(?=\d)", simple):
        for i in range(m.start(), m.end()):
            drop[i] = True
    for pattern in (_GLOSS, _ADDRESS):
        for m in pattern.finditer(simple):
            for i in range(m.start(), m.end()):
                drop[i] = True
    kept = [i for i, gone in enumerate(drop) if not gone]
    return "".join(simple[i] for i in kept), kept


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


# Words before a figure in its clause that say it did not happen, or is what is left: 「剩下未完成
# 换届的22个村」 counts the villages that did not finish.
_NEGATION = re.compile(r"(未|尚未|没有|剩下|剩余|仍有|尚有)")


def tokens(simple: str, ruled_out: list[Decision] | None = None) -> list[Token]:
    """Every figure the text writes, with its unit, qualifier and direction; the numbers that
    are no figures (dates, ordinals, targets) go to ``ruled_out`` with the reason."""
    import cn2an

    ruled_out = [] if ruled_out is None else ruled_out
    found: list[Token] = []
    spans = [(m.start(), m.end(), _value(m)) for m in _NUMBER.finditer(simple)]
    for m in _CHINESE.finditer(simple):
        try:
            spans.append((m.start(), m.end(), float(cn2an.cn2an(m.group(), "smart"))))
        except ValueError:
            continue
    for start, end, value in sorted(spans):
        after = simple[end:end + 12]
        skipped = _SKIP_AFTER.match(after)
        if skipped:
            reason = "age_band" if "岁" in skipped.group() else "term" if skipped.group() == "届" else "date"
            ruled_out.append(Decision(start, end, "ruled_out", reason))
            continue
        if simple[max(0, start - 1):start] in ("第", "."):
            ruled_out.append(Decision(start, end, "ruled_out", "ordinal"))
            continue
        if re.match(r"[-—～~至到]\d+(周岁|岁)", simple[end:end + 8]) or (
                re.search(r"\d[-—～~至到]$", simple[max(0, start - 4):start]) and after.startswith(("周岁", "岁"))):
            ruled_out.append(Decision(start, end, "ruled_out", "age_band"))
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
        token = Token(start, end, value, unit or after[:1], simple[end + width:end + width + 20])
        if "万" in simple[start:end] and re.search(r"[余多]", simple[start:end]):
            token.qualifier = "more_than"  # 2750多万, 1555万余
        if after.startswith("个百分点"):
            token.unit, token.points, token.after = "percent", True, simple[end + 4:end + 24]
        before = simple[max(0, start - 12):start]
        clause_before = re.split(f"[{CLAUSE_END}]", before)[-1]
        if clause_before.endswith("近"):
            token.qualifier = "nearly"
        elif clause_before.endswith("约"):
            token.qualifier = "about"
        elif clause_before.endswith(("超过", "超")):
            token.qualifier = "more_than"
        elif after.startswith(("余", "多")) or token.qualifier == "more_than":
            token.qualifier = "more_than"
        elif token.after.startswith(("以上", "及以上")) and unit not in ("year",):
            token.qualifier = "at_least"
        if "将" in clause_before[-6:]:
            ruled_out.append(Decision(start, end, "ruled_out", "target"))
            continue  # "将达到95%以上": a target, not a result the report states
        # 「比上届增加572人和104人」: a second change in a list takes the first's direction.
        change = _CHANGE.search(clause_before) or _CHANGE_LIST.search(clause_before)
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


def _after_fits(text_after: str, cue: str) -> bool:
    """Whether what follows a number is what an ``after`` cue says: the cue itself, or its
    counter and noun with a short modifier or a 由…的 clause between (「13个县级部门」 is
    「个部门」's, 「7个由市委常委任组长的换届指导小组」 「个换届指导」's); 城市 aside
    (「12个城市社区」 is 「12个社区」). (居) and (社区) count: 个村 is not 个村(居)."""
    text, cue = text_after.replace("城市", ""), cue.replace("城市", "")
    if text.startswith(cue):
        return True
    counter, noun = cue[:1], cue[1:]
    # Only a noun of two letters or more: 「个村」 would take 「个行政村」 and 「个自然村」 alike.
    return (counter in "个家名" and len(noun) >= 2
            and re.match(rf"{counter}(由[^\W\d]{{1,12}}的)?[^\W\d和及与或等的]{{0,4}}{re.escape(noun)}", text) is not None)


def candidates(token: Token, near: str, wide: str, indicators, own: str | None = None,  # type: ignore[no-untyped-def]
               head: str | None = None) -> list[tuple[int, str]]:
    """The indicators whose unit and cues fit the token, best first, with their scores.

    ``near`` is the text since the figure before it in its sentence and the rest of its clause;
    ``wide`` the whole sentence up to the end of its clause; ``own`` the number's own clause,
    where a word that rules an indicator out must not be. Words may be anywhere in ``wide``
    but count three times as much in ``near``, so that "专题会议8次、调度会2次" gives each
    count to its own meeting."""
    own = wide if own is None else own
    # What is written just before the number in its item (「其中书记53名,副书记77名,委员152名」:
    # 委员 for 152), less the words that only join it (共有, 为, 达).
    head = re.sub(r"(共有|共计|共|有|为|达到|达|计|是)$", "", re.split(r"[、,，]", near if head is None else head)[-1])
    # Words are matched as plain words: 「村(居)民委员会成员」 is 「村民委员会成员」, 「“两委”」 is 「两委」.
    near, wide, own, head = _plain(near), _plain(wide), _plain(own), _plain(head)
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
        hits = [c for c in cues.get("after", []) if _after_fits(text_after, c)]
        # The unit fits, or the indicator's own words follow the number ("70个村党组织书记").
        if not (any_unit or _fits_unit(token, row["unit"]) or (hits and row["unit"] not in ("percent", "year"))):
            continue
        if "after" in cues and not any_unit:
            if not hits:
                continue
            score += 4 * max(map(len, hits))
        words = {part: [_plain(c) for c in cues.get(part, [])] for part in ("all", "any", "none", "before")}
        if any(c not in wide for c in words["all"]) or any(c in own for c in words["none"]):
            continue
        if "before" in cues:
            before = [c for c in words["before"] if head.endswith(c)]
            if not before:
                continue
            # The word just before the number is the surest sign of what it counts.
            score += 20 + 3 * max(map(len, before))
        # A word in the number's own item (what is written just before it) weighs most: in
        # 「高中及以上学历75人,…,大专及以上学历66人」 66 is 大专's, whatever came before.
        score += sum(len(c) * (7 if c in head else 3 if c in near else 1) for c in words["all"])
        if "any" in cues:
            hits = [len(c) * (7 if c in head else 3 if c in near else 1) for c in words["any"] if c in wide]
            if not hits:
                continue
            score += max(hits)
        if any_unit:
            # "女性委员较上届提高12%": a count's relative change, unless the words say a share.
            says_share = any(w in near for w in ("占比", "比例", "比重"))
            score += 1 if (row["unit"] == "percent") == says_share else 0
        scored.append((score, ind))
    return sorted(scored, reverse=True)


_MARKS = re.compile(r"[(（](?:居|社区|村|居委会|居民委员会)[)）]|[“”\"]|城市")


@cache
def _plain(text: str) -> str:
    """``text`` without the marks articles write a word with or without: (居), (社区), quotes,
    城市; 委员 (not 委员会) as 成员, which articles write of the same people; and the long names
    of degrees (大学专科, 大学本科, 高中(中专)) and of ages (周岁) as their short ones; 女 before a
    post (女干部) as 女性."""
    text = _MARKS.sub("", text).replace("大学专科", "大专").replace("大学本科", "本科").replace("周岁", "岁")
    # 「高中(中专)」, 「中专高中」: the one level 高中.
    text = re.sub(r"高中[(（]中专[)）]|中专高中|高中、中专", "高中", text)
    # 「女干部」, 「女委员」: 女 short for 女性.
    text = re.sub(r"女(?=干部|成员|委员|书记|主任|党员|村|候选人|代表)", "女性", text)
    # 「书记、村委会主任」, 「书记和主任」: the one post pair 书记主任 (一肩挑's two posts).
    text = re.sub(r"书记[、和及]?(?:村民委员会|村委会|居委会|村居委会)?主任", "书记主任", text)
    return re.sub(r"委员(?!会)", "成员", text)


def _scope(simple: str, start: int) -> str | None:
    head = re.sub(r"^(其中|据了解|在|全县|全市|全区|全旗|全镇)+", "", simple[start:start + 16].lstrip())
    if head.startswith("农村"):
        return "village"
    if head.startswith("社区"):
        return "community"
    if head.startswith("村") and not re.match(r"村[(（](社区|居)", head):
        return "village"
    return None


def find_figures(simple: str, decisions: list[Decision] | None = None,
                 indicators: pd.DataFrame | None = None) -> tuple[list[Figure], list[str]]:
    """The figures the draft places, and notes on those it could not place; ``decisions``
    gets what was done with every number of the text (placed, ruled out and why, not placed).
    ``indicators``: the catalogue's, or another with other cues (the evaluation's)."""
    indicators = load_catalogue().indicators if indicators is None else indicators
    figures: list[Figure] = []
    notes: list[str] = []
    decisions = [] if decisions is None else decisions
    previous_end, previous_sentence = 0, -1
    for token in tokens(simple, decisions):
        before = len(notes)
        status, detail = _place_token(simple, token, figures, notes, indicators, previous_end, previous_sentence)
        if len(notes) > before and notes[-1] in notes[:before]:
            notes.pop()  # the clause is listed once, however many of its numbers were left
        decisions.append(Decision(token.start, token.end, status, detail))
        previous_end, previous_sentence = token.end, _sentence(simple, token.start)
    _wholes(simple, figures, decisions, indicators)
    decisions.sort(key=lambda d: d.start)
    return figures, notes


_COMPLETED = ("villages_completed", "communities_completed", "units_completed", "committee_units_completed",
              "party_units_completed")
_DONE = re.compile(r"完成|产生|选出|结束|选举成功")


def _wholes(simple: str, figures: list[Figure], decisions: list[Decision], indicators) -> None:  # type: ignore[no-untyped-def]
    """「涉及全区293个村(居)民委员会,选举日当天共完成271个村(居)换届」: of two counts of units
    done in one sentence, the larger, stated first in a clause that says nothing was done, is
    the whole the other is part of (units_in_election), whatever words it was written with."""
    if "units_in_election" not in indicators.index:
        return

    def done(figure: Figure) -> bool:
        at = figure.token.start
        return _DONE.search(simple[_clause_start(simple, at):_clause_end(simple, figure.token.end)]) is not None

    counted = [f for f in figures if f.indicator in _COMPLETED and f.token is not None and not f.token.change]
    for whole in counted:
        parts = [f for f in counted if f.sentence_start == whole.sentence_start and f.token.start > whole.token.start
                 and f.token.value < whole.token.value and done(f)]
        if parts and not done(whole):
            whole.indicator = "units_in_election"
            for decision in decisions:
                if decision.start == whole.token.start and decision.status == "placed":
                    decision.detail = "units_in_election"


def _place_token(simple: str, token: Token, figures: list[Figure], notes: list[str], indicators,  # type: ignore[no-untyped-def]
                 previous_end: int, previous_sentence: int) -> tuple[str, str]:
    """Place one figure: onto the level before it (a change), an indicator, or a note. Returns
    what was done: ("placed", the indicator), ("ruled_out", why) or ("not_placed", "")."""
    start = _sentence(simple, token.start)
    clause = _clause_start(simple, token.start)
    end = _clause_end(simple, token.end)
    since = previous_end if previous_sentence == start else start
    negation = _NEGATION.search(simple[clause:token.start])
    if negation:
        # What did not finish has indicators of its own (party_units_not_completed): placed there
        # where its words fit one; otherwise ruled out.
        rest = re.split("、|和", simple[token.end:end])[0]
        negative = indicators[[("未" in str(c.get("all", []))) if isinstance(c, dict) else False for c in indicators["cues"]]]
        ranked = candidates(token, simple[clause:token.start] + rest, simple[start:token.start] + rest, negative) if len(negative) else []
        if ranked and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
            figures.append(Figure(ranked[0][1], token, clause, end, start))
            return "placed", ranked[0][1]
        notes.append(f"ruled out ({negation.group()}: a figure of what did not happen, or of what is left): "
                     f"{simple[clause:end]}")
        return "ruled_out", "negation"
    respective = _respective(simple, token, figures, indicators, clause, end, start)
    if respective == UNPAIRED:
        notes.append(f"not placed (分别: its list could not be paired with the figures): {simple[clause:end]}")
        return "not_placed", ""
    if respective is not None:
        indicator, quote_start = respective
        indicator = _subset(indicator, simple, start, figures, indicators)
        figures.append(Figure(indicator, token, quote_start, end, start, scope=_scope(simple, quote_start)))
        return "placed", indicator
    if token.change:
        in_sentence = [f for f in figures if f.sentence_start == start]
        # Changes given for several levels in turn (「分别有4021人和2441人,比上届增加572人和104人」):
        # the i-th change is the i-th level's, of the levels just stated.
        group = [t for t in tokens(simple[clause:end]) if t.change]
        place = next((i for i, t in enumerate(group) if clause + t.start == token.start), None)
        levels = [f for f in in_sentence if f.token is not None][-len(group):]
        if (len(group) >= 2 and place is not None and len(levels) == len(group)
                and all(f.token.start < clause and _change_fits(token, indicators.at[f.indicator, "unit"]) for f in levels)):
            owner = levels[place]
            owner.changes.append(token)
            owner.quote_end = end
            return "placed", owner.indicator
        # A change whose own words name a level stated earlier in its sentence belongs to that
        # level (「…平均年龄43.6岁,…,与上届相比…平均年龄下降3.6岁」).
        named = candidates(_as_level(token), simple[clause:token.start], simple[clause:token.start], indicators)
        if named and (len(named) == 1 or named[0][0] > named[1][0]):
            owner = next((f for f in reversed(in_sentence) if f.indicator == named[0][1]), None)
            if owner is not None and owner.token is not None and owner.token.start < clause:
                owner.changes.append(token)
                owner.quote_end = end
                return "placed", owner.indicator
        # 「女性干部41人,占比较上一届提高16%」: the change of the count's share, whose level the
        # article does not give.
        owner = in_sentence[-1] if in_sentence else None
        sibling = f"{owner.indicator.removesuffix('_count')}_share" if owner is not None else ""
        if (owner is not None and token.unit == "percent" and re.search(r"(占比|比例|比重)较", simple[clause:token.start])
                and indicators.at[owner.indicator, "unit"] != "percent" and sibling in indicators.index):
            figures.append(Figure(sibling, None, clause, end, start, changes=[token]))
            return "placed", sibling
        # Else a change belongs to the level just stated in its sentence, where there is one.
        if owner is not None and _change_fits(token, indicators.at[owner.indicator, "unit"]):
            owner.changes.append(token)
            owner.quote_end = end
            return "placed", owner.indicator
    # 「女性65名,占62%」: a share said right after a count is that count's share.
    if token.unit == "percent" and not token.change and figures and figures[-1].token is not None:
        count = figures[-1]
        between = simple[count.token.end:token.start]
        sibling = f"{count.indicator.removesuffix('_count')}_share"
        if (count.sentence_start == start and indicators.at[count.indicator, "unit"] != "percent"
                and sibling in indicators.index and re.fullmatch(r"[^\d，,；;。()（）]{0,4}[，,](其中)?占(比|比例)?(为|达到|达)?", between)):
            figures.append(Figure(sibling, token, count.quote_start, end, start, scope=count.scope))
            return "placed", sibling
    level = _as_level(token) if token.change else token
    # The rest of the clause, to the next item of a list ("党组织成员51人、村委会成员39人").
    rest = re.split("、", simple[token.end:end])[0]
    wide = _unaside(simple[start:token.start]) + rest
    clause_text = simple[clause:end]
    if token.stated_as == "百分百" or simple[max(start, token.start - 3):token.start].endswith(("均为", "均达到", "均")):
        # "A、B、C三个百分百", "A、B均为100%": one value for each item of the list before it.
        items = [i for i in re.split(r"[、和及]", simple[clause:token.start]) if i.strip()]
        placed = [candidates(level, item, item + rest, indicators, head=item) for item in items]
        chosen = [r[0][1] for r in placed if r and (len(r) == 1 or r[0][0] > r[1][0])]
        if len(chosen) >= 2 and len(set(chosen)) == len(chosen):
            for indicator in chosen:
                figures.append(Figure(indicator, token, clause, end, start, scope=_scope(simple, clause)))
            return "placed", ", ".join(chosen)
    # A clause that names no one says more of the subject before it (「“一肩挑”28人,达到100%,
    # 全部为高中及以上学历」): that subject's words count as the clause's own.
    subject = _carried_subject(simple, start, clause, end)
    own = subject + simple[clause:token.start] + rest
    ranked = candidates(level, subject + _unaside(simple[since:token.start]) + rest, subject + wide, indicators, own,
                        head=simple[clause:token.start])
    if not ranked:
        notes.append(f"not placed: {clause_text}")
        return "not_placed", ""
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        tied = [i for score, i in ranked if score == ranked[0][0]]
        notes.append(f"not placed, {' or '.join(tied)}?: {clause_text}")
        return "not_placed", ",".join(tied)
    indicator = _subset(ranked[0][1], simple, start, figures, indicators)
    quote_start = _quote_start(simple, start, clause, indicators.at[indicator, "cues"], token.start)
    item = simple.rfind("、", clause, token.start) + 1
    cues = indicators.at[indicator, "cues"]
    if item and quote_start == clause and any(w in simple[item:token.start] for w in cues.get("any", [])) \
            and all(w in simple[item:token.start] for w in cues.get("all", [])):
        quote_start = item  # the item of a list that states it: "社区“两委”干部307名"
    figures.append(Figure(indicator, None if token.change else token, quote_start, end, start,
                          scope=_scope(simple, quote_start), changes=[token] if token.change else [],
                          score=ranked[0][0]))
    return "placed", indicator


# Words that name whom or what a figure is of: a clause with none of them has its subject before it.
_SUBJECT = re.compile(r"书记|主任|成员|干部|班子|一肩挑|两委|女性|男性|党员|选民|候选人|委员会|党组织|村|社区")


def _carried_subject(simple: str, sentence: int, clause: int, end: int) -> str:
    """The subject a clause that names none carries: the words that name whom (_SUBJECT) of
    the nearest clause before it in its sentence that names one, or in the sentence before when only a semicolon divides them
    (「199名村党组织书记中,…占比49.2%;平均年龄44.7岁」); else ""."""
    if _SUBJECT.search(_plain(simple[clause:end])):
        return ""
    floor = sentence
    if sentence > 0 and simple[sentence - 1] in "；;":
        floor = _sentence(simple, sentence - 1)
    at = clause - 1  # the mark that ends the clause before
    while at > floor:
        start = _clause_start(simple, at)
        named = _SUBJECT.findall(_plain(simple[start:at]))
        if named:
            # Only whom it names: the clause's other words are its own figure's
            # (「书记中致富带头人比例达到84.3%,大专及以上学历占到51.4%」).
            return " ".join(named) + " "
        at = start - 1
    return ""


# A sentence opening 其中 counts a part of the figure before it: 「…大专及以上学历的有18691人。其中,
# 村党组织书记和村委会主任分别有4021人和2441人」 counts the college-educated secretaries and
# directors. The figure before, and the indicators of its part, by the post counted.
_PARTS = {"members_college": {"secretaries_elected": "secretaries_college", "directors_elected": "directors_college"},
          "women_members": {"secretaries_elected": "women_secretaries", "directors_elected": "women_directors"}}


def _subset(indicator: str, simple: str, sentence: int, figures: list[Figure], indicators) -> str:  # type: ignore[no-untyped-def]
    """``indicator``, or the indicator of the part it counts where its sentence opens 其中 after
    a figure of such a part (_PARTS)."""
    if not simple[sentence:sentence + 4].lstrip().startswith("其中"):
        return indicator
    before = [f for f in figures if f.sentence_start < sentence]
    if not before:
        return indicator
    part = _PARTS.get(before[-1].indicator, {}).get(indicator)
    return part if part in indicators.index else indicator


# Several levels given 分别 whose list the draft cannot pair one to one: none is placed (a guess
# would give one the other's value).
UNPAIRED = ("", -1)


def _respective(simple: str, token: Token, figures: list[Figure], indicators, clause: int, end: int,  # type: ignore[no-untyped-def]
                sentence: int) -> tuple[str, int] | None:
    """A level among several given 分别 (respectively): the indicator of its place in the list,
    and where its quote starts. 「“一肩挑”和“交叉任职”比例分别为85.1%和84.8%」: the items before
    分别, in order; 「…3806人,…694人,分别占总数的19.1%和3.5%」: the shares of the counts just
    stated, in order. None where the clause says no 分别, or the lists do not pair one to one."""
    at = simple.rfind("分别", clause, token.start)
    if at < 0 or token.change:
        return None
    after = at + len("分别")
    group = [t for t in tokens(simple[after:end]) if t.unit == token.unit and not t.change]
    place = next((i for i, t in enumerate(group) if after + t.start == token.start), None)
    if place is None or len(group) < 2:
        return None
    head = re.sub(r"(比例|比重|占比|分别)", "", simple[clause:at])
    items = [i for i in re.split(r"[和与及、]", head) if i.strip()]
    if len(items) == len(group):
        ranked = candidates(token, items[place], items[place] + simple[token.end:end], indicators)
        if ranked and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
            return ranked[0][1], clause
        return UNPAIRED
    # The shares of the counts just before: the last numbers before 分别, each placed as a count.
    before = [t for t in tokens(simple[sentence:at]) if not t.change][-len(group):]
    placed = {f.token.start: f for f in figures if f.token is not None}
    owners = [placed.get(sentence + t.start) for t in before]
    if token.unit == "percent" and len(owners) == len(group) and all(o and o.token.unit != "percent" for o in owners):
        owner = owners[place]
        share = f"{owner.indicator.removesuffix('_count')}_share"
        if share in indicators.index:
            return share, owner.quote_start
    # Or the clauses just before, one for each: 「1555万余选民参加了…,69.4万多名党员参加了…,参选率
    # 分别为87.4%和89.4%」.
    bounds = [sentence] + [i + 1 for i in range(sentence, clause - 1) if simple[i] in CLAUSE_END]
    previous = [simple[a:b] for a, b in zip(bounds, [*bounds[1:], clause], strict=True)][-len(group):]
    if len(previous) == len(group):
        subject = previous[place] + simple[clause:at]
        ranked = candidates(token, subject, subject + simple[token.end:end], indicators)
        if ranked and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
            return ranked[0][1], bounds[-len(group):][place]
    return UNPAIRED


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
        elif token.relative:
            reading = "relative"  # 增幅, 降幅: a relative change, said so
        else:
            # A share "up 5.7%": points or relative; a count "学历提高20.56%": of the count, or of
            # its share. The text does not say which.
            reading = "ambiguous"
        unit = "percent"
    else:
        reading, unit = "absolute", indicator_unit
    return {"value": _number(token.change * token.value), "unit": unit, "reading": reading}


@dataclass
class Draft:
    """A drafted report: the file's text, its figures as data, and for the review page the
    article as published with what the draft did with each of its numbers (positions in
    ``article``) and what is left for a person to fill in."""

    text: str
    entries: list[dict]
    article: str
    decisions: list[Decision]
    notes: list[str]
    todos: list[tuple[str, dict]]  # each TODO's message key and fields (_todo_text)


def draft(path: str | Path, indicators: pd.DataFrame | None = None) -> tuple[str, list[dict]]:
    """The draft report file's text for the article at ``path``, and its figures as data."""
    drafted = draft_report(path, indicators)
    return drafted.text, drafted.entries


def draft_report(path: str | Path, indicators: pd.DataFrame | None = None) -> Draft:
    """Draft the report file for the article at ``path`` (``Draft``), with the catalogue's
    indicators and cues or ``indicators``."""
    path = Path(path)
    text, meta = read_article(path)
    simple, origin = readable(text)
    decisions: list[Decision] = []
    indicators = load_catalogue().indicators if indicators is None else indicators
    figures, notes = find_figures(simple, decisions, indicators)

    def published(start: int, end: int) -> str:
        # The article's own characters from the read text's start to its end (glosses kept).
        return text[origin[start]:origin[end - 1] + 1] if end > start else ""

    # A figure stated for villages and again for communities keeps both, each with its scope;
    # one stated once is the whole report's.
    counts: dict[str, int] = {}
    for figure in figures:
        counts[figure.indicator] = counts.get(figure.indicator, 0) + 1
    # An article that states figures for villages and for communities apart gives each its
    # scope; in another, 村 in "村“两委”" is the committees' name, not a scope.
    apart = {"village", "community"} <= {f.scope for f in figures}
    entries, seen, dropped = [], set(), set()
    for figure in figures:
        # 社区 alone always scopes a figure to communities.
        scope = figure.scope if apart or counts[figure.indicator] > 1 or figure.scope == "community" else None
        key = (figure.indicator, scope)
        quote = published(figure.quote_start, figure.quote_end).strip()
        if any(refused_character(char) for char in quote):
            notes.append(f"{figure.indicator}: its clause holds a character a page cannot show; copy it by hand")
            dropped.add(figure)
            continue
        # One indicator placed twice in a sentence (「共完成271个…,其中…完成265个」): the number
        # whose own words fit it best is kept, the other listed.
        better = [f for f in figures if f is not figure and f.indicator == figure.indicator and f.scope == figure.scope
                  and f.sentence_start == figure.sentence_start and f.score > figure.score]
        if key in seen or better:
            notes.append(f"{figure.indicator} stated again: {quote}")
            dropped.add(figure)
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
        if figure.token is not None:
            written = simple[figure.token.start:figure.token.end]
            if figure.token.stated_as:
                entry["stated_as"] = figure.token.stated_as
            elif not written[:1].isdigit():
                entry["stated_as"] = published(figure.token.start, figure.token.end)  # 一百七十二, as written
        if figure.changes:
            entry["changes"] = [_change_entry(t, row["unit"]) for t in figure.changes]
        entry["quote"] = quote
        entries.append(entry)
    # A number whose figure was left out of the file (stated again, or unshowable) is marked not placed.
    left_out = {t.start for f in dropped for t in ([f.token] if f.token else []) + f.changes}
    on_page = []
    for d in decisions:
        gone = d.status == "placed" and d.start in left_out
        on_page.append(Decision(origin[d.start], origin[d.end - 1] + 1, "not_placed" if gone else d.status,
                                "" if gone else d.detail))
    body, todos = _yaml(path, text, simple, meta, entries, notes)
    return Draft(body, entries, text, on_page, notes, todos)


# Words that open a phrase ending in 市/县/区/镇 but are no place: 「确保全县」, 「官担任社区」.
_NOT_A_PLACE = re.compile(r"[全各本该确保实现推进完成担任其中目前以及和与在对为由记者从据向个日是年月号第]")


def _place(text: str) -> tuple[str | None, str | None]:
    """The place the article reports on and its province, where the text names them plainly."""
    province = re.search(r"([\u4e00-\u9fff]{2,3}(?:省|自治区))", text)
    place = None
    for m in re.finditer(r"([\u4e00-\u9fff]{2,4}?(?:市|县|区|旗|镇|乡|街道))(?:委|委员会|各|共|顺利|圆满|全面|新一届|村|扎实|坚持|“|在|\d)", text):
        name = re.sub(r"^[县市区省]", "", m.group(1))  # 「全县柿树岗乡」: the 县 is the phrase's
        if len(name) > 1 and not _NOT_A_PLACE.search(name[:-1]):
            place = name
            break
    return place, (province.group(1) if province else None)


def _english(name: str) -> str:
    from pypinyin import lazy_pinyin

    core = re.sub(r"(市|县|区|旗|镇|乡|街道|省|自治区)$", "", name)
    return "".join(lazy_pinyin(core)).capitalize()


# The round a year is said of: 「2021年村“两委”换届」, 「2018年村级组织换届」.
_ELECTION_YEAR = re.compile(r"(20\d\d)年[^，。；\n]{0,12}换届")


def _todo_text(lang: str, key: str, fields: dict) -> str:
    """What a TODO asks for, in ``lang`` (the file's comments are English; the review page's the reader's)."""
    from villagereport.wording import fill, strings

    words = strings(lang)["draft"]["todo"]
    if "said" in fields and fields["said"]:
        fields = {**fields, "said": fill(words["it_says"], words=fields["said"])}
    return fill(words[key], **{"said": "", **fields})


def _coverage(simple: str) -> tuple[list[str], list[tuple[str, dict]]]:
    """The coverage lines the article's words support (bodies, units, status), each for review,
    and the TODOs among them."""
    todos: list[tuple[str, dict]] = []

    def todo(line: str, key: str, **fields: str) -> str:
        todos.append((key, fields))
        return f"{line}  # TODO: {_todo_text('en', key, fields)}"

    bodies = []
    if re.search(r"两委", simple):
        bodies = ["party", "committee"]
    else:
        if re.search(r"党(组织|支部|总支|委)", simple):
            bodies.append("party")
        if re.search(r"(村|居)民委员会|村委会|居委会|村\(居\)委|村（居）委", simple):
            bodies.append("committee")
    units = [u for u, words in (("village", r"村(?!\(居|（居)"), ("community", r"社区|居民委员会|居委会|\(居\)|（居）")) if re.search(words, simple)]
    lines = ["coverage:  # what the report covers: check each line against the article"]
    lines.append(f"  bodies: [{', '.join(bodies)}]" if bodies else todo("  bodies: TODO", "bodies"))
    lines.append(f"  units: [{', '.join(units)}]" if units else todo("  units: TODO", "units"))
    as_of = re.search(r"截至(\d{1,2})月(\d{1,2})日", simple)
    if as_of or re.search(r"正在|陆续|有序推进", simple):
        lines.append("  status: under_way  # the article tells of a round still going on")
        lines.append(todo("  as_of: TODO", "as_of", said=as_of.group() if as_of else ""))
    elif re.search(r"(全面|全部|圆满|顺利)完成", simple):
        lines.append("  status: complete")
    else:
        lines.append(todo("  status: TODO", "status"))
    return lines, todos


def _yaml(path: Path, text: str, simple: str, meta: dict, entries: list[dict],
          notes: list[str]) -> tuple[str, list[tuple[str, dict]]]:
    """The draft file, and the TODOs in it (what a person must fill in before it can be a book),
    each as its message key and fields."""
    place, province = _place(simple)
    report_id = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "my-county"
    year = _ELECTION_YEAR.search(simple)
    todos: list[tuple[str, dict]] = [("review", {})]

    def todo(line: str, key: str) -> str:
        todos.append((key, {}))
        return f"{line}  # TODO: {_todo_text('en', key, {})}"

    lines = [
        f"# Drafted by `python -m villagereport draft` from {path.name}, for a person to review:",
        "# read the review page written beside this file, check every figure against its quote and",
        "# the article, fill in every TODO; `make validate` and the book refuse a file that holds one.",
        "# The draft never guesses: what it could not place is listed at the end, for you to add.",
        f"TODO: {_todo_text('en', 'review', {})}",
        "format: village-election-report/1",
        f"id: {report_id if re.match(r'^[a-z0-9]', report_id) else 'my-county'}",
        "source:",
    ]
    outlet = meta.get("outlet")
    if outlet:
        lines.append(todo(f"  outlet: {{zh: {_q(outlet)}, en: TODO}}", "outlet_en"))
    if meta.get("title"):
        lines.append(f"  title: {_q(meta['title'])}")
    if meta.get("date"):
        lines.append(f"  date: \"{meta['date']}\"  # check: the article's own date, not a republication's")
    else:
        lines.append(todo("  date: TODO", "date"))
    if meta.get("url"):
        lines.append(f"  url: {_q(unquote_url(meta['url']))}")
    lines.append("place:")
    if place:
        lines.append(f"  name: {{zh: {_q(place)}, en: {_q(_english(place))}}}  # check the English name")
    else:
        lines.append(todo("  name: {zh: TODO, en: TODO}", "place"))
    if province:
        lines.append(f"  province: {{zh: {_q(province)}, en: {_q(_english(province))}}}")
    else:
        lines.append(todo("  province: {zh: TODO, en: TODO}", "province"))
    if year:
        lines.append(f"election_year: {year.group(1)}  # from 「{year.group()}」")
    else:
        lines.append("# election_year: the article names no year of the round; add it only from another source")
    coverage, more = _coverage(simple)
    lines += coverage
    todos += more
    lines.append("")
    lines.append("figures:" if entries else "figures: []")
    for entry in entries:
        body = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000, default_flow_style=None)
        lines += ["  " + line for line in body.rstrip("\n").split("\n")]
    if notes:
        lines.append("")
        lines.append("# Not drafted (a number the draft could not place, placed two ways, or ruled out, and why):")
        lines += [f"#   {note}" for note in notes]
    return "\n".join(lines) + "\n", todos


def unquote_url(url: str) -> str:
    """An address as a person reads it (percent-encoding decoded where it is UTF-8)."""
    from urllib.parse import unquote

    try:
        return unquote(url, errors="strict")
    except UnicodeDecodeError:
        return url


def _q(text: str) -> str:
    return yaml.safe_dump(str(text), allow_unicode=True, width=1000).strip().removesuffix("...").strip()


REVIEW_TEMPLATE = Path(__file__).resolve().parent / "templates" / "draft_review.html"


def review_page(drafted: Draft, name: str, lang: str = "zh") -> str:
    """The page a person reviews a draft on (one HTML file, offline): the article with every
    number marked by what the draft did with it, the TODOs, the figures drafted beside their
    quotes, and what was not drafted. The article's text is escaped: shown, never read as markup."""
    import jinja2

    from villagereport.wording import fill, strings

    words = strings(lang)["draft"]
    review, reasons = words["review"], words["reason"]
    names = load_catalogue().indicators[f"name_{lang}"]

    def label(decision: Decision) -> str:
        if decision.status == "placed":
            return "、".join(names.get(i, i) for i in decision.detail.split(",")) if lang == "zh" else \
                "; ".join(names.get(i, i) for i in decision.detail.split(","))
        if decision.status == "ruled_out":
            return f"{review['ruled_out']}: {reasons.get(decision.detail, decision.detail)}"
        if decision.detail:
            return fill(review["either"], options=" / ".join(names.get(i, i) for i in decision.detail.split(",")))
        return review["not_placed"]

    # From the article's first character (a file's text may open with blank lines).
    parts, at = [], len(drafted.article) - len(drafted.article.lstrip())
    for decision in sorted(drafted.decisions, key=lambda d: d.start):
        if decision.start < at:
            continue  # one mark a number
        parts.append({"text": drafted.article[at:decision.start], "status": ""})
        parts.append({"text": drafted.article[decision.start:decision.end], "status": decision.status,
                      "label": label(decision)})
        at = decision.end
    parts.append({"text": drafted.article[at:], "status": ""})
    counts = {status: sum(d.status == status for d in drafted.decisions) for status in ("placed", "ruled_out", "not_placed")}
    columns = [review["column"][c] for c in ("indicator", "scope", "value", "qualifier", "changes", "quote")]
    rows = [[names.get(e["indicator"], e["indicator"]), e.get("scope", ""), _number_text(e.get("value")),
             e.get("qualifier", ""), "; ".join(f"{c['value']:+g} ({c['reading']})" for c in e.get("changes", [])),
             e["quote"]] for e in drafted.entries]
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(REVIEW_TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        html_lang="zh-CN" if lang == "zh" else lang, words={**review, "title": fill(review["title"], file=name)},
        summary=fill(review["summary"], numbers=len(drafted.decisions), **counts),
        todos=[_todo_text(lang, key, fields) for key, fields in drafted.todos], parts=parts, columns=columns, rows=rows, notes=drafted.notes)


def _number_text(value: object) -> str:
    return "" if value is None else str(value)


def review_path(out: Path) -> Path:
    """Where the review page of the draft ``out`` is written: beside it (draft.yaml: draft.review.html)."""
    return out.with_name(out.stem + ".review.html")


def write_draft(article: str | Path, out: str | Path, lang: str = "zh") -> Path:
    """Draft the report file for ``article`` into ``out``, and its review page beside it
    (each written whole, or not at all)."""
    drafted = draft_report(article)
    out = Path(out)
    for path, text in ((out, drafted.text), (review_path(out), review_page(drafted, out.name, lang))):
        partial = path.with_name(path.name + ".partial")
        try:
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise ReportError(path, "out", f"expected a file that can be written ({error.strerror})") from None
    return out
