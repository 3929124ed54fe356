"""Stage 4, extract: blocks to facts, by general rules over the text plus the gazetteers."""
from __future__ import annotations

from citykg.gazetteer import Entity, Gazetteer
from citykg.loaders.extract.budgets import dedupe_budgets, extract_budgets, report_budgets_without_year
from citykg.loaders.extract.context import Context
from citykg.loaders.extract.document import extract_document, fiscal_year, language_of
from citykg.loaders.extract.members import extract_members
from citykg.loaders.extract.office_sentences import extract_office_sentences
from citykg.loaders.extract.organisations import extract_organisations
from citykg.loaders.extract.policy import extract_policy
from citykg.loaders.extract.publisher import infer_publisher
from citykg.loaders.extract.relations import extract_relations, merge_relations
from citykg.loaders.extract.toc import extract_toc
from citykg.loaders.facts import Extraction
from citykg.loaders.segment import Block

RULES = (extract_document, extract_toc, extract_relations, extract_budgets,
         extract_organisations, extract_office_sentences, extract_members, extract_policy)


class PublisherUnknown(ValueError):
    pass


def extract(name: str, lines: list[str], blocks: list[Block], world: Gazetteer,
            japan: Gazetteer, publisher: Entity | None = None,
            language: str | None = None, fiscal_year_given: int | None = None) -> Extraction:
    """`language`: the one the file declares (an HTML page's <html lang>), the first signal of
    the document's language; else its script decides. `fiscal_year_given`: the document's
    fiscal year where its text names none (--fiscal-year)."""
    ctx = Context(name, lines, blocks, world, japan)
    ctx.language = language or language_of(lines)
    ctx.publisher = publisher or infer_publisher(ctx)
    if ctx.publisher is None:
        why = "; ".join(f"line {p.line}: {p.message}" for p in ctx.out.problems[:3])
        raise PublisherUnknown("cannot tell which local government published it (no web "
                               "address naming one, and no government named most)"
                               + (f": {why}" if why else "")
                               + "; name it with --publisher, e.g. --publisher 横浜市")
    ctx.fiscal_year = fiscal_year_given or fiscal_year(ctx)
    for rule in RULES:
        rule(ctx)
    report_budgets_without_year(ctx)
    merge_relations(ctx.out.facts)
    dedupe_budgets(ctx.out.facts)
    return ctx.out
