"""Load the indicator catalogue (villagereport/data/indicators.yaml): what each figure id means."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import pandas as pd

from villagereport.coverage import Coverage, CoverageText
from villagereport.errors import ReportError
from villagereport.safe_yaml import read_yaml
from villagereport.schema import validate
from villagereport.sections import SECTIONS
from villagereport.wording import RENDER, catalogue_paths, catalogue_words, languages, message, messages, render, sentences

# The catalogue is the library's own vocabulary, kept beside it (data, not code).
DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_PATH = DATA_DIR / "indicators.yaml"


@dataclass(frozen=True)
class Catalogue:
    """The catalogue's sections, units and indicators, as tables keyed by id. Their words in
    each language come from the language's catalogue of messages (villagereport/text/locale)."""

    path: Path
    sections: pd.DataFrame  # index id; columns title_<lang>
    units: pd.DataFrame  # index id; a column per language
    indicators: pd.DataFrame  # index id; section, kind, unit, name_<lang>, definition_<lang>

    def indicator(self, indicator_id: str) -> pd.Series:
        """Return one indicator's row; KeyError if the id is not catalogued."""
        return self.indicators.loc[indicator_id]

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self.indicators.index


@cache
def load_catalogue(path: str | Path = CATALOGUE_PATH) -> Catalogue:
    """Read, validate and tabulate the catalogue at ``path``."""
    # Load
    path = Path(path)
    document = read_yaml(path)
    validate(document, "indicators", path)

    # Process
    # The article's sections are the book's (villagereport.sections), not the catalogue file's.
    sections = pd.DataFrame(
        [{"id": s, **{f"title_{lang}": catalogue_words(lang, f"section.{s}") for lang in languages()}}
         for s in SECTIONS]
    ).set_index("id")
    units = pd.DataFrame([{"id": u, **{lang: catalogue_words(lang, f"unit.{u}") for lang in languages()}}
                          for u in document["units"]]).set_index("id")
    rows = []
    for i, item in enumerate(document["indicators"]):
        where = f"indicators[{i}]({item['id']})"
        if item["section"] not in sections.index:
            raise ReportError(path, f"{where}.section", f"expected one of {', '.join(sections.index)}, got {item['section']!r}")
        if item["unit"] not in units.index:
            raise ReportError(path, f"{where}.unit", f"expected a unit listed under units, got {item['unit']!r}")
        if any(row["id"] == item["id"] for row in rows):
            raise ReportError(path, f"{where}.id", "expected each indicator id once, got it twice")
        words = {}
        for lang in languages():
            # The catalogue's own names say nothing of a report's coverage ("members elected to
            # the committees"); a report's tables name its figures for what it covers.
            words[f"name_{lang}"] = indicator_name(item["id"], lang, Coverage())
            words[f"definition_{lang}"] = indicator_name(item["id"], lang, Coverage(), "definition")
        rows.append({"id": item["id"], "section": item["section"], "kind": item["kind"], "unit": item["unit"],
                     "cues": item.get("cues"), **words})
    indicators = pd.DataFrame(rows).set_index("id")
    for lang in languages():
        check_words(lang, set(indicators.index))
    return Catalogue(path=path, sections=sections, units=units, indicators=indicators)


def check_words(lang: str, known: set[str], spec: dict | None = None) -> None:
    """Every indicator a sentence needs or prints is one the catalogue of indicators holds, and
    every message is a template Jinja can read: a misspelt id stops the build, naming it,
    instead of leaving a sentence out on every page. ``known``: the catalogue's indicator ids;
    ``spec``: the sentence specification (sentences.yaml)."""
    spec = sentences() if spec is None else spec
    for key, parts in spec.get("parts", {}).items():
        for name, part in parts.items():
            where = f"parts.{key}.{name}"
            try:
                tree = RENDER.parse("{{ " + part["when"] + " }}")
            except jinja2.TemplateSyntaxError as error:
                raise ReportError("villagereport/text/sentences.yaml", where,
                                  f"expected a Jinja expression ({error.message})") from None
            unknown = _unknown_figure(tree, known)
            if unknown:
                raise ReportError("villagereport/text/sentences.yaml", where,
                                  f"expected an indicator id of {CATALOGUE_PATH.name}, got {unknown}")
            for clause in [f"{key}.{name}"] + ([f"{key}.{name}.otherwise"] if part.get("otherwise") else []):
                message(lang, clause)  # every clause has its message in every language
    for key, forms in messages(lang).items():
        for text in forms if isinstance(forms, tuple) else (forms,):
            try:
                tree = RENDER.parse(text)
            except jinja2.TemplateSyntaxError as error:
                raise ReportError(catalogue_paths()[lang], key, f"expected a Jinja template ({error.message})") from None
            unknown = _unknown_figure(tree, known)
            if unknown:
                raise ReportError(catalogue_paths()[lang], key,
                                  f"expected an indicator id of {CATALOGUE_PATH.name}, got {unknown}")


def _unknown_figure(tree: jinja2.nodes.Template, known: set[str]) -> str | None:
    """The first figure or list a template names (``f.x``, ``l.x``) that the catalogue lacks."""
    for node in tree.find_all(jinja2.nodes.Getattr):
        if isinstance(node.node, jinja2.nodes.Name) and node.node.name in ("f", "l") and node.attr not in known:
            return f"{node.node.name}.{node.attr}"
    return None


def indicator_name(indicator_id: str, lang: str, coverage: Coverage, part: str = "name",
                   said: set | None = None) -> str:
    """An indicator's name (or definition) in ``lang`` for a report of ``coverage``: a name
    may name the bodies the report covers (``{{ cov.body }}``: 「新一届“两委”成员」, 「新一届党组织成员」)."""
    return render(catalogue_words(lang, f"indicator.{indicator_id}.{part}"), {"cov": CoverageText(coverage, lang, said)})
