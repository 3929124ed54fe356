"""What /sparql refuses before a query reaches any store: updates; SERVICE (federated query,
which makes the engine connect to the network) unless its target is allow-listed; and queries
nested deeper than the engine's stack survives (pyoxigraph overflows it and the process dies,
docs/pyoxigraph-stack-overflow.md).

The guard fails closed. A lexer that follows the SPARQL grammar's terminals splits the query
(and, when it holds \\u escapes, also the text with them applied, which is what SPARQL 1.1 says
a parser reads) into tokens in one linear pass. The engine matches keywords without a word
boundary (`SERVICEs:x`, `SERVICESILENT<…>` run as SERVICE), so the letters "service" in any case
anywhere outside a string, a comment, a variable's name or an absolute IRI mark a federated
query. Only a bare SERVICE word, an optional bare SILENT and an absolute IRI or a prefixed name
(expanded by the query's PREFIX declarations) make a target the guard can name; anything else
is refused. A named target must match an allow-list entry by scheme, host and port, and
rdflib's parser must find the same targets; a federated query with \\u escapes (which readers
apply in different places) is refused. The nesting limits are counted on the same tokens.
"""
from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                "WITH"}
QUERY_WORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
PARSE_LIMIT = 64 * 1024  # characters rdflib may parse on the way to a verdict
INLINE_LIMIT = 8 * 1024  # characters the lexer reads on the event loop
READ_ONLY = "this SPARQL endpoint is read-only: updates (INSERT, DELETE, LOAD, …) are refused"

# pyoxigraph 0.5.13 overflows an 8 MiB thread stack at ~850 nested FILTER EXISTS, ~950 nested
# calls, ~2,200 nested groups, ~2,600 BINDs or MINUSes, ~6,500 UNIONs, ~9,400 FILTERs or &&s,
# and takes minutes over a few hundred OPTIONALs or path steps (docs/pyoxigraph-stack-overflow.md)
LIMITS = {
    "depth": (64, "groups, parentheses and brackets nested {n} deep"),
    "UNION": (500, "{n} UNIONs"),
    "MINUS": (250, "{n} MINUS patterns"),
    "OPTIONAL": (100, "{n} OPTIONAL patterns"),
    "FILTER": (1000, "{n} FILTERs"),
    "AS": (250, "{n} BIND or SELECT expressions (… AS ?v)"),
    "path": (100, "{n} property path operators (/ | ^)"),
    "operator": (1000, "{n} expression operators (&& || ! = != < > <= >= + - * /)"),
}

_PN_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
            "\u200c\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
            "\U00010000-\U000effff")
_PN_U = _PN_BASE + "_"
_PN = _PN_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_PN_BASE}](?:[{_PN}.]*[{_PN}])?"
_LOCAL = f"(?:[{_PN_U}:0-9]|{_PLX})(?:(?:[{_PN}.:]|{_PLX})*(?:[{_PN}:]|{_PLX}))?"
_TOKEN = re.compile(f"""
    (?P<comment>\\#[^\\r\\n]*)
  | (?P<string>\"\"\"(?:[^"\\\\]|\\\\.|"(?!""))*\"\"\" | '''(?:[^'\\\\]|\\\\.|'(?!''))*'''
              | "(?:[^"\\\\\\r\\n]|\\\\[^\\r\\n])*" | '(?:[^'\\\\\\r\\n]|\\\\[^\\r\\n])*')
  | (?P<iri><[^<>"{{}}|^`\\\\\\x00-\\x20]*>)
  | (?P<var>[?$][{_PN_U}0-9][{_PN_U}0-9\\u00b7\\u0300-\\u036f\\u203f-\\u2040]*)
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<word>[^\\W\\d]\\w*)
  | (?P<other>\\d+ | && | \\|\\| | \\^\\^ | != | <= | >= | \\\\. | \\S)
""", re.VERBOSE | re.DOTALL)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_AUTHORITY = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?")
_DEFAULT_PORT = {"http": 80, "https": 443}
_OPEN, _CLOSE = "{([", "})]"
_PATH = {"/", "|", "^"}
_OPERATORS = {"&&", "||", "!", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/"}
_parser = ThreadPoolExecutor(1, thread_name_prefix="sparql-guard")  # pyparsing: one at a time


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Verdict:
    """What the guard let through: the operation word and each SERVICE target (allowed)."""
    form: str | None
    services: tuple[str, ...] = ()


@dataclass
class _View:
    """One reading of the query text: its operation word, the SERVICE targets it names, and
    whether the letters "service" stand anywhere it cannot name a target from."""
    form: str | None
    targets: list[str]
    unnamed: str | None  # why a SERVICE has no target the guard can name (None: all named)
    mentions: bool       # the letters "service" stand outside strings, comments and IRIs


def _unescape(text: str) -> str:
    def char(m):
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else m.group(0)

    return _ESCAPE.sub(char, text)


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)
            if m.lastgroup != "comment"]


def _code(kind: str, text: str) -> bool:
    """The token's text is read by the parser as code (a keyword may start inside it)."""
    if kind in ("string", "var"):
        return False
    # `<…>` is also how `?a<?b…>` compares: only an absolute IRI is surely an IRI
    return kind != "iri" or not _SCHEME.match(text[1:])


def _limits(tokens: list[tuple[str, str]]) -> None:
    """Refuse a query past a nesting or chain limit: one pass, no recursion."""
    counts: Counter = Counter()
    depth = deepest = 0
    for kind, text in tokens:
        if kind == "iri":  # `?a<((…>` is a comparison the engine nests: count the brackets
            if "(" not in text and "[" not in text:
                continue
            for ch in text:
                if ch in _OPEN:
                    depth += 1
                    deepest = max(deepest, depth)
                elif ch in _CLOSE:
                    depth = max(depth - 1, 0)
            continue
        if kind == "word":
            word = text.upper()
            if word in LIMITS:
                counts[word] += 1
        elif kind == "other":
            if text in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif text in _CLOSE:
                depth = max(depth - 1, 0)
            if text in _PATH:
                counts["path"] += 1
            if text in _OPERATORS:
                counts["operator"] += 1
    counts["depth"] = deepest
    for name, (limit, what) in LIMITS.items():
        if counts[name] > limit:
            raise Refused(400, f"the query is too complex to run safely: "
                               f"{what.format(n=counts[name])}, and the limit is {limit} "
                               f"(nesting limit {name!r})")


def _read(text: str) -> _View:
    tokens = _tokens(text)
    _limits(tokens)
    words = [t.upper() for k, t in tokens if k == "word"]
    form = next((w for w in words if w not in ("BASE", "PREFIX")), None)
    prefixes: dict[str, str] = {}
    targets: list[str] = []
    unnamed = None
    mentions = False
    for i, (kind, tok) in enumerate(tokens):
        if kind == "word" and tok.upper() == "PREFIX" and i + 2 < len(tokens) \
                and tokens[i + 1][0] == "pname" and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].partition(":")[0]] = tokens[i + 2][1][1:-1]
        if not _code(kind, tok) or "service" not in tok.casefold():
            continue
        mentions = True
        if kind != "word" or tok.upper() != "SERVICE":
            unnamed = unnamed or (f"{tok!r} may be read as the keyword SERVICE glued to what "
                                  "follows (write SERVICE <iri>, and a name holding the letters "
                                  "'service' as a full <IRI>)")
            continue
        j = i + 1
        if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "SILENT":
            j += 1
        target = _target(tokens[j] if j < len(tokens) else None, prefixes)
        if target is None:
            unnamed = unnamed or ("a SERVICE target must be an absolute IRI or a prefixed name "
                                  "of a declared prefix (variables are refused)")
        else:
            targets.append(target)
    return _View(form, targets, unnamed, mentions)


def _target(token: tuple[str, str] | None, prefixes: dict[str, str]) -> str | None:
    if token is None:
        return None
    kind, text = token
    if kind == "iri":
        iri = text[1:-1]
    elif kind == "pname":
        prefix, _, local = text.partition(":")
        # `SERVICE SILENTs:x` is SILENT then s:x to the engine
        if prefix not in prefixes or prefix.casefold().startswith("silent"):
            return None
        iri = prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
    else:
        return None
    return iri if _SCHEME.match(iri) else None


def inspect(query: str) -> list[_View]:
    """The readings of the query: as written, and with \\u escapes applied when it has any."""
    texts = [query, _unescape(query)] if "\\" in query else [query]
    return [_read(t) for t in dict.fromkeys(texts)]


def service_targets(query: str) -> list[str | None]:
    """Every SERVICE target rdflib's parser finds, as an absolute IRI (None for a variable).
    Raises whatever rdflib raises when it cannot parse the query."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    tree = parseQuery(query)
    prologue = translatePrologue(tree[0], None)
    found: list = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.append(node.get("term"))
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
    targets: list[str | None] = []
    for term in found:
        if isinstance(term, CompValue) and term.name == "pname":
            targets.append(str(prologue.resolvePName(term.get("prefix"), term.get("localname"))))
        elif isinstance(term, URIRef):
            targets.append(str(prologue.absolutize(term)))
        else:
            targets.append(None)
    return targets


def origin(iri: str | None) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) IRI with a plain host[:port] authority, else None."""
    if not iri:
        return None
    parts = urlsplit(iri)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORT or not _AUTHORITY.fullmatch(parts.netloc):
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORT[scheme]


def _entry_matches(entry: str, target: tuple[str, str, int]) -> bool:
    """An allow-list entry is `host`, `host:port` or `scheme://host[:port]`; without a port
    it allows the scheme's default port, without a scheme both http and https."""
    scheme, host, port = target
    parts = urlsplit(entry if "://" in entry else "//" + entry)
    try:
        want_port = parts.port
    except ValueError:
        return False
    want_scheme = parts.scheme.lower() or None
    if want_scheme is not None and want_scheme != scheme:
        return False
    return (parts.hostname or "").lower() == host and (want_port or _DEFAULT_PORT[scheme]) == port


def allowed(iri: str | None, allow: Iterable[str]) -> bool:
    target = origin(iri)
    return target is not None and any(_entry_matches(e.strip(), target)
                                      for e in allow if e.strip())


async def check(query: str, allow: Iterable[str] = ()) -> Verdict:
    """Raise Refused for an update, a query past a limit, or a SERVICE the guard cannot prove
    allowed; return what it let through."""
    allow = [h.strip() for h in allow if h.strip()]
    # a long query takes ~5 µs a token to read: not on the event loop
    views = inspect(query) if len(query) < INLINE_LIMIT else await asyncio.to_thread(inspect, query)
    forms = [v.form for v in views]
    form = next((f for f in forms if f in UPDATE_WORDS), forms[0])
    if form in UPDATE_WORDS:
        raise Refused(403, READ_ONLY)
    if not any(v.mentions for v in views):
        return Verdict(form)
    refusal = ("SERVICE (federated query) is refused on this endpoint"
               + (f"; allowed: {', '.join(allow)}" if allow else
                  "; set CITYKG_SERVICE_ALLOW to allow hosts"))
    unnamed = next((v.unnamed for v in views if v.unnamed), None)
    if not allow:
        raise Refused(403, f"{refusal}: {unnamed}" if unnamed else refusal)
    if unnamed:
        raise Refused(403, f"{refusal}: {unnamed}")
    if _ESCAPE.search(query):  # readers differ in where they apply them: no sure reading
        raise Refused(403, f"{refusal}: a federated query may not hold \\u escapes")
    targets = [t for v in views for t in v.targets]
    for iri in targets:
        if origin(iri) is None:
            raise Refused(400, f"{refusal}: SERVICE <{iri}> is not an http(s) IRI with a plain "
                               "host[:port]")
        if not allowed(iri, allow):
            raise Refused(403, f"{refusal}: SERVICE <{iri}>")
    if len(query) > PARSE_LIMIT:
        raise Refused(400, f"{refusal} (the query is too long to verify its targets)")
    loop = asyncio.get_running_loop()
    try:
        parsed = await loop.run_in_executor(_parser, service_targets, query)
    except Exception:  # noqa: BLE001 - rdflib cannot parse it (or recursed): not verified
        parsed = None
    if parsed is None or sorted(parsed, key=str) != sorted(views[0].targets):
        raise Refused(400, f"{refusal} (its targets could not be verified)")
    return Verdict(form, tuple(dict.fromkeys(targets)))


def failed(verdict: Verdict, late: bool = False) -> tuple[int, str]:
    """The answer when a federated query fails at run time (`late`: past the time limit):
    the same words whatever the remote said or did (its body could leak internal text; its
    kind of failure, which ports listen)."""
    hosts = ", ".join(sorted({"{}://{}:{}".format(*origin(t)) for t in verdict.services}))
    if late:
        return 504, f"the query to SERVICE {hosts} did not finish within the time limit"
    return 502, f"a SERVICE endpoint ({hosts}) did not answer with results"
