"""Canned queries: `sparql/*.rq` files with grlc-style headers, parsed once at start-up.

Header (`#+ ` lines, a small YAML subset): `summary`, `description`, `tags` (list),
`defaults` (list of `- name: value`), `enumerate` (list of `- name:` with a list of values),
`pagination` (default page size). Parameters are the query's variables named like grlc's:
`?_name` (string), `?_name_iri`, `?_name_xsd_integer` (also decimal, date, boolean),
`?_name_en` / `?_name_ja` (language-tagged string); `?__name` (two underscores) is optional.

A value is bound by a `VALUES ?var { term }` clause inserted at the start of the WHERE group,
the term written by pyoxigraph's constructors, which validate and escape; nothing a user sends
is ever pasted into the query text as such.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import XSD

VARIABLE = re.compile(r"\?(_{1,2})([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)")
LANGS = ("en", "ja")
XSD_TYPES = ("integer", "decimal", "date", "boolean")
MAX_TEXT, MAX_IRI = 500, 2048
# what check_text enforces, for the OpenAPI document: no control characters (category Cc)
NO_CONTROL = {"pattern": r"^[^\x00-\x1f\x7f-\x9f]*$"}
RESERVED = {"page", "page_size", "format", "request", "holder"}


class QueryFileError(ValueError):
    """A .rq file that cannot serve: bad header, unknown parameter type, bad default."""


class ParamError(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


@dataclass
class Param:
    name: str  # as the API names it: city, fiscal_year
    var: str  # the query variable without "?": _city_iri
    type: str  # string, iri, integer, decimal, date, boolean, lang
    lang: str | None = None
    required: bool = True
    default: str | None = None
    enum: list[str] | None = None

    @property
    def type_name(self) -> str:
        return f"string@{self.lang}" if self.type == "lang" else self.type

    def term(self, value) -> str:
        """The value as SPARQL term text, or ParamError naming this parameter."""
        text = check_text(self.name, str(value), MAX_IRI if self.type == "iri" else MAX_TEXT)
        if self.enum and text not in self.enum:
            raise ParamError(self.name, f"must be one of {', '.join(self.enum)}")
        try:
            if self.type == "iri":
                iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
                return str(ox.NamedNode(iri))
            if self.type == "string":
                return str(ox.Literal(text))
            if self.type == "lang":
                return str(ox.Literal(text, language=self.lang))
            return str(ox.Literal(_lexical(self.type, text), datatype=ox.NamedNode(str(XSD[self.type]))))
        except (ValueError, InvalidOperation) as exc:
            raise ParamError(self.name, f"not a valid {self.type_name}: {exc}") from None


def check_text(name: str, text: str, limit: int) -> str:
    if len(text) > limit:
        raise ParamError(name, f"longer than {limit} characters")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise ParamError(name, "contains control characters")
    return text


def _lexical(kind: str, text: str) -> str:
    if kind == "integer":
        return str(int(text.strip()))
    if kind == "decimal":
        d = Decimal(text.strip())
        if not d.is_finite():
            raise ValueError("not a finite number")
        return str(d)
    if kind == "date":
        return dt.date.fromisoformat(text.strip()).isoformat()
    if text.strip().lower() not in ("true", "false", "1", "0"):
        raise ValueError("expected true or false")
    return "true" if text.strip().lower() in ("true", "1") else "false"


@dataclass
class CannedQuery:
    name: str
    summary: str
    description: str
    tags: list[str]
    params: list[Param]
    page_size: int
    head: str  # the text up to and including the WHERE group's "{"
    body: str  # the rest
    columns: list[str] = field(default_factory=list)
    precompute: bool = False  # `#+ precompute: true`: computed when the store is written

    @property
    def text(self) -> str:
        return self.head + self.body

    def bind(self, terms: dict[str, str]) -> str:
        """The query with VALUES clauses for the given {variable: term text}."""
        values = "".join(f"\n  VALUES ?{var} {{ {term} }}" for var, term in terms.items())
        return self.head + values + self.body

    def page(self, terms: dict[str, str], page: int, size: int) -> str:
        return f"{self.bind(terms)}\nLIMIT {size + 1}\nOFFSET {(page - 1) * size}\n"


def load_queries(directory: Path) -> list[CannedQuery]:
    return [parse_query(p) for p in sorted(directory.glob("*.rq"))]


def parse_query(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    try:
        header = parse_header([ln for ln in text.splitlines() if ln.startswith("#+")])
        where = _where(text)
        params = _params(text, header)
        page_size = int(header.get("pagination") or 100)
    except (ValueError, TypeError) as exc:
        raise QueryFileError(f"{path}: {exc}") from None
    query = CannedQuery(path.stem, str(header.get("summary", path.stem)),
                        str(header.get("description", "")), [str(t) for t in
                                                             _as_list(header.get("tags"))],
                        params, max(1, min(page_size, 1000)), text[:where], text[where:],
                        projection(text[:where]),
                        str(header.get("precompute", "")).lower() == "true")
    fixed = [p.name for p in params if p.default is None and not p.enum]
    if query.precompute and "SERVICE" in query.body.upper():
        raise QueryFileError(f"{path}: a query with SERVICE cannot be precomputed")
    if query.precompute and fixed:
        raise QueryFileError(f"{path}: `precompute` needs a default or an enumeration for "
                             f"every parameter; {', '.join(fixed)} has neither")
    _try(query, path)
    return query


def _where(text: str) -> int:
    """The offset just after the "{" that opens the top-level WHERE group."""
    for m in re.finditer(r"\bWHERE\s*\{", text, re.IGNORECASE):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not text[line_start:m.start()].lstrip().startswith("#"):
            return m.end()
    raise ValueError("no WHERE { … } group")


def _params(text: str, header: dict) -> list[Param]:
    defaults = _as_map(header.get("defaults"))
    enums = {k: [str(v) for v in _as_list(vs)] for k, vs in _as_map(header.get("enumerate")).items()}
    out: dict[str, Param] = {}
    body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    for m in VARIABLE.finditer(body):
        var = m.group(1) + m.group(2)
        if any(p.var == var for p in out.values()):
            continue
        p = _param(var, m.group(2), optional=len(m.group(1)) == 2)
        if p.name in out or p.name in RESERVED:
            raise ValueError(f"parameter name {p.name!r} used twice or reserved")
        p.enum = enums.get(p.name)
        if p.name in defaults:
            p.default = str(defaults[p.name])
            p.term(p.default)  # a bad default fails at start-up, not at request time
        p.required = p.required and p.default is None
        out[p.name] = p
    return list(out.values())


def _param(var: str, rest: str, optional: bool) -> Param:
    parts = rest.split("_")
    if parts[-1] == "iri" and len(parts) > 1:
        return Param("_".join(parts[:-1]), var, "iri", required=not optional)
    if len(parts) > 2 and parts[-2] == "xsd":
        if parts[-1] not in XSD_TYPES:
            raise ValueError(f"?{var}: xsd type {parts[-1]!r} not one of {XSD_TYPES}")
        return Param("_".join(parts[:-2]), var, parts[-1], required=not optional)
    if parts[-1] in LANGS and len(parts) > 1:
        return Param("_".join(parts[:-1]), var, "lang", parts[-1], required=not optional)
    return Param(rest, var, "string", required=not optional)


def _try(query: CannedQuery, path: Path) -> None:
    """Run the query once, defaults bound, on an empty store: a syntax error stops start-up."""
    terms = {p.var: p.term(p.default if p.default is not None else _sample(p))
             for p in query.params}
    try:
        ox.Store().query(query.page(terms, 1, 1))
    except SyntaxError as exc:
        raise QueryFileError(f"{path}: {exc}") from None


def _sample(p: Param) -> str:
    return (p.enum or [{"iri": "urn:x", "integer": "1", "decimal": "1", "date": "2000-01-01",
                        "boolean": "true"}.get(p.type, "x")])[0]


def projection(head: str) -> list[str]:
    """The variables a SELECT clause projects, in order (empty for SELECT *)."""
    code = "\n".join(ln for ln in head.splitlines() if not ln.lstrip().startswith("#"))
    m = re.search(r"\bSELECT\b(.*)\bWHERE\b", code, re.IGNORECASE | re.DOTALL)
    if not m:
        return []
    cols, depth, after_as = [], 0, False
    for tok in re.findall(r"\(|\)|\?\w+|\bAS\b", m.group(1), re.IGNORECASE):
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif tok.upper() == "AS":
            after_as = True
        elif depth == 0 or after_as:
            cols.append(tok[1:])
            after_as = False
    return cols


# the header: a YAML subset --------------------------------------------------------------
def parse_header(lines: list[str]) -> dict:
    out: dict = {}
    key = item = None
    item_indent = 0
    for raw in lines:
        body = raw[2:].rstrip()
        text = body.strip()
        if not text:
            continue
        indent = len(body) - len(body.lstrip())
        if not text.startswith("-") and indent <= 1:
            key, _, value = (s.strip() for s in text.partition(":"))
            out[key] = _scalar(value) if value else []
            item = None
        elif text.startswith("-") and key is not None:
            entry = text[1:].strip()
            if item is not None and indent > item_indent:
                out[key][-1][item].append(_scalar(entry))
                continue
            name, colon, value = (s.strip() for s in entry.partition(":"))
            if colon and re.fullmatch(r"\w+", name) and key in ("defaults", "enumerate"):
                out[key].append({name: _scalar(value) if value else []})
                item, item_indent = (None, 0) if value else (name, indent)
            else:
                out[key].append(_scalar(entry))
        else:
            raise ValueError(f"header line not understood: {raw!r}")
    return out


def _scalar(text: str):
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if text.startswith("[") and text.endswith("]"):
        return [_scalar(t.strip()) for t in text[1:-1].split(",") if t.strip()]
    return text


def _as_list(value) -> list:
    return value if isinstance(value, list) else [] if value in (None, "") else [value]


def _as_map(value) -> dict:
    out: dict = {}
    for entry in _as_list(value):
        if isinstance(entry, dict):
            out.update(entry)
    return out
