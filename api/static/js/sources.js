// "document:line" links: every fact on the page links to the lines it was read from. A click
// (or Enter) opens the source text in a dialog; hovering or focusing fetches it for the tooltip.
import { t } from "./i18n.js";
import { el, getJSON, clear } from "./util.js";

const cache = new Map();

function fetchSpan(document, lines) {
  const key = `${document}\n${lines}`;
  if (!cache.has(key)) {
    const url = `/sources?document=${encodeURIComponent(document)}&lines=${encodeURIComponent(lines)}`;
    cache.set(key, getJSON(url).catch((err) => {
      cache.delete(key);
      throw err;
    }));
  }
  return cache.get(key);
}

function shortDoc(document) {
  // file names are long hashes; keep the start and the extension readable
  const dot = document.lastIndexOf(".");
  const ext = dot > 0 && document.length - dot <= 6 ? document.slice(dot) : "";
  const stem = ext ? document.slice(0, dot) : document;
  return stem.length > 12 ? `${stem.slice(0, 8)}…${ext}` : document;
}

/**
 * A link for one source {document, lines}; `wikidata` (a Q-id) makes the Wikidata source a
 * link to the item. Returns an element to put anywhere.
 */
export function sourceLink(source, { wikidata = null } = {}) {
  if (!source) return null;
  if (!source.lines || source.document === "Wikidata") {
    const href = wikidata ? `https://www.wikidata.org/wiki/${encodeURIComponent(wikidata)}` : null;
    return el(href ? "a.source.source-wikidata" : "span.source.source-wikidata",
      { href, target: href ? "_blank" : null, rel: href ? "noopener" : null, title: t("source_wikidata") },
      source.document === "Wikidata" ? "Wikidata" : source.document);
  }
  const text = source.page ? `${source.document} p.${source.page}` : `${source.document}:${source.lines}`;
  const button = el("button.source", {
    type: "button",
    "aria-label": t("source_open", { doc: source.document, lines: source.lines }),
    "data-document": source.document,
    "data-lines": source.lines,
    title: text,
  }, source.page ? `${shortDoc(source.document)} p.${source.page}` : `${shortDoc(source.document)}:${source.lines}`);
  const prefetch = () => {
    fetchSpan(source.document, source.lines).then((body) => {
      const span = body.spans[0];
      if (span && span.text) button.title = `${text}\n${span.text}`;
    }).catch(() => {});
  };
  button.addEventListener("mouseenter", prefetch, { once: true });
  button.addEventListener("focus", prefetch, { once: true });
  button.addEventListener("click", () => openSource(source.document, source.lines, button));
  return button;
}

/** All the sources of a fact, as a list of links. */
export function sourceLinks(sources, options = {}) {
  const list = el("span.sources");
  for (const s of sources || []) list.append(sourceLink(s, options));
  return list;
}

/** A spreadsheet's name of a 1-based column: 1 → "A", 27 → "AA". */
function columnLetters(column) {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + (n - 1) % 26) + letters;
  return letters;
}

/** Where a span is in the file a person opens: " (p.425, line 8)", " (sheet 予算, row 12, col C)". */
function placeOf(span) {
  if (span.page) return ` (p.${span.page}${span.line_on_page ? `, line ${span.line_on_page}` : ""})`;
  if (span.row) {
    const column = span.column ? `, col ${columnLetters(span.column)}` : "";
    return ` (${span.sheet ? `sheet ${span.sheet}, ` : ""}row ${span.row}${column})`;
  }
  return span.source_line ? ` (source line ${span.source_line})` : "";
}

export async function openSource(document, lines, opener = null) {
  const dialog = window.document.getElementById("source-dialog");
  const where = window.document.getElementById("source-where");
  const body = window.document.getElementById("source-body");
  where.textContent = t("source_lines", { doc: document, lines });
  clear(body).append(el("p.loading", {}, t("loading")));
  if (!dialog.open) dialog.showModal();
  dialog.dataset.opener = "";
  dialog.onclose = () => { if (opener && opener.isConnected) opener.focus(); };
  try {
    const data = await fetchSpan(document, lines);
    clear(body);
    const first = data.spans[0];
    if (first && first.title) where.textContent = `${first.title} — ${t("source_lines", { doc: first.document, lines })}`;
    for (const span of data.spans) {
      const range = span.first_line === span.last_line ? `${span.first_line}` : `${span.first_line}–${span.last_line}`;
      body.append(el("figure.span", {},
        el("figcaption", {}, `${span.document}:${range}${placeOf(span)}`),
        el("blockquote", { lang: "ja" }, span.text || t("source_none"))));
    }
  } catch (err) {
    clear(body).append(el("p.error", { role: "alert" }, `${t("error")}: ${err.message}`));
  }
}
