// The query tab: every canned query (`GET /queries`) as a form built from its parameters, and a
// SPARQL editor (`POST /sparql`); results as a table, pages, and a CSV download.
import { t } from "./i18n.js";
import { sourceLink } from "./sources.js";
import { clear, csvOf, el, errorText, getJSON } from "./util.js";

const DEFAULT_SPARQL = `PREFIX ckg: <https://w3id.org/citykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# 横浜市's partners: the kind of agreement and the year it started
SELECT ?partner ?type ?start WHERE {
  ?city rdfs:label "横浜市"@ja .
  ?agreement ckg:party ?city , ?p ; a ?class .
  FILTER(?p != ?city && STRSTARTS(STR(?class), STR(ckg:)) && ?class != ckg:Agreement)
  ?p rdfs:label ?partner FILTER(LANG(?partner) = "ja")
  BIND(STRAFTER(STR(?class), "#") AS ?type)
  OPTIONAL { ?agreement ckg:startDate ?start }
}
ORDER BY ?start ?partner
LIMIT 100`;

export function setupQueries({ currentCity }) {
  const select = document.getElementById("canned-select");
  const description = document.getElementById("canned-description");
  const form = document.getElementById("canned-form");
  const sparqlForm = document.getElementById("sparql-form");
  const sparqlText = document.getElementById("sparql-text");
  const count = document.getElementById("results-count");
  const csv = document.getElementById("results-csv");
  const more = document.getElementById("results-more");
  const error = document.getElementById("results-error");
  const table = document.getElementById("results-table");
  let queries = [];
  let loaded = null;
  let shown = null; // {columns, rows, next: () => Promise | null}
  sparqlText.value = DEFAULT_SPARQL;

  async function load() {
    if (!loaded) {
      loaded = getJSON("/queries").then((data) => {
        queries = data.queries || [];
        clear(select);
        for (const q of queries) select.append(el("option", { value: q.name }, `${q.summary} (${q.name})`));
        const preferred = queries.find((q) => q.name === "city-partners") || queries[0];
        if (preferred) select.value = preferred.name;
        buildForm();
      }).catch((err) => {
        loaded = null;
        showError(err.message);
      });
    }
    return loaded;
  }

  function buildForm() {
    const q = queries.find((x) => x.name === select.value);
    clear(form);
    if (!q) return;
    description.textContent = q.description;
    const city = currentCity();
    for (const p of q.parameters) {
      const id = `param-${p.name}`;
      let input;
      if (p.enum && p.enum.length) {
        input = el("select", { id, name: p.name },
          p.required ? null : el("option", { value: "" }, "—"),
          ...p.enum.map((v) => el("option", { value: v }, v)));
        input.value = p.default ?? "";
      } else if (p.type === "boolean") {
        input = el("select", { id, name: p.name }, el("option", { value: "" }, "—"),
          el("option", { value: "true" }, "true"), el("option", { value: "false" }, "false"));
        input.value = p.default ?? "";
      } else {
        const type = p.type === "integer" || p.type === "decimal" ? "number" : p.type === "date" ? "date" : "text";
        let value = p.default ?? "";
        if (p.type === "iri" && /city/.test(p.name) && city) value = city.iri;
        input = el("input", { id, name: p.name, type, value, step: p.type === "decimal" ? "any" : null,
          required: p.required || null, spellcheck: "false", autocomplete: "off" });
      }
      form.append(el("div.field", {},
        el("label", { for: id }, p.name, el("span.param-type", {}, ` ${p.type}${p.required ? ` · ${t("required")}` : ` · ${t("optional")}`}`)),
        input));
    }
    form.append(el("div.buttons", {}, el("button.primary", { type: "submit" }, t("run"))));
  }

  function params() {
    const search = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim() !== "") search.append(k, String(v).trim());
    return search;
  }

  async function runCanned(page = 1, append = false) {
    const name = select.value;
    const search = params();
    search.set("page", String(page));
    search.set("format", "json");
    const url = `/queries/${encodeURIComponent(name)}?${search}`;
    busy();
    try {
      const data = await getJSON(url);
      const rows = append && shown ? [...shown.rows, ...data.rows] : data.rows;
      const csvParams = params();
      csvParams.set("format", "csv");
      csvParams.set("page_size", "1000");
      show(data.columns, rows, data.has_more ? () => runCanned(page + 1, true) : null,
        { href: `/queries/${encodeURIComponent(name)}?${csvParams}`, file: `${name}.csv` });
    } catch (err) {
      showError(err.message);
    }
  }

  async function runSparql() {
    busy();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
        body: new URLSearchParams({ query: sparqlText.value }),
      });
      if (!response.ok) throw new Error(await errorText(response));
      const body = await response.json();
      let columns;
      let rows;
      if ("boolean" in body) {
        columns = ["boolean"];
        rows = [{ boolean: String(body.boolean) }];
      } else {
        columns = body.head.vars;
        rows = body.results.bindings.map((b) => Object.fromEntries(columns.map((c) => [c, b[c] ? b[c].value : null])));
      }
      const blob = new Blob([csvOf(columns, rows)], { type: "text/csv" });
      show(columns, rows, null, { href: URL.createObjectURL(blob), file: "sparql-results.csv" });
    } catch (err) {
      showError(err.message);
    }
  }

  function busy() {
    error.hidden = true;
    count.textContent = t("loading");
    more.hidden = true;
  }

  function showError(message) {
    count.textContent = "";
    error.hidden = false;
    error.textContent = `${t("error")}: ${message}`;
    clear(table);
    csv.hidden = true;
  }

  function show(columns, rows, next, download) {
    if (shown && shown.download && shown.download.href.startsWith("blob:") && shown.download !== download) {
      URL.revokeObjectURL(shown.download.href);
    }
    shown = { columns, rows, next, download };
    error.hidden = true;
    count.textContent = next ? t("rows_more", { n: rows.length }) : t("rows", { n: rows.length });
    csv.hidden = false;
    csv.href = download.href;
    csv.setAttribute("download", download.file);
    more.hidden = !next;
    renderTable(columns, rows);
  }

  function renderTable(columns, rows) {
    clear(table);
    if (!rows.length) {
      table.append(el("caption", {}, t("no_rows")));
      return;
    }
    const withSource = columns.includes("document") && (columns.includes("lines") || columns.includes("first_line"));
    table.append(el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", { scope: "col" }, c)),
      withSource ? el("th", { scope: "col" }, t("sources")) : null)));
    const body = el("tbody");
    for (const row of rows) {
      const cells = columns.map((c) => {
        const v = row[c];
        const s = v === null || v === undefined ? "" : String(v);
        const iri = /^https?:\/\//.test(s);
        return el(`td${iri ? ".iri" : typeof v === "number" ? ".num" : ""}`, { title: iri ? s : null },
          iri ? s.replace(/^https:\/\/w3id\.org\/citykg\/id\//, "id:").replace(/^https:\/\/w3id\.org\/citykg\/ontology#/, "ckg:") : s);
      });
      let source = null;
      if (withSource && row.document) {
        const lines = row.lines || (row.first_line === row.last_line || !row.last_line ? `${row.first_line}` : `${row.first_line}-${row.last_line}`);
        source = el("td", {}, sourceLink({ document: row.document, lines }));
      } else if (withSource) {
        source = el("td");
      }
      body.append(el("tr", {}, ...cells, source));
    }
    table.append(body);
  }

  select.addEventListener("change", buildForm);
  form.addEventListener("submit", (e) => { e.preventDefault(); runCanned(); });
  sparqlForm.addEventListener("submit", (e) => { e.preventDefault(); runSparql(); });
  sparqlText.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runSparql(); }
  });
  more.addEventListener("click", () => shown && shown.next && shown.next());

  return {
    load,
    relabel() {
      if (!queries.length) return;
      const values = Object.fromEntries(new FormData(form));
      buildForm();
      for (const [k, v] of Object.entries(values)) if (form.elements[k]) form.elements[k].value = v;
      if (shown) {
        count.textContent = shown.next ? t("rows_more", { n: shown.rows.length }) : t("rows", { n: shown.rows.length });
        renderTable(shown.columns, shown.rows);
      }
    },
    cityChanged() {
      if (queries.length) buildForm();
    },
  };
}
