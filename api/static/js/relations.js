// The list of a city's relations (under the network) and the timeline of its agreements.
import { label, t } from "./i18n.js";
import { renderLegend } from "./network.js";
import { sourceLinks } from "./sources.js";
import { AGREEMENT_TYPES, COLORS, cityKey, clear, el, year } from "./util.js";

function typeChip(type) {
  return el("span.type-chip", { "data-type": type },
    el("span.swatch.dot", { style: `background:${COLORS[type]}` }), t(`type_${type}`));
}

function partnerCell(partner, onOpen) {
  const key = cityKey(partner);
  const name = label(partner);
  const other = partner.label_ja && partner.label_en && name !== partner.label_en ? partner.label_en
    : (partner.label_ja && name !== partner.label_ja ? partner.label_ja : "");
  const main = key
    ? el("a.partner", { href: `#/city/${encodeURIComponent(key)}/network`, "data-id": partner.id,
      onclick: (e) => { e.preventDefault(); onOpen(partner); } }, name)
    : el("span.partner", { "data-id": partner.id }, name);
  return [main, other ? el("span.secondary", {}, other) : null];
}

function startText(rel) {
  if (!rel.start) return "";
  return rel.start_derived ? `${rel.start}* (${t("derived")})` : rel.start;
}

export function renderRelationsTable(table, data, { onOpen }) {
  clear(table);
  const relations = data.relations || [];
  if (!relations.length) {
    table.append(el("caption", {}, t("no_relations")));
    return;
  }
  table.append(el("thead", {}, el("tr", {},
    ...["type", "partner", "country", "start", "origin", "sources"].map((k) => el("th", { scope: "col" }, t(k))))));
  const body = el("tbody");
  for (const rel of relations) {
    const country = rel.partner.country ? label(rel.partner.country) : "";
    body.append(el("tr", { "data-type": rel.type, "data-origin": rel.origin, "data-partner": rel.partner.id },
      el("td", { "data-label": t("type") }, typeChip(rel.type)),
      el("td", { "data-label": t("partner") }, ...partnerCell(rel.partner, onOpen)),
      el(`td${country ? "" : ".blank"}`, { "data-label": t("country") }, country),
      el(`td.num${rel.start ? "" : ".blank"}`, { "data-label": t("start") }, startText(rel)),
      el("td", { "data-label": t("origin") },
        ...(rel.origins || [rel.origin]).map((o) => el(`span.origin.origin-${o}`, {}, t(`origin_${o}`))),
        rel.status && rel.status !== "active" ? el("span.secondary", {}, t(`status_${rel.status}`)) : null),
      el("td", { "data-label": t("sources") }, sourceLinks(rel.sources, { wikidata: rel.partner.wikidata }))));
  }
  table.append(body);
}

export function renderTimeline(list, legendNode, data, { onOpen }) {
  clear(list);
  const relations = (data.relations || []).filter((r) => AGREEMENT_TYPES.has(r.type) || r.start);
  renderLegend(legendNode, new Set(relations.map((r) => r.type)), { center: false });
  if (!relations.length) {
    list.append(el("li.empty", {}, t("no_relations")));
    return;
  }
  const dated = relations.filter((r) => r.start).sort((a, b) => a.start.localeCompare(b.start));
  const undated = relations.filter((r) => !r.start);
  const groups = [];
  for (const rel of dated) {
    const y = year(rel.start);
    if (!groups.length || groups[groups.length - 1].year !== y) groups.push({ year: y, rels: [] });
    groups[groups.length - 1].rels.push(rel);
  }
  if (undated.length) groups.push({ year: null, rels: undated });
  for (const group of groups) {
    const items = group.rels.map((rel) => el("li.event", { "data-type": rel.type, "data-partner": rel.partner.id },
      el("span.marker", { style: `background:${COLORS[rel.type]}`, "aria-hidden": "true" }),
      el("div.event-body", {},
        el("div.event-title", {}, ...partnerCell(rel.partner, onOpen)),
        el("div.event-meta", {}, typeChip(rel.type),
          rel.start && rel.start.length > 4 ? el("span", {}, rel.start) : null,
          rel.start_derived ? el("span.derived", { title: t("legend_derived") }, `* ${t("derived")}`) : null,
          rel.origin === "wikidata" ? el("span.origin.origin-wikidata", {}, t("origin_wikidata")) : null,
          sourceLinks(rel.sources, { wikidata: rel.partner.wikidata })))));
    list.append(el(`li.year${group.year ? "" : ".unknown"}`, {},
      el("h3.year-label", {}, group.year ? `${group.year}${group.rels.every((r) => r.start_derived) ? "*" : ""}` : t("unknown_date")),
      el("ol.events", {}, ...items)));
  }
}
