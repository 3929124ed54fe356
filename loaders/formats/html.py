"""HTML (lxml): the page's main content as lines with its structure kept — headings as
"■ title" lines (what the segmenter reads as a heading), list items as "- " lines, table rows
as "| a | b |" lines, paragraphs set apart by an empty line — each with the element's line in
the source. The first lines give the canonical URL ("URL: …") and the <title>, which the
publisher rule reads; `<html lang>` is the document's language unless it declares none."""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from citykg.loaders.formats import Lines, Origin

SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
        "button", "select", "iframe", "svg", "head", "title", "meta", "link"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = {"p", "div", "section", "article", "main", "blockquote", "pre", "address", "dl", "dt",
          "dd", "figure", "figcaption", "caption", "ul", "ol", "li", "table", "center", "hr",
          "details", "summary", *HEADINGS}
MAIN = ("//main", "//*[@role='main']", "//article", "//*[@id='main' or @id='content' or "
        "@id='contents' or @id='main-content' or @class='main' or @class='content']")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def read(path: Path, data: bytes) -> Lines:
    from citykg.loaders.read import LoadError

    text = _decode(path, data)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise LoadError(path, f"not a readable HTML page: {exc}") from exc
    out = _Out()
    url = _first(root, "//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content")
    if url:
        out.add(f"URL: {url.strip()}", 1)
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        out.add(_squash(title.text_content()), title.sourceline)
        out.blank()
    body = next((found[0] for xpath in MAIN if (found := root.xpath(xpath))), None)
    if body is None:
        body = root.find("body") if root.find("body") is not None else root
    _walk(body, out)
    return Lines(out.lines, out.origins, [], "html", declared_language(root))


def declared_language(root) -> str | None:
    """The page's language as its <html lang> (or xml:lang, or a Content-Language meta)
    declares it: "ja", "en-us" (lower case, as RDF stores keep tags); None where it declares none or no valid tag."""
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or _first(
        root, "//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')"
              "='content-language']/@content")
    lang = (lang or "").strip().split(",")[0].strip().replace("_", "-").lower()
    return lang if LANGUAGE_TAG.fullmatch(lang) else None  # (tags are case-insensitive)


def _decode(path: Path, data: bytes) -> str:
    from citykg.loaders.read import decode

    m = META_CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m[1].decode("ascii").lower().replace("shift-jis", "cp932")
                               .replace("shift_jis", "cp932").replace("x-sjis", "cp932"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(path, data)[0]


def _first(root, *xpaths: str) -> str | None:
    for xpath in xpaths:
        found = root.xpath(xpath)
        if found and str(found[0]).strip():
            return str(found[0])
    return None


class _Out:
    def __init__(self):
        self.lines: list[str] = []
        self.origins: list[Origin] = []

    def add(self, text: str, source_line: int | None) -> None:
        for part in text.split("\n"):
            if part.strip():
                self.lines.append(part.rstrip())
                self.origins.append(Origin(source_line=source_line))

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")
            self.origins.append(self.origins[-1])


def _squash(text: str) -> str:
    return re.sub(r"[ \t\r\n\u00a0]+", " ", text).strip()


def _inline(el) -> str:
    """An element's text, <br> as a line break, nested blocks flattened."""
    parts = [el.text or ""]
    for child in el:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if child.tag == "br":
            parts.append("\n")
        elif child.tag not in SKIP:
            parts.append(_inline(child))
            if child.tag in BLOCKS:
                parts.append("\n")
        parts.append(child.tail or "")
    return "\n".join(_squash(line) for line in "".join(parts).split("\n"))


def _walk(el, out: _Out) -> None:
    run: list[str] = []
    run_line = [el.sourceline]

    def flush() -> None:
        text = "\n".join(_squash(line) for line in "".join(run).split("\n"))
        if text.strip():
            out.add(text, run_line[0])
            out.blank()
        run.clear()

    run.append(el.text or "")
    for child in el:
        if not isinstance(child.tag, str):  # a comment or processing instruction
            run.append(child.tail or "")
            continue
        tag = child.tag.lower()
        if tag in SKIP:
            pass
        elif tag in HEADINGS:
            flush()
            out.add("■ " + _squash(child.text_content()), child.sourceline)
            out.blank()
        elif tag in ("ul", "ol"):
            flush()
            _list(child, out, 0)
            out.blank()
        elif tag == "table":
            flush()
            _table(child, out)
            out.blank()
        elif tag == "br":
            run.append("\n")
        elif tag in BLOCKS:
            flush()
            _walk(child, out)
        else:
            if not "".join(run).strip():
                run_line[0] = child.sourceline
            run.append(_inline(child))
        run.append(child.tail or "")
    flush()


def _list(el, out: _Out, depth: int) -> None:
    for item in el:
        if not isinstance(item.tag, str) or item.tag.lower() != "li":
            continue
        nested = [c for c in item if isinstance(c.tag, str) and c.tag.lower() in ("ul", "ol")]
        for sub in nested:
            item.remove(sub)  # read after the item's own text; the tree is ours alone
        text = _inline(item).replace("\n", " ").strip()
        if text:
            out.add("  " * depth + "- " + _squash(text), item.sourceline)
        for sub in nested:
            _list(sub, out, depth + 1)


def _table(el, out: _Out) -> None:
    caption = el.find("caption")
    if caption is not None and caption.text_content().strip():
        out.add(_squash(caption.text_content()), caption.sourceline)
    for row in el.iter("tr"):
        cells = [_squash(_inline(c).replace("\n", " ")).replace("|", "｜")
                 for c in row if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
        if any(cells):
            out.add("| " + " | ".join(cells) + " |", row.sourceline)
