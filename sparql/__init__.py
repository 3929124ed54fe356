"""Every SPARQL text of the project is a file here, and this module is the one mechanism that
loads it and binds values into it.

- **Canned queries**: `sparql/*.rq`, served by the API (`GET /queries`, `citykg.api.canned`),
  parsed once at start-up.
- **Internal queries**: `sparql/internal/*.rq`, which the code runs (loaders, wikidata,
  commands, the API's readers): `text(name, values)` is a query ready to send, `query(name)`
  the parsed file. Each is prepended the one PREFIX block (`PREFIX_BLOCK`), generated from
  `citykg.core.terms.PREFIXES` (the lines of the prefixes the file uses); the files declare no
  prefixes of their own.

Both kinds are the same file format. Header (`#+ ` lines, a small YAML subset): `summary`, `description`, `tags` (list),
`defaults` (list of `- name: value`), `enumerate` (list of `- name:` with a list of values),
`pagination` (default page size). Parameters are the query's variables named like grlc's:
`?_name` (string), `?_name_iri`, `?_name_xsd_integer` (also decimal, date, boolean),
`?_name_en` / `?_name_ja` (language-tagged string); `?__name` (two underscores) is optional.

A value is bound by a `VALUES ?var { term }` clause inserted at the start of the WHERE group,
the term written by pyoxigraph's constructors, which validate and escape; nothing a user sends
is ever pasted into the query text as such. Where a file holds an empty `VALUES ?var { }` (or
`VALUES (?a ?b) { }`), the rows for those variables fill it instead, at every such place (a
VALUES inside each branch of a UNION, which Oxigraph would not push down from the top). The
only text the mechanism adds besides is `LIMIT`/`OFFSET` (`page`, or `text(limit=…)`).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import XSD

from citykg.core.terms import PREFIXES

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
        return self.bind_rows({(var,): [(term,)] for var, term in terms.items()})

    def bind_rows(self, rows: Mapping[tuple[str, ...], list[tuple[str, ...]]]) -> str:
        """The query with the given rows of term texts for each tuple of variables: filling
        the file's empty `VALUES (…) { }` clauses for those variables, or else in a VALUES
        clause at the start of the WHERE group."""
        head, body, top = self.head, self.body, []
        for names, data in rows.items():
            clause = _values(names, data)
            pattern = _placeholder(names)
            head, in_head = pattern.subn(lambda _, c=clause: c, head)
            body, in_body = pattern.subn(lambda _, c=clause: c, body)
            if not in_head + in_body:
                top.append("\n  " + clause)
        return head + "".join(top) + body

    def page(self, terms: dict[str, str], page: int, size: int) -> str:
        return f"{self.bind(terms)}\nLIMIT {size + 1}\nOFFSET {(page - 1) * size}\n"


def _values(names: tuple[str, ...], data: list[tuple[str, ...]]) -> str:
    if len(names) == 1:
        return f"VALUES ?{names[0]} {{ {' '.join(row[0] for row in data)} }}"
    rows = " ".join("(" + " ".join(row) + ")" for row in data)
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ {rows} }}"


def _placeholder(names: tuple[str, ...]) -> re.Pattern:
    if len(names) == 1:
        return re.compile(r"\bVALUES\s+\?" + re.escape(names[0]) + r"\s*\{\s*\}")
    spaced = r"\s+".join(r"\?" + re.escape(n) for n in names)
    return re.compile(r"\bVALUES\s*\(\s*" + spaced + r"\s*\)\s*\{\s*\}")


def load_queries(directory: Path) -> list[CannedQuery]:
    return [parse_query(p) for p in sorted(directory.glob("*.rq"))]


def parse_query(path: Path, *, prefixes: bool = False) -> CannedQuery:
    """The query file at `path`; `prefixes`: with the PREFIX block prepended (internal ones)."""
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.startswith("#+")]
    if prefixes:  # the query as sent: the prefixes it uses, without its header
        code = "".join(ln for ln in text.splitlines(keepends=True)
                       if not ln.startswith("#+")).lstrip("\n")
        text = prefix_block(code) + code
    try:
        header = parse_header(lines)
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
    if not prefixes:
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


# internal queries ------------------------------------------------------------------------
INTERNAL = Path(__file__).parent / "internal"
PREFIX_BLOCK = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def prefix_block(text: str) -> str:
    """The lines of PREFIX_BLOCK whose prefix `text` uses (a query sent to the Wikidata Query
    Service stays short enough for a GET)."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items()
                   if re.search(rf"(?<![\w.-]){re.escape(name)}:", text))


Values = Mapping[str | tuple[str, ...], object]


@cache
def query(name: str) -> CannedQuery:
    """The internal query `sparql/internal/<name>.rq`, parsed once."""
    path = INTERNAL / f"{name}.rq"
    if not path.is_file():
        raise QueryFileError(f"{path}: no such query file")
    return parse_query(path, prefixes=True)


def text(name: str, values: Values | None = None, /, *, limit: int | None = None,
         **more) -> str:
    """The internal query `name` with values bound, ready to send.

    `values` (and keyword arguments, for single variables) map a variable name (without
    "?") to one value or an iterable of values (one VALUES row each), or a tuple of
    variable names to an iterable of tuples. A value is a pyoxigraph or rdflib term, or a
    Python str (a plain literal), bool, int, or None (UNDEF). `limit` appends a LIMIT."""
    rows: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key, value in {**(values or {}), **more}.items():
        names = (key,) if isinstance(key, str) else tuple(key)
        if len(names) == 1:
            items = value if _many(value) else [value]
            rows[names] = [(term(v),) for v in items]
        else:
            rows[names] = [tuple(term(v) for v in row) for row in value]
            if any(len(r) != len(names) for r in rows[names]):
                raise ValueError(f"{name}: every row for {names} needs {len(names)} values")
    bound = query(name).bind_rows(rows)
    return bound if limit is None else f"{bound}\nLIMIT {int(limit)}\n"


def _many(value) -> bool:
    return isinstance(value, (list, tuple, set, frozenset)) or (
        isinstance(value, Iterable) and not isinstance(value, (str, bytes, ox.NamedNode,
                                                                 ox.Literal, rdflib.term.Node)))


def term(value) -> str:
    """A Python value as SPARQL term text, through pyoxigraph's constructors."""
    if value is None:
        return "UNDEF"
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return str(value)
    if isinstance(value, ox.BlankNode):
        raise ValueError("a blank node cannot be bound in VALUES")
    if isinstance(value, rdflib.URIRef):
        return str(ox.NamedNode(str(value)))
    if isinstance(value, rdflib.Literal):
        if value.language:
            return str(ox.Literal(str(value), language=value.language))
        if value.datatype:
            return str(ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype))))
        return str(ox.Literal(str(value)))
    if isinstance(value, bool):
        return str(ox.Literal("true" if value else "false",
                              datatype=ox.NamedNode(str(XSD.boolean))))
    if isinstance(value, int):
        return str(ox.Literal(str(value), datatype=ox.NamedNode(str(XSD.integer))))
    if isinstance(value, str):
        return str(ox.Literal(value))
    raise TypeError(f"cannot bind {value!r} ({type(value).__name__}) as a SPARQL term")


# updates ---------------------------------------------------------------------------------
def drop_graph(graph: ox.NamedNode) -> str:
    """The update operation that drops a graph (its name too: DROP takes no variable)."""
    return f"DROP SILENT GRAPH {ox.NamedNode(graph.value)}"


def insert_data(graph: ox.NamedNode, triples: Iterable[ox.Triple | ox.Quad]) -> str:
    """The update operation that inserts the triples into a graph, each term in its str form
    (blank nodes too, which VALUES cannot bind); "" when there are none."""
    body = " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in triples)
    return f"INSERT DATA {{ GRAPH {ox.NamedNode(graph.value)} {{ {body} . }} }}" if body else ""


def update(operations: Iterable[str]) -> str:
    """One update request of the operations given (internal .rq updates, drop_graph,
    insert_data), in order: Oxigraph runs it in one transaction."""
    return " ;\n".join(op for op in operations if op)
