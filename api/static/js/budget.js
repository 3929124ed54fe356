// The budget view: a city's programs for one fiscal year as horizontal bars, grouped by policy
// pillar, budget heads above their programs, each with the change from the year before and the
// lines the amount was read from. Data: the canned query city-program-budgets (all years).
import { formatYen, lang, t } from "./i18n.js";
import { sourceLink } from "./sources.js";
import { clear, el, getJSON } from "./util.js";

const cache = new Map();

export async function loadBudgets(city) {
  if (!cache.has(city.iri)) {
    const url = `/queries/city-program-budgets?city=${encodeURIComponent(city.iri)}&format=json&page_size=1000`;
    cache.set(city.iri, getJSON(url).then((d) => d.rows || []).catch((err) => {
      cache.delete(city.iri);
      throw err;
    }));
  }
  return cache.get(city.iri);
}

export function budgetYears(rows) {
  return [...new Set(rows.map((r) => Number(r.fiscal_year)))].sort((a, b) => b - a);
}

function name(row, prefix) {
  const ja = row[`${prefix}_ja`];
  const en = row[`${prefix}_en`];
  return lang() === "ja" ? ja || en || "" : en || ja || "";
}

function changeBadge(row) {
  const amount = Number(row.amount);
  if (row.previous === null || row.previous === undefined) {
    return el("span.change.none", { title: t("budget_no_previous") }, "—");
  }
  const previous = Number(row.previous);
  if (previous === 0) {
    return amount > 0 ? el("span.change.up", { title: t("budget_previous", { amount: formatYen(0) }) }, t("budget_new"))
      : el("span.change.none", {}, "±0");
  }
  const pct = row.change_pct !== null && row.change_pct !== undefined ? Number(row.change_pct)
    : Math.round((1000 * (amount - previous)) / previous) / 10;
  const cls = pct > 0 ? "up" : pct < 0 ? "down" : "none";
  const sign = pct > 0 ? "+" : pct < 0 ? "−" : "±";
  return el(`span.change.${cls}`, { title: t("budget_previous", { amount: formatYen(previous) }) },
    `${sign}${Math.abs(pct).toFixed(1)}%`);
}

/** Rows of one pillar in tree order (a head, then its programs), with their depth. */
function treeOrder(rows) {
  const ids = new Set(rows.map((r) => r.program));
  const children = new Map();
  for (const r of rows) {
    const parent = r.parent && ids.has(r.parent) ? r.parent : "";
    children.set(parent, [...(children.get(parent) || []), r]);
  }
  const out = [];
  const walk = (parent, depth) => {
    const list = (children.get(parent) || []).sort((a, b) => Number(b.amount) - Number(a.amount));
    for (const r of list) {
      out.push({ row: r, depth });
      if (depth < 6) walk(r.program, depth + 1);
    }
  };
  walk("", 0);
  return out;
}

export function renderBudget(chart, totalNode, rows, fiscalYear) {
  clear(chart);
  totalNode.textContent = "";
  const yearRows = rows.filter((r) => Number(r.fiscal_year) === Number(fiscalYear));
  if (!yearRows.length) {
    chart.append(el("p.empty", {}, t("budget_none")));
    return;
  }
  // one row per program (a program listed twice in a report keeps its larger amount)
  const byProgram = new Map();
  for (const r of yearRows) {
    const seen = byProgram.get(r.program);
    if (!seen || Number(r.amount) > Number(seen.amount)) byProgram.set(r.program, r);
  }
  const programs = [...byProgram.values()];
  const ids = new Set(programs.map((r) => r.program));
  const roots = programs.filter((r) => !(r.parent && ids.has(r.parent)));
  const total = roots.reduce((s, r) => s + Number(r.amount), 0);
  totalNode.textContent = t("budget_total", { amount: formatYen(total), n: programs.length });
  const max = Math.max(...programs.map((r) => Math.max(Number(r.amount), Number(r.previous || 0))), 1);

  const pillars = new Map();
  for (const r of programs) {
    const key = r.pillar || "";
    if (!pillars.has(key)) pillars.set(key, { key, row: r, rows: [] });
    pillars.get(key).rows.push(r);
  }
  const groups = [...pillars.values()].map((g) => {
    const inGroup = new Set(g.rows.map((r) => r.program));
    const groupTotal = g.rows.filter((r) => !(r.parent && inGroup.has(r.parent))).reduce((s, r) => s + Number(r.amount), 0);
    return { ...g, total: groupTotal };
  }).sort((a, b) => (a.key === "") - (b.key === "") || b.total - a.total);

  chart.append(el("div.budget-legend", { "aria-hidden": "true" },
    el("span.legend-item", {}, el("span.swatch.bar"), t("budget_legend_amount")),
    el("span.legend-item", {}, el("span.swatch.prev"), t("budget_legend_previous")),
    el("span.legend-item", {}, el("span.change.up", {}, "+"), t("budget_legend_up")),
    el("span.legend-item", {}, el("span.change.down", {}, "−"), t("budget_legend_down"))));

  for (const g of groups) {
    const title = g.key ? name(g.row, "pillar") : t("budget_no_pillar");
    const section = el("section.pillar", { "data-pillar": g.key },
      el("h3.pillar-title", {}, el("span", {}, title),
        el("span.pillar-total", {}, t("budget_pillar_total", { n: g.rows.length, amount: formatYen(g.total) }))));
    const list = el("ol.bars");
    for (const { row, depth } of treeOrder(g.rows)) {
      const amount = Number(row.amount);
      const width = (100 * amount) / max;
      const prevWidth = row.previous !== null && row.previous !== undefined ? (100 * Number(row.previous)) / max : null;
      const source = row.document && row.lines ? sourceLink({ document: row.document, lines: row.lines }) : null;
      const label = name(row, "program");
      list.append(el("li.bar-row", { "data-program": row.program, style: `--depth:${depth}` },
        el("div.bar-name", { title: row.parent_ja ? `${row.parent_ja} › ${row.program_ja}` : row.program_ja || "" },
          el("span.program-name", { lang: lang() === "ja" || !row.program_en ? "ja" : "en" }, label)),
        el("div.bar-track", { role: "img", "aria-label": `${label}: ${formatYen(amount)}` },
          el("span.bar", { style: `width:${Math.max(0.4, width).toFixed(2)}%` }),
          prevWidth !== null ? el("span.prev", { style: `left:${Math.min(100, prevWidth).toFixed(2)}%`, title: t("budget_previous", { amount: formatYen(row.previous) }) }) : null),
        el("div.bar-value", {}, el("span.amount", { title: `${Number(amount).toLocaleString()} JPY` }, formatYen(amount)),
          changeBadge(row), source)));
    }
    section.append(list);
    chart.append(section);
  }
}
