"""The layers of `citykg` hold: the import-linter contracts in pyproject.toml ([tool.importlinter])
are kept, and a module reaching up breaks them.

Installed, the packages live under one import name, but in the work tree `api/`, `loaders/`,
`ontology/`, `sparql/` and `data/` sit beside `citykg/` (pyproject's package-dir), where
import-linter cannot see them: it reads the tree as installed, so the test lays it out so, as
links, in a temporary folder, and runs the venv's `lint-imports` there.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BESIDE = ("api", "loaders", "ontology", "sparql", "data")  # citykg.<name> from ./<name>
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def installed_tree(tmp: Path, extra: dict[str, str] | None = None) -> Path:
    """`citykg/` as installed, made of links into the work tree; `extra` adds modules
    (a path below citykg/ and its text) in folders made real for them."""
    top = tmp / "citykg"
    top.mkdir()
    for entry in (ROOT / "citykg").iterdir():
        if entry.name != "__pycache__":
            (top / entry.name).symlink_to(entry)
    for name in BESIDE:
        (top / name).symlink_to(ROOT / name)
    for rel, text in (extra or {}).items():
        folder = top / Path(rel).parent
        if folder.is_symlink():  # a real folder of links, so a module can be added
            real = folder.resolve()
            folder.unlink()
            folder.mkdir()
            for entry in real.iterdir():
                (folder / entry.name).symlink_to(entry)
        (top / rel).write_text(text, encoding="utf-8")
    return tmp


def lint(tree: Path) -> subprocess.CompletedProcess:
    if not LINT_IMPORTS.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=120)


def test_the_layers_contracts_are_kept(tmp_path):
    run = lint(installed_tree(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
    # every module counted: the ones beside citykg/ were seen
    assert "Analyzed" in run.stdout and "Contracts: 2 kept" in run.stdout


@pytest.mark.parametrize(("module", "text"), [
    ("core/_reach.py", "from citykg.loaders import map\n"),  # the foundation reaching up
    ("wikidata/_reach.py", "from citykg.loaders.map import graph_of\n"),  # a sibling
    ("api/_reach.py", "from citykg.loaders import pipeline\n"),  # the API reading the loaders
])
def test_a_module_reaching_up_breaks_them(tmp_path, module, text):
    run = lint(installed_tree(tmp_path, {module: text}))
    assert run.returncode != 0, run.stdout
    assert "BROKEN" in run.stdout


def test_the_package_itself_imports_nothing():
    tree = ast.parse((ROOT / "citykg" / "__init__.py").read_text(encoding="utf-8"))
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
