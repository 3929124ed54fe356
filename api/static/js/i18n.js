// Interface strings in Japanese and English; the choice is kept in localStorage.
const STRINGS = {
  ja: {
    skip: "本文へ移動",
    home_title: "はじめに戻る",
    brand_sub: "都市の国際関係",
    search_label: "都市を検索",
    search_placeholder: "都市名で検索（横浜、Odesa…）",
    search_results: "検索結果",
    search_none: "該当する都市がありません",
    search_count: "{n} 件の候補。上下キーで選び Enter で開きます",
    lang_toggle: "English",
    lang_toggle_label: "Switch the interface to English",
    intro_title: "都市の国際関係を探索",
    intro_text: "姉妹都市・友好都市、海外事務所、都市ネットワーク、国際関係予算を、出典（文書と行）付きで表示します。上の検索欄に都市名を入力してください。",
    intro_examples: "例：",
    example_yokohama: "横浜市",
    example_sapporo: "札幌市",
    views: "表示",
    tab_network: "ネットワーク",
    tab_map: "地図",
    tab_timeline: "年表",
    tab_budget: "予算",
    tab_query: "クエリ",
    relations_heading: "関係の一覧",
    type: "種類",
    partner: "相手",
    country: "国",
    start: "開始",
    status: "状態",
    origin: "由来",
    sources: "出典",
    origin_document: "報告書",
    origin_wikidata: "Wikidata",
    legend_document: "報告書による関係",
    legend_wikidata: "Wikidata による関係",
    legend_derived: "* 周年などから推定した年",
    legend_center: "選択中の都市",
    derived: "推定",
    unknown_date: "年不明",
    no_relations: "この都市の関係はまだグラフにありません。",
    choose_city: "上の検索欄から都市を選んでください。",
    loading: "読み込み中…",
    error: "エラー",
    not_found: "見つかりません",
    move_to: "{name} へ移動",
    not_a_city: "{name}（都市ではないため移動できません）",
    relations_count: "関係 {n} 件",
    wikidata_link: "Wikidata",
    prefecture: "都道府県",
    code: "団体コード",
    map_exact: "座標で配置",
    map_approx: "国の中心付近に配置（座標なし）",
    map_unplaced: "地図に置けなかったもの",
    map_placed: "地図上の相手",
    map_note: "座標のない都市は国の中心付近に置いています（白抜きの点）。ホイールまたはピンチで拡大できます。",
    map_no_country: "国が不明",
    map_not_in_outline: "国境データにない国",
    placement: "配置",
    placement_exact: "座標",
    placement_approx: "国の中心",
    kind_City: "都市", kind_Ward: "区", kind_Country: "国", kind_WorldRegion: "地域",
    kind_Region: "地域", kind_CityNetwork: "都市ネットワーク", kind_Organization: "組織",
    kind_InternationalOrganization: "国際機関", kind_Association: "団体",
    kind_OverseasOffice: "事務所", kind_Prefecture: "都道府県", kind_Place: "場所",
    fiscal_year: "年度",
    fy: "{y}年度",
    budget_total: "合計 {amount}（予算 {n} 件）",
    budget_none: "この都市の予算データはグラフにありません。",
    budget_previous: "前年度 {amount}",
    budget_no_previous: "前年度なし",
    budget_new: "新規",
    budget_no_pillar: "施策の柱なし",
    budget_pillar_total: "{n} 件・{amount}",
    budget_legend_amount: "当年度予算",
    budget_legend_previous: "前年度（細線）",
    budget_legend_up: "増額",
    budget_legend_down: "減額",
    program: "事業",
    amount: "予算額",
    change: "前年度比",
    canned_heading: "定型クエリ",
    canned_choose: "クエリを選ぶ",
    sparql_label: "SPARQL クエリ（読み取り専用）",
    sparql_hint: "Ctrl+Enter でも実行できます",
    run: "実行",
    results: "結果",
    rows: "{n} 行",
    rows_more: "{n} 行（続きあり）",
    download_csv: "CSV をダウンロード",
    next_page: "次のページ",
    required: "必須",
    optional: "省略可",
    no_rows: "結果はありません。",
    source_heading: "出典",
    source_lines: "{doc} の {lines} 行目",
    source_open: "出典 {doc}:{lines} を開く",
    source_wikidata: "Wikidata の記載",
    source_none: "この行の本文はグラフにありません。",
    close: "閉じる",
    footer: "各事実は出典文書の行に結び付いています。",
    map_credit: "地図：Natural Earth（パブリックドメイン）",
    type_sister: "姉妹都市",
    type_friendship: "友好都市",
    type_partner: "パートナー都市",
    type_twinning: "姉妹・友好都市（種別の記載なし）",
    type_cooperation: "協力協定",
    type_office: "海外事務所",
    type_network: "都市ネットワーク",
    type_aid: "支援",
    status_active: "継続中",
    status_ended: "終了",
    status_suspended: "停止中",
  },
  en: {
    skip: "Skip to content",
    home_title: "Back to the start",
    brand_sub: "city relations",
    search_label: "Search a city",
    search_placeholder: "Search a city (Yokohama, オデーサ…)",
    search_results: "Search results",
    search_none: "No city found",
    search_count: "{n} suggestions. Use up and down to choose, Enter to open",
    lang_toggle: "日本語",
    lang_toggle_label: "表示を日本語に切り替える",
    intro_title: "Explore the international relations of cities",
    intro_text: "Sister and friendship cities, overseas offices, city networks and international budgets, every fact with its source (document and line). Type a city's name in the search box above.",
    intro_examples: "Try:",
    example_yokohama: "Yokohama",
    example_sapporo: "Sapporo",
    views: "Views",
    tab_network: "Network",
    tab_map: "Map",
    tab_timeline: "Timeline",
    tab_budget: "Budget",
    tab_query: "Query",
    relations_heading: "Relations",
    type: "Type",
    partner: "Partner",
    country: "Country",
    start: "Since",
    status: "Status",
    origin: "From",
    sources: "Sources",
    origin_document: "Report",
    origin_wikidata: "Wikidata",
    legend_document: "from the reports",
    legend_wikidata: "from Wikidata",
    legend_derived: "* year derived (e.g. from an anniversary)",
    legend_center: "this city",
    derived: "derived",
    unknown_date: "Date unknown",
    no_relations: "The graph holds no relations of this city yet.",
    choose_city: "Choose a city in the search box above.",
    loading: "Loading…",
    error: "Error",
    not_found: "Not found",
    move_to: "Go to {name}",
    not_a_city: "{name} (not a city: nothing to open)",
    relations_count: "{n} relations",
    wikidata_link: "Wikidata",
    prefecture: "Prefecture",
    code: "LG code",
    map_exact: "placed by its coordinates",
    map_approx: "placed near its country's centre (no coordinates)",
    map_unplaced: "Not on the map",
    map_placed: "Partners on the map",
    map_note: "Cities without coordinates are placed near the centre of their country (hollow dots). Zoom with the wheel or a pinch.",
    map_no_country: "country unknown",
    map_not_in_outline: "country not in the outline file",
    placement: "Placed",
    placement_exact: "coordinates",
    placement_approx: "country centre",
    kind_City: "city", kind_Ward: "ward", kind_Country: "country", kind_WorldRegion: "region",
    kind_Region: "region", kind_CityNetwork: "city network", kind_Organization: "organization",
    kind_InternationalOrganization: "international organization", kind_Association: "association",
    kind_OverseasOffice: "office", kind_Prefecture: "prefecture", kind_Place: "place",
    fiscal_year: "Fiscal year",
    fy: "FY{y}",
    budget_total: "Total {amount} ({n} budgets)",
    budget_none: "The graph holds no budgets of this city.",
    budget_previous: "previous year {amount}",
    budget_no_previous: "no previous year",
    budget_new: "new",
    budget_no_pillar: "No policy pillar",
    budget_pillar_total: "{n} · {amount}",
    budget_legend_amount: "this year's budget",
    budget_legend_previous: "previous year (thin line)",
    budget_legend_up: "increase",
    budget_legend_down: "decrease",
    program: "Program",
    amount: "Budget",
    change: "Change",
    canned_heading: "Canned queries",
    canned_choose: "Choose a query",
    sparql_label: "SPARQL query (read-only)",
    sparql_hint: "Ctrl+Enter runs it too",
    run: "Run",
    results: "Results",
    rows: "{n} rows",
    rows_more: "{n} rows (more to come)",
    download_csv: "Download CSV",
    next_page: "Next page",
    required: "required",
    optional: "optional",
    no_rows: "No results.",
    source_heading: "Source",
    source_lines: "{doc}, line {lines}",
    source_open: "Open source {doc}:{lines}",
    source_wikidata: "Stated on Wikidata",
    source_none: "The graph holds no text for these lines.",
    close: "Close",
    footer: "Every fact is tied to the lines of the document it was read from.",
    map_credit: "Map: Natural Earth (public domain)",
    type_sister: "Sister city",
    type_friendship: "Friendship city",
    type_partner: "Partner city",
    type_twinning: "Twinned city (kind not stated)",
    type_cooperation: "Cooperation",
    type_office: "Overseas office",
    type_network: "City network",
    type_aid: "Aid",
    status_active: "active",
    status_ended: "ended",
    status_suspended: "suspended",
  },
};

const KEY = "citykg.lang";
let current = pick();
const listeners = new Set();

function pick() {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === "ja" || saved === "en") return saved;
  } catch { /* storage may be disabled */ }
  return (navigator.language || "ja").toLowerCase().startsWith("ja") ? "ja" : "en";
}

export function lang() {
  return current;
}

export function t(key, vars = {}) {
  const s = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

export function setLang(value) {
  if (value !== "ja" && value !== "en") return;
  current = value;
  try { localStorage.setItem(KEY, value); } catch { /* ignore */ }
  apply();
  for (const fn of listeners) fn(value);
}

export function onLangChange(fn) {
  listeners.add(fn);
}

/** Fill every element marked with data-i18n* from the strings of the current language. */
export function apply(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
}

/** An entity's name in the interface language, falling back to the other one. */
export function label(entity) {
  if (!entity) return "";
  const [a, b] = current === "ja" ? ["label_ja", "label_en"] : ["label_en", "label_ja"];
  return entity[a] || entity[b] || entity.id || entity.iri || "";
}

/** The name in the other language, when it differs (shown as a secondary line). */
export function otherLabel(entity) {
  if (!entity) return "";
  const other = current === "ja" ? entity.label_en : entity.label_ja;
  return other && other !== label(entity) ? other : "";
}

export function formatYen(amount) {
  if (amount === null || amount === undefined || amount === "") return "";
  const n = Number(amount);
  if (current === "ja") {
    if (Math.abs(n) >= 1e8) return `${(n / 1e8).toLocaleString("ja-JP", { maximumFractionDigits: 2 })}億円`;
    if (Math.abs(n) >= 1e4) return `${Math.round(n / 1e4).toLocaleString("ja-JP")}万円`;
    return `${n.toLocaleString("ja-JP")}円`;
  }
  if (Math.abs(n) >= 1e9) return `¥${(n / 1e9).toLocaleString("en-US", { maximumFractionDigits: 2 })}bn`;
  if (Math.abs(n) >= 1e6) return `¥${(n / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })}M`;
  return `¥${n.toLocaleString("en-US")}`;
}
