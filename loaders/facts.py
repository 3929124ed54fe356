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


class UnknownFactKind(ValueError):
    """A fact of a kind no dataclass (and so no mapper) is declared for: a misspelt kind."""


class FactData:
    """The values of one fact kind. Read like a mapping too (`d["partner"]`, `d.get(...)`), so
    rules and the mapper name fields as the gold files do; writing a field that the kind does
    not declare raises."""

    def __getitem__(self, name: str) -> Any:
        if name not in self.__dataclass_fields__:
            raise KeyError(name)
        return getattr(self, name)

    def __setitem__(self, name: str, value: Any) -> None:
        if name not in self.__dataclass_fields__:
            raise KeyError(f"{type(self).__name__} has no field {name!r}")
        setattr(self, name, value)

    def __contains__(self, name: str) -> bool:
        """A field is in the fact when it holds a value."""
        return name in self.__dataclass_fields__ and getattr(self, name) is not None

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default) if name in self.__dataclass_fields__ else default


@dataclass
class DocumentData(FactData):
    publisher: Any  # Entity
    title: str = ""
    fiscal_year: int | None = None
    as_of: Any = None  # PartialDate
    language: str | None = None  # BCP 47: declared by the file, else by the script ("ja", "en")


@dataclass
class UnitData(FactData):
    """An international bureau or department."""
    name: str


@dataclass
class RelationData(FactData):
    type: str  # sister | friendship | partner | cooperation | aid
    partner: Any  # Entity
    start: Any = None  # PartialDate
    derived: bool = False
    anniversary: int | None = None
    status: str = "active"  # active | suspended | ended
    status_span: Span | None = None  # the sentence that stopped or ended it
    end: Any = None  # PartialDate


@dataclass
class ProgramData(FactData):
    name: str
    parent: str | None = None
    head: bool = False
    area: bool = False


@dataclass
class BudgetData(FactData):
    program: str
    fiscal_year: int | None
    amount: Any  # yen
    previous: Any = None
    _factor: int = 1  # the unit the amount was written in (deduplication keeps the finest)


@dataclass
class FundingData(FactData):
    program: str
    fiscal_year: int | None
    source: str  # national | prefectural | other | general
    amount: Any


@dataclass
class OfficeData(FactData):
    name: str
    covers: tuple = ()  # region keys
    covers_entities: tuple = ()
    host: Any = None  # Entity
    named: Any = None  # the place the office's name gives


@dataclass
class MembershipData(FactData):
    network: Any  # Entity
    member: Any = None  # Entity; None: the publisher
    role_ja: str = ""
    role_en: str = ""


@dataclass
class OrganizationData(FactData):
    name: str
    org_kind: str = "association"  # association | intl_org | network
    funded: bool = False
    entity: Any = None
    abbreviation: str | None = None


@dataclass
class FacilityData(FactData):
    name: str
    type: str = "other"  # lounge | passport | exchange | student | other
    wards: tuple = ()


@dataclass
class EventData(FactData):
    name: str
    date: Any = None
    edition: int | None = None
    acronym: str | None = None


@dataclass
class PillarData(FactData):
    label: str
    number: str | None = None  # policy number


@dataclass
class DefinesData(FactData):
    """The policy document that defines the pillars."""
    policy: str


@dataclass
class PolicyData(FactData):
    name: str
    type: str  # plan | ordinance | basic_policy
    enacted: Any = None


@dataclass
class ImplementsData(FactData):
    program: str
    pillar: str


@dataclass
class SectionData(FactData):
    number: str
    title: str
    page: Any = None
    parent: str | None = None  # number path


KINDS: dict[str, type[FactData]] = {
    "document": DocumentData, "unit": UnitData, "relation": RelationData,
    "program": ProgramData, "budget": BudgetData, "funding": FundingData,
    "office": OfficeData, "membership": MembershipData, "organization": OrganizationData,
    "facility": FacilityData, "event": EventData, "pillar": PillarData,
    "defines": DefinesData, "policy": PolicyData, "implements": ImplementsData,
    "section": SectionData,
}


def fact_data(kind: str, values: dict[str, Any]) -> FactData:
    if kind not in KINDS:
        raise UnknownFactKind(f"unknown fact kind {kind!r} (known: {', '.join(KINDS)})")
    try:
        return KINDS[kind](**values)
    except TypeError as exc:
        raise TypeError(f"{kind} fact: {exc}") from exc


@dataclass
class Fact:
    """One statement of a document. `kind` picks the mapping; `data` holds its values, typed
    by `KINDS[kind]` (a dict given here is checked against it)."""

    kind: str
    data: FactData
    span: Span

    def __post_init__(self) -> None:
        if isinstance(self.data, dict):
            self.data = fact_data(self.kind, self.data)
        elif not isinstance(self.data, KINDS.get(self.kind, ())):
            raise UnknownFactKind(f"{self.kind} fact with {type(self.data).__name__} data")

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
        fact = Fact(fact_kind, fact_data(fact_kind, data), span)
        self.facts.append(fact)
        return fact

    def report(self, line: int, message: str, text: str = "") -> None:
        self.problems.append(Problem(line, message, text[:200]))
