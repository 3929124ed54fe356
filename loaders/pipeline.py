"""The loader pipeline, one document at a time: read → normalise → segment → extract → map →
materialise. `load_document` returns the document's named graph without touching the store."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from citykg.gazetteer import Entity, japan, world
from citykg.loaders import normalise
from citykg.loaders.extract import PublisherUnknown, extract
from citykg.loaders.facts import Extraction, Problem
from citykg.loaders.map import Mapper, graph_of
from citykg.loaders.materialise import with_inferences
from citykg.loaders.read import LoadError, read_document
from citykg.loaders.segment import segment


@dataclass
class LoadedDocument:
    path: Path
    graph: str
    publisher: Entity
    extraction: Extraction
    triples: list[ox.Triple]


def resolve_publisher(name: str) -> Entity:
    found = japan().lookup(name, "city") or japan().lookup(name, "prefecture") \
        or world().lookup(name, "city")
    if len(found) != 1:
        what = "matches several local governments" if found else \
            "matches no city or prefecture in the gazetteer"
        raise LoadError("--publisher", f"{name!r} {what}")
    return found[0]


def extract_document(path: Path | str, publisher: Entity | None = None, progress=None,
                     fiscal_year: int | None = None):
    """`fiscal_year`: the document's, where its text names none (--fiscal-year)."""
    doc = read_document(path, progress)
    lines = [normalise.repair_line(normalise.fold(line)) for line in doc.lines]
    blocks = segment(lines)
    try:
        extraction = extract(doc.name, lines, blocks, world(), japan(), publisher, doc.language,
                             fiscal_year)
    except PublisherUnknown as exc:
        raise LoadError(doc.path, str(exc)) from exc
    except normalise.NormaliseError as exc:
        raise LoadError(doc.path, str(exc)) from exc
    # what the reader noticed (a garbled page, a page without text) goes to the load report
    extraction.problems[:0] = [Problem(line, message) for line, message in doc.notes]
    return doc, extraction


def load_document(path: Path | str, publisher: Entity | None = None,
                  progress=None, fiscal_year: int | None = None) -> LoadedDocument:
    """`progress(done, total)` as a PDF's pages are read; `fiscal_year` where the text names none."""
    doc, extraction = extract_document(path, publisher, progress, fiscal_year)
    pub = next(f.data["publisher"] for f in extraction.facts if f.kind == "document")
    triples = Mapper(doc.sha256, doc.name, pub, doc.lines, doc.origins).triples(extraction.facts)
    return LoadedDocument(doc.path, graph_of(doc.sha256), pub, extraction,
                          with_inferences(triples))
