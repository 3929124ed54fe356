"""Helpers for the per-stage tests: a small text of our own, read as the pipeline reads a page
(fold and repair each line, segment), handed to one rule at a time."""
from __future__ import annotations

import pytest

from citykg.gazetteer import japan, world
from citykg.loaders import normalise
from citykg.loaders.extract.context import Context
from citykg.loaders.extract.document import fiscal_year
from citykg.loaders.pipeline import resolve_publisher
from citykg.loaders.segment import segment


def make_context(text: str, publisher: str | None = "横浜市", year: int | None = None) -> Context:
    lines = [normalise.repair_line(normalise.fold(line)) for line in text.strip("\n").splitlines()]
    ctx = Context("stage-test.txt", lines, segment(lines), world(), japan())
    ctx.publisher = resolve_publisher(publisher) if publisher else None
    ctx.fiscal_year = year if year is not None else fiscal_year(ctx)
    return ctx


@pytest.fixture
def context():
    return make_context


def facts(ctx: Context, kind: str) -> list[dict]:
    return [f.data for f in ctx.out.facts if f.kind == kind]
