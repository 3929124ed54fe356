"""The values passed from extract to map: facts with the line span they came from, and the load
report of what could not be placed."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    first_line: int
    last_line: int
    text: str

    @property
    def lines(self) -> str:
        if self.first_line == self.last_line:
            return str(self.first_line)
        return f"{self.first_line}-{self.last_line}"


@dataclass
class Fact:
    """One statement of a document. `kind` picks the mapping; `data` holds its values.

    kinds and their data keys:
      document   publisher (Entity), fiscal_year, title, as_of (PartialDate | None)
      unit       name                               an international bureau or department
      relation   type (sister|friendship|partner|cooperation|aid), partner (Entity),
                 start (PartialDate | None), derived (bool), anniversary (int | None)
      program    name, parent (name | None), head (bool), area (bool)
      budget     program, fiscal_year, amount, previous (yen | None)
      funding    program, fiscal_year, source (national|prefectural|other|general), amount
      office     name, covers (Entity | None), host (Entity | None)
      membership network (Entity), role_ja, role_en, member (Entity | None: the publisher)
      organization name, kind (association | intl_org | network), funded (bool), entity
      facility   name, type (lounge | passport | exchange | student | other)
      event      name, date (PartialDate | None), edition (int | None)
      pillar     label, number (policy number | None)
      defines    policy (name): the policy document that defines the pillars
      policy     name, type (plan | ordinance | basic_policy), enacted (PartialDate | None)
      implements program, pillar
      section    number, title, page, parent (number path | None)
    """

    kind: str
    data: dict[str, Any]
    span: Span

    def key(self) -> tuple:
        """What gold facts are compared on."""
        return (self.kind, *(_plain(self.data.get(k)) for k in KEY_FIELDS[self.kind]))


KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "document": ("publisher", "fiscal_year"),
    "unit": ("name",),
    "relation": ("type", "partner", "start"),
    "program": ("name", "parent"),
    "budget": ("program", "fiscal_year", "amount"),
    "funding": ("program", "source", "amount"),
    "office": ("name",),
    "membership": ("network", "role_ja", "member"),
    "organization": ("name",),
    "facility": ("name",),
    "event": ("name",),
    "pillar": ("label",),
    "policy": ("name", "type"),
    "implements": ("program", "pillar"),
    "section": ("number", "title"),
    "defines": ("policy",),
}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "iso"):
        return value.iso()
    if hasattr(value, "key"):
        return value.key
    return str(value)


@dataclass
class Problem:
    line: int
    message: str
    text: str = ""


@dataclass
class Extraction:
    facts: list[Fact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, fact_kind: str, span: Span, **data: Any) -> Fact:
        fact = Fact(fact_kind, data, span)
        self.facts.append(fact)
        return fact

    def report(self, line: int, message: str, text: str = "") -> None:
        self.problems.append(Problem(line, message, text[:200]))
