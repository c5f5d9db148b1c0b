"""What a report covers (which bodies, which units, whether the round is complete) and the
words each language uses for it.

A report says which bodies' election it tells of (the party organisations, the villagers' or
residents' committees, or both: the "two committees"), which units (villages, communities)
and whether the round was complete or still under way (and as of when). Each of these is
optional, since many articles do not say: a field the report leaves out gets the language's
neutral words ("the election", 「换届」), never "both committees" by default.

The words are messages of the language's catalogue, ``coverage.<field>.<value>``; a message
uses them as ``{{ cov.body }}`` and so on. Printing one records, in ``said``, which coverage
fact the sentence rests on (see ``villagereport.claims``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BODIES = ("party", "committee")
UNITS = ("village", "community")
STATUSES = ("complete", "under_way")


@dataclass(frozen=True)
class Coverage:
    """What a report covers; None where the report does not say."""

    bodies: frozenset[str] | None = None
    units: frozenset[str] | None = None
    status: str | None = None
    as_of: str | None = None
    year: int | None = None

    @classmethod
    def from_document(cls, document: dict) -> Coverage:
        """The coverage a report file gives (its ``coverage`` mapping and ``election_year``)."""
        given = document.get("coverage") or {}
        return cls(
            bodies=frozenset(given["bodies"]) if given.get("bodies") else None,
            units=frozenset(given["units"]) if given.get("units") else None,
            status=given.get("status"),
            as_of=given.get("as_of"),
            year=document.get("election_year"),
        )

    @property
    def body_key(self) -> str:
        """Which bodies, as a message key: both, party, committee or unknown."""
        if self.bodies is None:
            return "unknown"
        if self.bodies == frozenset(BODIES):
            return "both"
        return next(iter(self.bodies))

    @property
    def units_key(self) -> str:
        """Which units, as a message key: both, village, community or unknown."""
        if self.units is None:
            return "unknown"
        if self.units == frozenset(UNITS):
            return "both"
        return next(iter(self.units))

    @property
    def both_bodies(self) -> bool:
        """Whether the report covers both committees (what "the two committees" claims)."""
        return self.body_key == "both"

    def facts(self) -> dict[str, object]:
        """The coverage as plain facts, for the claims record and the figures' tables."""
        return {"bodies": self.body_key, "units": self.units_key, "status": self.status or "unknown",
                "as_of": self.as_of, "year": self.year}

    def as_of_date(self) -> dt.date | None:
        """The date the status refers to, if the report gives one."""
        return dt.date.fromisoformat(self.as_of) if self.as_of else None


def _long_date(date: dt.date, lang: str) -> str:
    """A date as the language writes it in prose (Babel's long form: 2021年3月18日)."""
    from babel.dates import format_date

    from villagereport.wording import strings

    return format_date(date, format="long", locale=strings(lang)["number"]["locale"])


class CoverageText:
    """A report's coverage as a message sees it: ``{{ cov.elected }}``, ``{{ cov.body }}``…

    Each attribute is the language's message ``coverage.<attribute>.<key>`` for the report's
    coverage, rendered with the other coverage words it uses. Reading one records in ``said``
    the coverage fact it rests on, as ``("coverage", field, value)``.
    """

    # Which coverage field each word rests on.
    FIELDS = {"body": "bodies", "elected": "bodies", "election": "bodies", "committee": "units",
              "committees": "units", "units": "units", "title": "units", "place": "units", "story": "status",
              "as_of": "as_of",
              "year": "year"}

    def __init__(self, coverage: Coverage, lang: str, said: set | None = None, where: str = "") -> None:
        self._coverage = coverage
        self._where = where
        self._lang = lang
        self._said = said

    def _key(self, attribute: str) -> str:
        cov = self._coverage
        if attribute in ("committee", "committees", "units", "title", "place"):
            return cov.units_key
        if attribute == "story":
            return cov.status or "unknown"
        return cov.body_key

    def _record(self, attribute: str) -> None:
        if self._said is not None:
            field = self.FIELDS[attribute]
            self._said.add(("coverage", field, str(self._coverage.facts()[field])))

    def _context(self) -> dict:
        # Lazy: a message names the words it uses (``{{ cov.units }}``), so only those are recorded.
        return {"cov": self, "where": self._where}

    def _word(self, attribute: str) -> str:
        from villagereport.wording import message, render  # the words import nothing of the coverage

        self._record(attribute)
        return render(message(self._lang, f"coverage.{attribute}.{self._key(attribute)}"), self._context())

    def __getattr__(self, attribute: str) -> str:
        if attribute.startswith("_") or attribute not in self.FIELDS:
            raise AttributeError(attribute)
        if attribute == "year":
            if self._coverage.year is None:
                return ""
            self._record("year")
            from villagereport.wording import message, render

            return render(message(self._lang, "coverage.year"), {"year": self._coverage.year})
        if attribute == "as_of":
            if not self._coverage.as_of:
                return ""
            self._record("as_of")
            from villagereport.wording import message, render

            date = _long_date(self._coverage.as_of_date(), self._lang)
            return render(message(self._lang, "coverage.as_of"), {"date": date})
        return self._word(attribute)

    @property
    def under_way(self) -> bool:
        """Whether the report says the round was still under way."""
        return self._coverage.status == "under_way"

    @property
    def both_bodies(self) -> bool:
        """Whether the report covers both committees."""
        return self._coverage.both_bodies
