"""Every SPARQL text is a file (`sparql/*.rq`, `sparql/internal/*.rq`), loaded and bound by
the one mechanism, `citykg.sparql` (`sparql/__init__.py`): no string in the Python of the
packages (`citykg/`, `loaders/`, `api/`) reads like a query or an update.

Scope: the packages only. `bench/` and `tests/` keep their SPARQL inline (a benchmark's or a
test's query is part of what it measures or asserts); `sparql/__init__.py`, the mechanism,
is the one module allowed to write the PREFIX block and `LIMIT`. Keywords are matched in
upper case, as the project writes them (prose such as "select … where" is not a query)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("citykg", "loaders", "api")
MECHANISM = ROOT / "sparql" / "__init__.py"
PATTERNS = [re.compile(p, re.DOTALL) for p in (
    r"\bSELECT\b.*\bWHERE\b", r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?(\?\w+|\*|\()",
    r"\bPREFIX\s+[\w-]*:\s*<", r"\bPREFIX\s+[\w-]*:\s*$", r"\bCONSTRUCT\s*(\{|WHERE\b)",
    r"\bDESCRIBE\s+[?<]", r"\bASK\s*(\{|WHERE\b)", r"\bINSERT\s+(DATA\b|\{)",
    r"\bDELETE\s+(DATA|WHERE)\b", r"\bDELETE\s*\{", r"\bWHERE\s*\{", r"\bGRAPH\s+[?<]\S*\s*\{",
    r"\bVALUES\s+(\?\w+|\()", r"\bOPTIONAL\s*\{", r"\bFILTER\s*\(")]


def strings(tree: ast.AST):
    """Every string constant, an f-string as its literal parts joined around a placeholder."""
    parts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts.update(id(v) for v in node.values)
            yield node.lineno, "".join(v.value if isinstance(v, ast.Constant) else " ?x "
                                       for v in node.values)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts:
            yield node.lineno, node.value


def sparql_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [f"{path.relative_to(ROOT)}:{line}: {text.strip()[:70]!r}"
            for line, text in strings(tree) if any(p.search(text) for p in PATTERNS)]


def sources() -> list[Path]:
    return [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))
            if p.resolve() != MECHANISM.resolve()]


def test_no_sparql_text_in_python():
    found = [hit for path in sources() for hit in sparql_strings(path)]
    assert not found, "SPARQL in Python strings (move it to sparql/internal/*.rq):\n" + "\n".join(found)


def test_the_patterns_catch_what_they_are_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('Q = "SELECT ?x WHERE { ?x ?p ?o }"\nP = "PREFIX ckg: <urn:x>"\n'
                      'U = f"INSERT DATA {{ GRAPH {g} {{ }} }}"\nA = "ASK { ?s ?p ?o }"\n'
                      'D = "a SQL-like sentence: select the rows where the key is set"\n')
    hits = sparql_strings_at(sample)
    assert [h.split(":")[1] for h in hits] == ["1", "2", "3", "4"]


def sparql_strings_at(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.name}:{line}" for line, text in sorted(strings(tree))
            if any(p.search(text) for p in PATTERNS)]
