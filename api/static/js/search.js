// As-you-type city search (`GET /cities?q=`): a WAI-ARIA combobox with a listbox, debounced,
// arrow keys to move, Enter to open, Escape to close.
import { label, otherLabel, t } from "./i18n.js";
import { clear, debounce, el, getJSON } from "./util.js";

export function setupSearch({ onPick }) {
  const input = document.getElementById("search-input");
  const list = document.getElementById("search-list");
  const status = document.getElementById("search-status");
  let results = [];
  let active = -1;
  let seq = 0;
  let controller = null;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function render() {
    clear(list);
    if (!results.length) {
      list.append(el("li.empty", { role: "option", "aria-disabled": "true" }, t("search_none")));
    }
    results.forEach((city, i) => {
      const kind = city.kind === "ward" ? t("kind_Ward") : "";
      const meta = [otherLabel(city), city.country ? label(city.country) : "", kind]
        .filter(Boolean).join(" · ");
      const option = el("li", {
        role: "option", id: `search-option-${i}`, "aria-selected": i === active ? "true" : "false",
        "data-id": city.id, onmousedown: (e) => { e.preventDefault(); pick(i); },
        onmousemove: () => { if (active !== i) { active = i; highlight(); } },
      }, el("span.name", {}, label(city)), meta ? el("span.meta", {}, meta) : null,
      city.relations ? el("span.count", { title: t("relations_count", { n: city.relations }) }, String(city.relations)) : null);
      list.append(option);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = results.length ? t("search_count", { n: results.length }) : t("search_none");
    highlight();
  }

  function highlight() {
    list.querySelectorAll("[role=option]").forEach((li, i) => {
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      if (i === active) li.scrollIntoView({ block: "nearest" });
    });
    if (active >= 0) input.setAttribute("aria-activedescendant", `search-option-${active}`);
    else input.removeAttribute("aria-activedescendant");
  }

  function pick(i) {
    const city = results[i];
    if (!city) return;
    close();
    input.value = label(city);
    onPick(city);
  }

  const run = debounce(async (q) => {
    const mine = ++seq;
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const data = await getJSON(`/cities?q=${encodeURIComponent(q)}&limit=12`, { signal: controller.signal });
      if (mine !== seq || input.value.trim() !== q) return;
      results = data.results || [];
      active = results.length ? 0 : -1;
      render();
    } catch (err) {
      if (err.name === "AbortError" || mine !== seq) return;
      results = [];
      render();
    }
  }, 180);

  input.addEventListener("input", () => {
    const q = input.value.trim();
    if (!q) {
      seq++;
      results = [];
      close();
      return;
    }
    run(q);
  });

  input.addEventListener("keydown", (e) => {
    const open = !list.hidden && results.length;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open && input.value.trim()) { run(input.value.trim()); return; }
      active = (active + 1) % results.length;
      highlight();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (!open) return;
      active = (active - 1 + results.length) % results.length;
      highlight();
    } else if (e.key === "Enter") {
      if (open) {
        e.preventDefault();
        pick(active >= 0 ? active : 0);
      }
    } else if (e.key === "Escape") {
      if (!list.hidden) { e.preventDefault(); close(); } else { input.value = ""; }
    } else if (e.key === "Home" && open && e.altKey) {
      active = 0;
      highlight();
    }
  });

  input.addEventListener("blur", () => setTimeout(close, 120));
  input.addEventListener("focus", () => { if (results.length && input.value.trim()) render(); });

  return {
    relabel() { if (!list.hidden) render(); },
    set(text) { input.value = text; },
  };
}
