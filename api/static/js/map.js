// The map: country outlines from the vendored Natural Earth file (world-atlas, 1:110m), a
// Natural Earth projection centred on the city, great-circle lines from the city to each partner
// it can place. A place with coordinates in the graph goes there; one without goes near the
// centre of its country (hollow marker); what has neither (regions, networks) is listed.
import { label, t } from "./i18n.js";
import { renderLegend } from "./network.js";
import { sourceLinks } from "./sources.js";
import { CENTER_COLOR, COLORS, cityKey, clear, el, getJSON, svgEl } from "./util.js";

const d3 = () => window.d3;
let atlasPromise = null;

/** The outlines and, per ISO alpha-2 code, the country's feature and a centre to place by. */
function atlas() {
  if (!atlasPromise) {
    atlasPromise = Promise.all([
      getJSON("/static/vendor/countries-110m.json"),
      getJSON("/static/vendor/iso-3166-codes.json"),
    ]).then(([topology, codes]) => {
      const features = window.topojson.feature(topology, topology.objects.countries).features;
      const byNumeric = new Map(features.filter((f) => f.id).map((f) => [String(f.id), f]));
      const byAlpha2 = new Map();
      for (const [alpha2, , numeric] of codes) {
        const feature = byNumeric.get(numeric);
        if (feature) byAlpha2.set(alpha2.toLowerCase(), { feature, centre: mainCentre(feature) });
      }
      return { features, byAlpha2, borders: window.topojson.mesh(topology, topology.objects.countries, (a, b) => a !== b) };
    }).catch((err) => {
      atlasPromise = null;
      throw err;
    });
  }
  return atlasPromise;
}

/** The centroid of a country's largest polygon (France's, not the mean with French Guiana's). */
function mainCentre(feature) {
  const g = feature.geometry;
  if (g.type !== "MultiPolygon") return d3().geoCentroid(feature);
  let best = null;
  let bestArea = -1;
  for (const coordinates of g.coordinates) {
    const polygon = { type: "Polygon", coordinates };
    const area = d3().geoArea(polygon);
    if (area > bestArea) { bestArea = area; best = polygon; }
  }
  return d3().geoCentroid(best);
}

async function placesOf(iris) {
  const query = iris.map((i) => `iri=${encodeURIComponent(i)}`).join("&");
  return (await getJSON(`/places?${query}`)).places || {};
}

export async function renderMap(container, legendNode, noteNode, listsNode, data) {
  clear(container);
  clear(listsNode);
  container.append(el("p.loading", {}, t("loading")));
  const relations = data.relations || [];
  renderLegend(legendNode, new Set(relations.map((r) => r.type)), { derived: false });
  const partners = new Map();
  for (const rel of relations) {
    const key = rel.partner.iri || rel.partner.id;
    if (!partners.has(key)) partners.set(key, { entity: rel.partner, rels: [] });
    partners.get(key).rels.push(rel);
  }
  const iris = [data.city.iri, ...partners.keys()].filter((i) => /^https?:/.test(i)).slice(0, 300);
  const [world, places] = await Promise.all([atlas(), placesOf(iris)]);
  clear(container);

  function locate(iri) {
    const p = places[iri];
    if (p && p.lat !== null && p.lat !== undefined) return { lonlat: [p.lon, p.lat], exact: true, place: p };
    if (p && p.country) {
      const c = world.byAlpha2.get(p.country);
      if (c) return { lonlat: c.centre, exact: false, country: p.country, place: p };
      return { reason: t("map_not_in_outline"), place: p };
    }
    return { reason: p && p.kind ? t(`kind_${p.kind}`) : t("map_no_country"), place: p };
  }

  const home = locate(data.city.iri);
  const placed = [];
  const unplaced = [];
  for (const [iri, item] of partners) {
    const where = locate(iri);
    if (where.lonlat) placed.push({ ...item, ...where, iri });
    else unplaced.push({ ...item, ...where, iri });
  }
  // several places at one country centre: spread them on a small circle around it
  const stacks = new Map();
  const everyone = home.lonlat ? [{ center: true, ...home }, ...placed] : placed;
  for (const p of everyone.filter((x) => !x.exact)) {
    const k = p.lonlat.join(",");
    stacks.set(k, [...(stacks.get(k) || []), p]);
  }
  for (const stack of stacks.values()) {
    if (stack.length < 2) continue;
    const r = 1.6 + 0.35 * stack.length;
    stack.forEach((p, i) => {
      const a = (2 * Math.PI * i) / stack.length;
      p.lonlat = [p.lonlat[0] + r * Math.cos(a), p.lonlat[1] + r * Math.sin(a) * 0.75];
    });
    if (home.lonlat && stack.some((p) => p.center)) home.lonlat = stack.find((p) => p.center).lonlat;
  }

  const width = Math.max(300, container.clientWidth || 800);
  const centreLon = home.lonlat ? home.lonlat[0] : 0;
  const projection = d3().geoNaturalEarth1().rotate([-centreLon, 0])
    .fitExtent([[6, 6], [width - 6, width]], { type: "Sphere" });
  // the whole width, and latitudes 84°N to 58°S: no room spent on Antarctica
  const top = Math.floor(projection([centreLon, 84])[1]);
  const height = Math.ceil(projection([centreLon, -58])[1]) - top;
  const path = d3().geoPath(projection);
  const svg = svgEl("svg", { viewBox: `0 ${top} ${width} ${height}`, width, height, class: "map",
    role: "img", "aria-label": `${t("tab_map")}: ${label(data.city)}` });
  const zoomLayer = svgEl("g", { class: "zoom" });
  svg.append(zoomLayer);
  zoomLayer.append(svgEl("path", { d: path({ type: "Sphere" }), class: "sphere" }));
  zoomLayer.append(svgEl("path", { d: path(d3().geoGraticule10()), class: "graticule" }));
  const partnerCountries = new Set(placed.map((p) => p.place && p.place.country).filter(Boolean));
  const homeCountry = home.place && home.place.country;
  const countryLayer = svgEl("g", { class: "countries" });
  for (const [code, c] of world.byAlpha2) {
    if (code === homeCountry || partnerCountries.has(code)) {
      countryLayer.append(svgEl("path", { d: path(c.feature), class: code === homeCountry ? "country home" : "country partner", "data-country": code }));
    }
  }
  const base = svgEl("path", { d: path({ type: "FeatureCollection", features: world.features }), class: "land" });
  zoomLayer.append(base, countryLayer, svgEl("path", { d: path(world.borders), class: "borders" }));

  const lineLayer = svgEl("g", { class: "map-links" });
  const markLayer = svgEl("g", { class: "markers" });
  zoomLayer.append(lineLayer, markLayer);
  const markers = [];
  for (const p of placed) {
    const first = p.rels[0];
    const wikidataOnly = p.rels.every((r) => r.origin === "wikidata");
    if (home.lonlat) {
      const line = svgEl("path", {
        d: path({ type: "LineString", coordinates: [home.lonlat, p.lonlat] }),
        class: `map-link${wikidataOnly ? " wikidata" : ""}`, stroke: COLORS[first.type],
        "data-partner": p.entity.id || "", "data-type": first.type,
      });
      if (wikidataOnly) line.setAttribute("stroke-dasharray", "6 4");
      const title = svgEl("title");
      title.textContent = `${label(data.city)} — ${label(p.entity)}: ${p.rels.map((r) => t(`type_${r.type}`) + (r.start ? ` ${r.start}` : "")).join(", ")}`;
      line.append(title);
      lineLayer.append(line);
    }
    markers.push({ ...p, color: COLORS[first.type] });
  }
  if (home.lonlat) markers.push({ center: true, entity: data.city, lonlat: home.lonlat, exact: home.exact, color: CENTER_COLOR });
  for (const m of markers) {
    const [x, y] = projection(m.lonlat);
    const g = svgEl("g", { class: `marker${m.center ? " center" : ""}${m.exact ? " exact" : " approx"}`,
      transform: `translate(${x},${y})`, "data-id": m.entity.id || "" });
    const r = m.center ? 6 : 4.5;
    g.append(svgEl("circle", { r, fill: m.exact ? m.color : "#fff", stroke: m.color, "stroke-width": m.exact ? 1 : 2.2 }));
    const text = svgEl("text", { x: r + 3, dy: "0.35em", class: "marker-label" });
    text.textContent = label(m.entity);
    g.append(text);
    const title = svgEl("title");
    title.textContent = `${label(m.entity)} — ${m.exact ? t("map_exact") : t("map_approx")}`;
    g.append(title);
    markLayer.append(g);
  }
  container.append(svg);
  declutter(svg);
  addZoom(svg, zoomLayer, container);
  noteNode.textContent = t("map_note");

  // the lists: what is on the map (with sources), and what could not be placed
  if (placed.length) {
    const table = el("table.data.map-placed", {},
      el("caption", {}, t("map_placed")),
      el("thead", {}, el("tr", {}, ...["partner", "type", "placement", "sources"].map((k) => el("th", { scope: "col" }, t(k))))),
      el("tbody", {}, ...placed.map((p) => el("tr", { "data-partner": p.entity.id || "" },
        el("td", {}, label(p.entity)),
        el("td", {}, p.rels.map((r) => t(`type_${r.type}`)).join(", ")),
        el("td", {}, p.exact ? t("placement_exact") : t("placement_approx")),
        el("td", {}, sourceLinks(p.rels.flatMap((r) => r.sources || []).slice(0, 4), { wikidata: p.entity.wikidata }))))));
    listsNode.append(el("div.table-wrap", {}, table));
  }
  if (unplaced.length) {
    listsNode.append(el("section.unplaced", { "aria-label": t("map_unplaced") },
      el("h3", {}, t("map_unplaced")),
      el("ul", {}, ...unplaced.map((p) => el("li", { "data-partner": p.entity.id || "" },
        el("strong", {}, label(p.entity)), ` — ${unplacedWhy(p)} `,
        sourceLinks(p.rels.flatMap((r) => r.sources || []).slice(0, 2), { wikidata: p.entity.wikidata }))))));
  }
  return { placed: placed.length, unplaced: unplaced.length, cityKey: cityKey(data.city) };
}

function unplacedWhy(p) {
  const types = [...new Set(p.rels.map((r) => t(`type_${r.type}`)))].filter((x) => x !== p.reason);
  return types.length ? `${p.reason} (${types.join(", ")})` : p.reason;
}

/** Marker labels that would overlap: try the other sides of the marker, else hide the label
 * (its marker keeps a tooltip). The city's own label goes first. Run again after a zoom. */
function declutter(svg) {
  const sides = [["start", 1, 0], ["end", -1, 0], ["middle", 0, -1], ["middle", 0, 1]];
  const markers = [...svg.querySelectorAll(".marker")].sort((a, b) => b.classList.contains("center") - a.classList.contains("center"));
  // the markers themselves are obstacles too
  const taken = markers.map((g) => g.querySelector("circle").getBoundingClientRect());
  const overlaps = (a) => taken.some((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom);
  for (const g of markers) {
    const text = g.querySelector(".marker-label");
    const r = Number(g.querySelector("circle").getAttribute("r"));
    text.style.display = "";
    let placed = false;
    for (const [anchor, dx, dy] of sides) {
      text.setAttribute("text-anchor", anchor);
      text.setAttribute("x", dx * (r + 3));
      text.setAttribute("y", dy ? dy * (r + 7) : 0);
      text.setAttribute("dy", dy < 0 ? "0" : dy > 0 ? "0.7em" : "0.35em");
      const box = text.getBoundingClientRect();
      if (!overlaps(box)) {
        taken.push(box);
        placed = true;
        break;
      }
    }
    if (!placed) text.style.display = "none";
  }
}

function addZoom(svg, layer, container) {
  const sel = d3().select(svg);
  const zoom = d3().zoom().scaleExtent([1, 12]).on("zoom", (event) => {
    const k = event.transform.k;
    layer.setAttribute("transform", event.transform.toString());
    for (const g of layer.querySelectorAll(".marker")) {
      const base = g.getAttribute("transform").replace(/ scale\([^)]*\)/, "");
      g.setAttribute("transform", `${base} scale(${1 / k})`);
    }
  });
  zoom.on("end", () => declutter(svg));
  sel.call(zoom);
  const controls = el("div.map-controls", {},
    el("button", { type: "button", "aria-label": "zoom in", title: "+", onclick: () => sel.transition().call(zoom.scaleBy, 1.6) }, "+"),
    el("button", { type: "button", "aria-label": "zoom out", title: "−", onclick: () => sel.transition().call(zoom.scaleBy, 1 / 1.6) }, "−"),
    el("button", { type: "button", "aria-label": "reset zoom", title: "⟲", onclick: () => sel.transition().call(zoom.transform, d3().zoomIdentity) }, "⟲"));
  container.append(controls);
}
