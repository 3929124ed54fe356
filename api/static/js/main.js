// The explorer page: routing (#/city/{id}/{tab}), the city header, the tabs, and wiring of the
// views to the API. Plain ES modules, no build step; d3 and topojson-client come from
// /static/vendor as classic scripts loaded before this module.
import { budgetYears, loadBudgets, renderBudget } from "./budget.js";
import { apply, label, lang, onLangChange, otherLabel, setLang, t } from "./i18n.js";
import { renderMap } from "./map.js";
import { renderNetwork } from "./network.js";
import { setupQueries } from "./query.js";
import { renderRelationsTable, renderTimeline } from "./relations.js";
import { setupSearch } from "./search.js";
import { clear, cityKey, debounce, el, getJSON } from "./util.js";

const TABS = ["network", "map", "timeline", "budget", "query"];
const $ = (id) => document.getElementById(id);
const state = { key: null, tab: "network", data: null, detail: null, loading: null, budgetYear: null, rendered: new Set() };

const search = setupSearch({ onPick: (city) => go(city.id || city.wikidata || city.iri, state.tab === "query" ? "network" : state.tab) });
const queries = setupQueries({ currentCity: () => state.data && state.data.city });

function go(key, tab = state.tab) {
  const hash = `#/city/${encodeURIComponent(key)}/${tab}`;
  if (location.hash !== hash) location.hash = hash;
  else route();
}

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "city" && parts[1]) return { key: parts[1], tab: TABS.includes(parts[2]) ? parts[2] : "network" };
  if (TABS.includes(parts[0])) return { key: null, tab: parts[0] };
  return { key: null, tab: state.key ? state.tab : "network" };
}

async function route() {
  const { key, tab } = parseHash();
  const cityChanged = key !== state.key;
  state.tab = tab;
  state.key = key;
  selectTab(tab);
  if (cityChanged) {
    state.data = null;
    state.detail = null;
    state.budgetYear = null;
    state.rendered.clear();
    if (key) await loadCity(key);
    else showIntro();
    queries.cityChanged();
  }
  renderTab(tab);
}

function showIntro() {
  $("intro").hidden = false;
  $("city-head").hidden = true;
  message("");
}

async function loadCity(key) {
  const mine = (state.loading = key);
  message(t("loading"));
  try {
    const [data, detail] = await Promise.all([
      getJSON(`/cities/${encodeURIComponent(key)}/relations`),
      getJSON(`/cities/${encodeURIComponent(key)}`).catch(() => null),
    ]);
    if (state.loading !== mine) return;
    state.data = data;
    state.detail = detail;
    $("intro").hidden = true;
    message("");
    renderHead();
    search.set(label(data.city));
  } catch (err) {
    if (state.loading !== mine) return;
    state.data = null;
    $("city-head").hidden = true;
    $("intro").hidden = false;
    message(`${err.status === 404 ? t("not_found") : t("error")}: ${err.message}`, true);
  }
}

function renderHead() {
  const city = state.data.city;
  const detail = state.detail || {};
  $("city-head").hidden = false;
  $("city-name").textContent = label(city);
  $("city-name").setAttribute("tabindex", "-1");
  const meta = $("city-meta");
  clear(meta);
  const bits = [];
  if (otherLabel(city)) bits.push(el("span", { lang: lang() === "ja" ? "en" : "ja" }, otherLabel(city)));
  const country = city.country || detail.country;
  if (country) bits.push(el("span", {}, label(country)));
  if (detail.prefecture) bits.push(el("span", {}, label(detail.prefecture)));
  const code = city.code || detail.code;
  if (code) bits.push(el("span", {}, `${t("code")} ${code}`));
  const qid = city.wikidata || detail.wikidata;
  if (qid) bits.push(el("a", { href: `https://www.wikidata.org/wiki/${encodeURIComponent(qid)}`, target: "_blank", rel: "noopener" }, `${t("wikidata_link")} ${qid}`));
  bits.push(el("span.count", {}, t("relations_count", { n: (state.data.relations || []).length })));
  bits.forEach((b, i) => meta.append(...(i ? [" · ", b] : [b])));
}

function selectTab(tab) {
  for (const name of TABS) {
    const button = $(`tab-${name}`);
    const on = name === tab;
    button.setAttribute("aria-selected", on ? "true" : "false");
    button.tabIndex = on ? 0 : -1;
    $(`panel-${name}`).hidden = !on;
  }
}

function openPartner(entity) {
  const key = cityKey(entity);
  if (!key) return;
  go(key, state.tab === "map" || state.tab === "timeline" ? state.tab : "network");
  setTimeout(() => $("city-name").focus({ preventScroll: true }), 0);
}

async function renderTab(tab) {
  document.body.classList.toggle("no-city", !state.data);
  if (tab === "query") {
    await queries.load();
    return;
  }
  const data = state.data;
  const panel = $(`panel-${tab}`);
  panel.querySelectorAll(".needs-city").forEach((n) => n.remove());
  if (!data) {
    if (!state.key) panel.prepend(el("p.needs-city.empty", {}, t("choose_city")));
    for (const id of ["network-chart", "relations-table", "map-chart", "map-lists", "timeline", "budget-chart"]) {
      if (panel.contains($(id))) clear($(id));
    }
    return;
  }
  const renderKey = `${tab}:${lang()}:${data.city.iri}`;
  if (state.rendered.has(renderKey)) return;
  state.rendered.add(renderKey);
  try {
    if (tab === "network") {
      renderNetwork($("network-chart"), $("network-legend"), data, { onOpen: openPartner });
      renderRelationsTable($("relations-table"), data, { onOpen: openPartner });
    } else if (tab === "map") {
      await renderMap($("map-chart"), $("map-legend"), $("map-note"), $("map-lists"), data);
    } else if (tab === "timeline") {
      renderTimeline($("timeline"), $("timeline-legend"), data, { onOpen: openPartner });
    } else if (tab === "budget") {
      await renderBudgetTab(data);
    }
  } catch (err) {
    state.rendered.delete(renderKey);
    panel.prepend(el("p.needs-city.error", { role: "alert" }, `${t("error")}: ${err.message}`));
  }
}

async function renderBudgetTab(data) {
  const select = $("budget-year");
  const chart = $("budget-chart");
  clear(chart).append(el("p.loading", {}, t("loading")));
  const rows = await loadBudgets(data.city);
  if (state.data !== data) return;
  const years = budgetYears(rows);
  clear(select);
  for (const y of years) select.append(el("option", { value: y }, t("fy", { y })));
  select.disabled = !years.length;
  select.hidden = !years.length;
  select.previousElementSibling.hidden = !years.length;
  if (!years.includes(state.budgetYear)) state.budgetYear = years[0] ?? null;
  if (state.budgetYear !== null) select.value = String(state.budgetYear);
  renderBudget(chart, $("budget-total"), rows, state.budgetYear);
}

function message(text, isError = false) {
  const node = $("message");
  node.textContent = text;
  node.classList.toggle("error", isError);
}

function rerender() {
  state.rendered.clear();
  renderTab(state.tab);
}

// --- wiring ------------------------------------------------------------------------------
function setupTabs() {
  const list = document.querySelector("[role=tablist]");
  list.addEventListener("click", (e) => {
    const button = e.target.closest("[role=tab]");
    if (button) switchTab(button.dataset.tab);
  });
  list.addEventListener("keydown", (e) => {
    const i = TABS.indexOf(state.tab);
    let next = null;
    if (e.key === "ArrowRight") next = TABS[(i + 1) % TABS.length];
    else if (e.key === "ArrowLeft") next = TABS[(i - 1 + TABS.length) % TABS.length];
    else if (e.key === "Home") next = TABS[0];
    else if (e.key === "End") next = TABS[TABS.length - 1];
    if (next) {
      e.preventDefault();
      switchTab(next);
      $(`tab-${next}`).focus();
    }
  });
}

function switchTab(tab) {
  if (state.key) go(state.key, tab);
  else {
    const hash = `#/${tab}`;
    if (location.hash !== hash) location.hash = hash;
    else route();
  }
}

function setupLanguage() {
  const button = $("lang-toggle");
  const sync = () => {
    button.textContent = t("lang_toggle");
    button.lang = lang() === "ja" ? "en" : "ja";
    button.setAttribute("aria-label", t("lang_toggle_label"));
  };
  button.addEventListener("click", () => setLang(lang() === "ja" ? "en" : "ja"));
  onLangChange(() => {
    sync();
    if (state.data) {
      renderHead();
      search.set(label(state.data.city));
    }
    search.relabel();
    queries.relabel();
    rerender();
  });
  apply();
  sync();
}

$("budget-year").addEventListener("change", (e) => {
  state.budgetYear = Number(e.target.value);
  if (state.data) loadBudgets(state.data.city).then((rows) => renderBudget($("budget-chart"), $("budget-total"), rows, state.budgetYear));
});

let lastWidth = window.innerWidth;
window.addEventListener("resize", debounce(() => {
  if (Math.abs(window.innerWidth - lastWidth) < 40) return;
  lastWidth = window.innerWidth;
  if (state.tab === "network" || state.tab === "map") rerender();
}, 250));

setupLanguage();
setupTabs();
window.addEventListener("hashchange", route);
route();
document.body.dataset.ready = "true";
