// Small shared helpers: element building, the API client, relation types and their colours.

export const TYPES = ["sister", "friendship", "partner", "twinning", "cooperation", "office", "network", "aid"];
export const AGREEMENT_TYPES = new Set(["sister", "friendship", "partner", "twinning", "cooperation"]);
// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies)
export const COLORS = {
  sister: "#D55E00",
  friendship: "#E69F00",
  partner: "#CC79A7",
  twinning: "#999999",  // a twinning whose page does not say which kind
  cooperation: "#009E73",
  office: "#0072B2",
  network: "#56B4E9",
  aid: "#7A5230",
};
export const CENTER_COLOR = "#222";

/** el("a.button", {href: "#"}, "text", child…): an element with attributes and children. */
export function el(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const node = document.createElement(tag || "div");
  if (classes.length) node.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    // through the CSSOM: the Content-Security-Policy refuses style attributes
    else if (k === "style") node.style.cssText = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** GET (or POST) JSON from the API; an ApiError with the server's message when not 2xx. */
export async function getJSON(url, options = {}) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, ...options });
  if (!response.ok) throw new ApiError(response.status, await errorText(response));
  return response.json();
}

export async function errorText(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    const detail = body.error ?? body.detail ?? body.message ?? text;
    if (Array.isArray(detail)) {
      return detail.map((d) => `${(d.loc || []).slice(-1)[0] ?? ""}: ${d.msg}`).join("; ");
    }
    return typeof detail === "string" ? detail : JSON.stringify(detail);
  } catch {
    return text.slice(0, 500) || `HTTP ${response.status}`;
  }
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** The id to open a partner by in the explorer, or null when it is not a city. */
export function cityKey(entity) {
  if (!entity || !entity.iri || !/\/id\/city\//.test(entity.iri)) return null;
  return entity.id || entity.wikidata || null;
}

export function year(start) {
  return start ? String(start).slice(0, 4) : "";
}

export function csvOf(columns, rows) {
  const cell = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(cell).join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\r\n") + "\r\n";
}

export function svgEl(tag, attrs = {}) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) node.setAttribute(k, v);
  return node;
}
