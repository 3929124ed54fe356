"""Draft a gold file from what the loaders extract, for a person to check line by line
against the document (delete what is wrong, add what was missed). Usage:
    .venv/bin/python scripts/draft_gold.py DOC > data/gold/NAME.jsonl"""
import json
import sys

from citykg.loaders.pipeline import extract_document


def plain(value):
    if hasattr(value, "iso"):
        return value.iso()
    if hasattr(value, "key") and hasattr(value, "kind"):
        return value.key
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    return value


def main(path: str) -> None:
    doc, extraction = extract_document(path)
    document = next(f for f in extraction.facts if f.kind == "document")
    print(json.dumps({"document": doc.name, "sha256": doc.sha256,
                      "publisher": document.data["publisher"].key,
                      "fiscal_year": document.data["fiscal_year"]}, ensure_ascii=False))
    seen = set()
    for fact in extraction.facts:
        data = {k: plain(v) for k, v in fact.data.items() if not k.startswith("_")
                and k != "publisher"}
        record = {"kind": fact.kind, "lines": fact.span.lines, **data}
        key = (fact.key(), fact.span.lines)
        if key not in seen:
            seen.add(key)
            print(json.dumps(record, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
