// The network view: the city in the middle, its partners around it (d3-force, seeded on a ring
// and run to rest before drawing, so the picture is stable), one edge per relation coloured by
// type, dashed when the relation comes from Wikidata, labelled with its start year.
import { label, t } from "./i18n.js";
import { openSource } from "./sources.js";
import { CENTER_COLOR, COLORS, TYPES, cityKey, clear, el, svgEl, year } from "./util.js";

const d3 = () => window.d3;

export function entityKind(entity) {
  const m = /\/id\/([^/]+)\//.exec(entity?.iri || "");
  return m ? m[1] : "other";
}

export function renderLegend(node, types, { center = true, origins = true, derived = true } = {}) {
  clear(node);
  const items = [];
  if (center) items.push(el("span.legend-item", {}, el("span.swatch.dot", { style: `background:${CENTER_COLOR}` }), t("legend_center")));
  for (const type of TYPES.filter((x) => types.has(x))) {
    items.push(el("span.legend-item", { "data-type": type },
      el("span.swatch.dot", { style: `background:${COLORS[type]}` }), t(`type_${type}`)));
  }
  if (origins) {
    items.push(el("span.legend-item", {}, el("span.swatch.line"), t("legend_document")));
    items.push(el("span.legend-item", {}, el("span.swatch.line.dashed"), t("legend_wikidata")));
    if (derived) items.push(el("span.legend-item.derived-note", {}, t("legend_derived")));
  }
  node.append(...items);
}

export function renderNetwork(container, legendNode, data, { onOpen }) {
  clear(container);
  const relations = data.relations || [];
  renderLegend(legendNode, new Set(relations.map((r) => r.type)));
  if (!relations.length) {
    container.append(el("p.empty", {}, t("no_relations")));
    return;
  }
  const width = Math.max(300, container.clientWidth || 800);
  const narrow = width < 560;
  // few partners: a smaller ring and a lower picture
  const count = new Set(relations.map((r) => r.partner.iri || r.partner.id)).size;
  const wanted = 2 * (90 + 24 * count) + 90;
  const height = Math.round(Math.min(wanted, 620, Math.max(300, width * (narrow ? 1.05 : 0.62))));
  const cx = width / 2;
  const cy = height / 2;

  // one node per partner; its colour is its first relation's type (the API sorts by type)
  const center = { key: data.city.iri, entity: data.city, center: true, x: cx, y: cy, fx: cx, fy: cy, types: [] };
  const byKey = new Map([[center.key, center]]);
  const links = [];
  for (const rel of relations) {
    const key = rel.partner.iri || rel.partner.id;
    if (!byKey.has(key)) byKey.set(key, { key, entity: rel.partner, types: [], rels: [] });
    const node = byKey.get(key);
    node.types.push(rel.type);
    node.rels.push(rel);
    links.push({ source: center, target: node, rel });
  }
  const partners = [...byKey.values()].filter((n) => !n.center);
  const margin = narrow ? 34 : 120;
  const radius = Math.max(80, Math.min(width / 2 - margin, height / 2 - (narrow ? 40 : 44)));
  partners.forEach((n, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / partners.length;
    n.x = cx + radius * Math.cos(a);
    n.y = cy + radius * Math.sin(a);
  });
  const sim = d3().forceSimulation([center, ...partners])
    .force("radial", d3().forceRadial((n) => (n.center ? 0 : radius), cx, cy).strength(0.9))
    .force("charge", d3().forceManyBody().strength(-180))
    .force("collide", d3().forceCollide(narrow ? 26 : 34))
    .stop();
  for (let i = 0; i < 300; i++) sim.tick();
  for (const n of partners) {
    n.x = Math.max(14, Math.min(width - 14, n.x));
    n.y = Math.max(16, Math.min(height - 22, n.y));
  }

  const svg = svgEl("svg", {
    viewBox: `0 0 ${width} ${height}`, width, height, class: "network",
    role: "group", "aria-label": `${t("tab_network")}: ${label(data.city)}`,
  });
  const linkLayer = svgEl("g", { class: "links" });
  const labelLayer = svgEl("g", { class: "link-labels" });
  const nodeLayer = svgEl("g", { class: "nodes" });
  svg.append(linkLayer, labelLayer, nodeLayer);

  // several relations with one partner: fan the edges out as curves
  const groups = new Map();
  for (const l of links) {
    const list = groups.get(l.target.key) || [];
    list.push(l);
    groups.set(l.target.key, list);
  }
  for (const list of groups.values()) {
    list.forEach((l, i) => {
      const { x: x1, y: y1 } = l.source;
      const { x: x2, y: y2 } = l.target;
      const bend = (i - (list.length - 1) / 2) * 46;
      const len = Math.hypot(x2 - x1, y2 - y1) || 1;
      const qx = (x1 + x2) / 2 + (-(y2 - y1) / len) * bend;
      const qy = (y1 + y2) / 2 + ((x2 - x1) / len) * bend;
      const rel = l.rel;
      const sources = (rel.sources || []).map((s) => (s.lines ? `${s.document}:${s.lines}` : s.document)).join(", ");
      const path = svgEl("path", {
        d: `M${x1},${y1} Q${qx},${qy} ${x2},${y2}`,
        class: `link link-${rel.type}${rel.origin === "wikidata" ? " wikidata" : ""}`,
        stroke: COLORS[rel.type], "data-type": rel.type, "data-origin": rel.origin,
        "data-partner": l.target.entity.id || "",
      });
      if (rel.origin === "wikidata") path.setAttribute("stroke-dasharray", "7 5");
      const title = svgEl("title");
      title.textContent = `${t(`type_${rel.type}`)} — ${label(l.target.entity)}${rel.start ? ` (${rel.start})` : ""}\n${sources}`;
      path.append(title);
      linkLayer.append(path);
      const y = year(rel.start);
      if (y) {
        const mx = 0.25 * x1 + 0.5 * qx + 0.25 * x2;
        const my = 0.25 * y1 + 0.5 * qy + 0.25 * y2;
        const text = svgEl("text", {
          x: mx, y: my, class: "link-label", "text-anchor": "middle", dy: "0.35em",
          fill: COLORS[rel.type], "data-partner": l.target.entity.id || "",
        });
        text.textContent = `${y}${rel.start_derived ? "*" : ""}`;
        const first = (rel.sources || []).find((s) => s.lines);
        if (first) {
          text.classList.add("clickable");
          text.addEventListener("click", () => openSource(first.document, first.lines));
          const tt = svgEl("title");
          tt.textContent = `${first.document}:${first.lines}`;
          text.append(tt);
        }
        labelLayer.append(text);
      }
    });
  }

  for (const n of [center, ...partners]) {
    const key = n.center ? null : cityKey(n.entity);
    const name = label(n.entity);
    const g = svgEl("g", {
      class: `node${n.center ? " center" : ""}${key ? " navigable" : ""}`,
      transform: `translate(${n.x},${n.y})`,
      "data-id": n.entity.id || "", "data-kind": entityKind(n.entity),
    });
    const color = n.center ? CENTER_COLOR : COLORS[n.types[0]];
    const r = n.center ? 15 : 10;
    const shape = n.center || entityKind(n.entity) === "city"
      ? svgEl("circle", { r, fill: color })
      : svgEl("rect", { x: -r, y: -r, width: 2 * r, height: 2 * r, rx: 3, fill: color });
    g.append(shape);
    if (n.types.length > 1) {
      // a ring in the second type's colour tells a partner with several kinds of relation
      g.append(svgEl("circle", { r: r + 4, fill: "none", stroke: COLORS[n.types[1]], "stroke-width": 3 }));
    }
    const text = svgEl("text", { class: "node-label" });
    text.textContent = name.length > 30 ? `${name.slice(0, 28)}…` : name;
    text.__node = n;
    text.__r = r;
    g.append(text);
    const title = svgEl("title");
    const kinds = [...new Set(n.types)].map((x) => t(`type_${x}`)).join(", ");
    title.textContent = n.center ? name : `${name}${kinds ? ` — ${kinds}` : ""}`;
    g.append(title);
    if (key) {
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "link");
      g.setAttribute("aria-label", t("move_to", { name }));
      const open = () => onOpen(n.entity);
      g.addEventListener("click", open);
      g.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); }
      });
    } else if (!n.center) {
      g.setAttribute("aria-label", t("not_a_city", { name }));
    }
    g.addEventListener("mouseenter", () => svg.classList.add("hovering") || mark(svg, n.entity.id, true));
    g.addEventListener("mouseleave", () => svg.classList.remove("hovering") || mark(svg, n.entity.id, false));
    nodeLayer.append(g);
  }
  container.append(svg);
  placeLabels(svg, width, height, cx, narrow);
}

/** Labels beside their node, outwards from the centre; below it when there is no room (on a
 * phone), kept inside the picture. Measured once the SVG is in the page. */
function placeLabels(svg, width, height, cx, narrow) {
  for (const text of svg.querySelectorAll("text.node-label")) {
    const n = text.__node;
    const r = text.__r;
    const w = text.getComputedTextLength ? text.getComputedTextLength() : 0;
    const right = n.x >= cx - 1;
    const room = right ? width - (n.x + r + 6) : n.x - r - 6;
    if (!n.center && !narrow && w <= room - 4) {
      text.setAttribute("x", right ? r + 6 : -(r + 6));
      text.setAttribute("dy", "0.35em");
      text.setAttribute("text-anchor", right ? "start" : "end");
      continue;
    }
    // centred under the node (above it at the bottom edge), shifted to stay inside
    const below = n.center || n.y + r + 20 < height;
    const centre = Math.max(w / 2 + 4, Math.min(width - w / 2 - 4, n.x));
    text.setAttribute("x", centre - n.x);
    text.setAttribute("y", below ? r + (n.center ? 18 : 15) : -(r + 7));
    text.setAttribute("text-anchor", "middle");
  }
}

function mark(svg, id, on) {
  for (const node of svg.querySelectorAll(`[data-partner="${CSS.escape(id || "")}"]`)) node.classList.toggle("hot", on);
}
