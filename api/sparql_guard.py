"""What /sparql refuses before a query reaches any store: updates, and SERVICE (federated
query, which makes the engine connect to the network) unless its host is allow-listed.

Two guards, both must pass:
- a lexer that drops comments, strings, IRIs, variables and prefixed names and looks at the
  bare words left (also after SPARQL's \\u escapes are applied): the first word after the
  prologue names the operation (INSERT, DELETE… mean an update), and a bare SERVICE word
  is a federated query;
- rdflib's SPARQL parser, whose tree is walked for every ServiceGraphPattern (nested, inside
  EXISTS, sub-selects…) to learn each target; a variable target is refused. rdflib takes
  ~10 ms a query, so it runs (in a thread) only when the text mentions "service" at all —
  without those letters there is no SERVICE keyword to find.
"""
from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                "WITH"}
QUERY_WORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
PARSE_LIMIT = 64 * 1024  # characters rdflib may parse on the way to a verdict

_TOKEN = re.compile(r"""
    \#[^\r\n]*                                            # comment
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '''(?:[^'\\]|\\.|'(?!''))*'''   # long strings
  | "(?:[^"\\\r\n]|\\.)*" | '(?:[^'\\\r\n]|\\.)*'         # strings
  | <[^<>"{}|^`\\\x00-\x20]*>                              # IRI
  | [?$]\w*                                                # variable
  | @[A-Za-z]+(?:-[A-Za-z0-9]+)*                           # language tag
  | (?:[^\W\d][\w.\-]*)?:(?:[\w.\-:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*  # pname
  | (?P<word>[^\W\d]\w*)                                   # a bare word: keyword, a, true
  | \d+ | \S                                               # anything else, one at a time
""", re.VERBOSE | re.DOTALL)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_parser = ThreadPoolExecutor(1, thread_name_prefix="sparql-guard")  # pyparsing: one at a time


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


READ_ONLY = "this SPARQL endpoint is read-only: updates (INSERT, DELETE, LOAD, …) are refused"


def _unescape(text: str) -> str:
    def char(m):
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else m.group(0)

    return _ESCAPE.sub(char, text)


def _words(text: str) -> list[str]:
    return [m.group("word").upper() for m in _TOKEN.finditer(text) if m.group("word")]


def inspect(query: str) -> tuple[str | None, bool, bool]:
    """(operation word, has a bare SERVICE word, mentions 'service' anywhere)."""
    texts = [query, _unescape(query)] if "\\" in query else [query]
    words = [_words(t) for t in texts]
    firsts = [next((w for w in ws if w not in ("BASE", "PREFIX")), None) for ws in words]
    form = next((f for f in firsts if f in UPDATE_WORDS), firsts[0])
    keyword = any("SERVICE" in ws for ws in words)
    return form, keyword, any("service" in t.casefold() for t in texts)


def service_targets(query: str) -> list[str | None]:
    """Every SERVICE target of the query, as an absolute IRI (None for a variable).
    Raises whatever rdflib raises when it cannot parse the query."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    tree = parseQuery(query)
    prologue = translatePrologue(tree[0], None)
    found: list = []

    def walk(node):
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.append(node.get("term"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple | ParseResults):
            for value in node:
                walk(value)

    walk(tree)
    targets: list[str | None] = []
    for term in found:
        if isinstance(term, CompValue) and term.name == "pname":
            targets.append(str(prologue.resolvePName(term.get("prefix"), term.get("localname"))))
        elif isinstance(term, URIRef):
            targets.append(str(prologue.absolutize(term)))
        else:
            targets.append(None)
    return targets


def allowed(iri: str | None, allow: Iterable[str]) -> bool:
    if iri is None:
        return False
    parts = urlsplit(iri)
    hosts = {h.strip().lower() for h in allow if h.strip()}
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and bool(host) and (
        host in hosts or parts.netloc.lower() in hosts)


async def check(query: str, allow: Iterable[str] = ()) -> str | None:
    """Raise Refused for an update or a SERVICE not allow-listed; return the operation word."""
    allow = [h for h in allow if h.strip()]
    form, keyword, mentions = inspect(query)
    if form in UPDATE_WORDS:
        raise Refused(403, READ_ONLY)
    if not mentions:
        return form
    refusal = ("SERVICE (federated query) is refused on this endpoint"
               + (f"; allowed hosts: {', '.join(allow)}" if allow else
                  "; set CITYKG_SERVICE_ALLOW to allow hosts"))
    if keyword and not allow:
        raise Refused(403, refusal)
    if len(query) > PARSE_LIMIT:
        if keyword:
            raise Refused(403, f"{refusal} (the query is too long to verify its targets)")
        return form
    loop = asyncio.get_running_loop()
    try:
        targets = await loop.run_in_executor(_parser, service_targets, query)
    except Exception:  # noqa: BLE001 - rdflib cannot parse it (or recursed): the lexer decides
        if keyword:
            raise Refused(403, f"{refusal} (its targets could not be verified)") from None
        return form
    for iri in targets:
        if not allowed(iri, allow):
            what = "a variable" if iri is None else f"<{iri}>"
            raise Refused(403, f"{refusal}: SERVICE {what}")
    if keyword and not targets:
        raise Refused(403, f"{refusal} (its targets could not be verified)")
    return form
