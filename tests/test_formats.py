"""Reading PDF, HTML, spreadsheets and CSV (`loaders/formats/`): the documents are made here —
PDFs with reportlab's built-in Japanese CID fonts (no font file), HTML and CSV as text, XLSX
with openpyxl — in the shapes governments publish, and read by the real readers and pipeline."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import httpx
import openpyxl
import pyoxigraph as ox
import pytest
from conftest import running_server
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from citykg.loaders.formats import Origin
from citykg.loaders.pipeline import load_document, resolve_publisher
from citykg.loaders.read import LoadError, read_document
from citykg.terms import CKG

GOTHIC, VERTICAL = "HeiseiKakuGo-W5", "HeiseiMin-W3"
pdfmetrics.registerFont(UnicodeCIDFont(GOTHIC))
pdfmetrics.registerFont(UnicodeCIDFont(VERTICAL, isVertical=True))  # written top-down
A4 = (595, 842)


def make_pdf(path, pages, size=A4):
    """pages: per page a list of (x, y, text) or (x, y, text, font); None draws a box only."""
    c = canvas.Canvas(str(path), pagesize=size)
    for page in pages:
        for item in page or []:
            if item == "box":
                c.rect(100, 100, 300, 300, fill=1)
                continue
            x, y, text, *font = item
            c.setFont(font[0] if font else GOTHIC, 10)
            c.drawString(x, y, text)
        c.showPage()
    c.save()
    return path


def lines_with_pages(doc):
    return [(line, o.page, o.page_line) for line, o in zip(doc.lines, doc.origins, strict=True)
            if line]


def test_two_columns_are_read_one_after_the_other(tmp_path):
    left = [f"左の段の{n}行目の文章" for n in range(1, 7)]
    right = [f"右の段の{n}行目の文章" for n in range(1, 7)]
    page = [(60, 700 - 14 * i, t) for i, t in enumerate(left)] + \
           [(330, 700 - 14 * i, t) for i, t in enumerate(right)]
    doc = read_document(make_pdf(tmp_path / "columns.pdf", [page]))
    assert [line for line, *_ in lines_with_pages(doc)] == left + right


def test_a_table_of_text_cells_stays_rows_not_columns(tmp_path):
    rows = [("オマハ市", "アメリカ合衆国", "1965年5月24日", "姉妹都市"),
            ("ナンシー市", "フランス", "1973年4月1日", "姉妹都市"),
            ("上海市", "中国", "1973年11月30日", "友好都市"),
            ("ミュンヘン市", "ドイツ", "1972年8月28日", "姉妹都市")]
    page = [(x, 700 - 16 * i, cell) for i, row in enumerate(rows)
            for x, cell in zip((60, 200, 330, 460), row, strict=True)]
    doc = read_document(make_pdf(tmp_path / "cities.pdf", [page]))
    assert [line for line, *_ in lines_with_pages(doc)] == ["\t".join(row) for row in rows]


def test_table_rows_keep_their_cells_and_amounts(tmp_path):
    rows = [("国際友好交流費", "19,477"), ("海外都市交流事業費", "18,200"),
            ("国際交流事業費補助金", "600"), ("国際交流基金積立費", "2,347")]
    page = [(60, 760, "(単位:千円)")]
    for i, (name, amount) in enumerate(rows):
        page += [(60, 740 - 16 * i, name), (480 + (5 - len(amount)) * 5, 740 - 16 * i, amount)]
    doc = read_document(make_pdf(tmp_path / "table.pdf", [page]))
    assert [f"{n}\t{a}" for n, a in rows] == [line for line, *_ in lines_with_pages(doc)][1:]


def test_running_header_footer_and_page_numbers_are_dropped(tmp_path):
    """… the header after its first page: it may be the only line naming the publisher."""
    pages = [[(200, 815, "テスト市 国際交流年報 令和6年度"), (280, 25, f"- {n} -"),
              (60, 700, f"第{n}節の本文です。"), (60, 686, "交流事業を進めた。")]
             for n in range(1, 5)]
    doc = read_document(make_pdf(tmp_path / "running.pdf", pages))
    got = lines_with_pages(doc)
    assert [(t, p) for t, p, _ in got] == [("テスト市 国際交流年報 令和6年度", 1)] + [
        (t, n) for n in range(1, 5) for t in (f"第{n}節の本文です。", "交流事業を進めた。")]
    assert [line_no for *_, line_no in got][:5] == [1, 2, 3, 2, 3]  # the header was line 1


def test_a_word_broken_across_lines_is_joined(tmp_path):
    page = [(60, 700, "Sister city exchanges with inter-"), (60, 686, "national partners.")]
    doc = read_document(make_pdf(tmp_path / "hyphen.pdf", [page]))
    assert "Sister city exchanges with international partners." in doc.lines


def test_a_page_without_text_is_named(tmp_path):
    doc = read_document(make_pdf(tmp_path / "scan.pdf", [[(60, 700, "本文のあるページ")], ["box"],
                                                         [(60, 700, "三ページ目")]]))
    assert any("page 2: no text layer" in message for _, message in doc.notes)
    assert ("三ページ目", 3, 1) in lines_with_pages(doc)


def test_a_pdf_without_any_text_is_refused_naming_its_pages(tmp_path):
    path = make_pdf(tmp_path / "images.pdf", [["box"], ["box"], ["box"]])
    with pytest.raises(LoadError, match=r"images\.pdf: no text layer on any page \(pages 1–3 of 3"):
        read_document(path)


def test_vertical_text_is_read_right_to_left_top_down(tmp_path):
    page = [(500, 780, "縦書きの一行目です", VERTICAL), (480, 780, "縦書きの二行目です", VERTICAL),
            (460, 780, "縦書きの三行目です", VERTICAL)]
    doc = read_document(make_pdf(tmp_path / "tate.pdf", [page]))
    assert [line for line, *_ in lines_with_pages(doc)] == [
        "縦書きの一行目です", "縦書きの二行目です", "縦書きの三行目です"]
    assert any("vertical text on page 1" in message for _, message in doc.notes)


def test_a_garbled_text_layer_is_reported_with_its_page(tmp_path):
    pages = [[(60, 700, "姉妹都市との交流")], [(60, 700, "姉妹邴市との交流を進める邐遈")]]
    doc = read_document(make_pdf(tmp_path / "garbled.pdf", pages))
    notes = [message for _, message in doc.notes]
    assert len(notes) == 1 and notes[0].startswith("page 2: kanji outside JIS X 0208 (邴邐遈)")


REPORT_PAGES = [
    [(60, 780, "横浜市 国際交流の概要 令和5年度"), (60, 740, "1 はじめに"),
     (60, 720, "横浜市の国際交流の取組をまとめた。")],
    [(60, 780, "2 姉妹都市"),
     (60, 760, "横浜市は1965年にオデーサ市(ウクライナ)と姉妹都市提携を結んだ。")],
]


def spans_of(triples, cls):
    nodes = {t.subject for t in triples if t.predicate.value.endswith("#type")
             and t.object == ox.NamedNode(str(cls))}
    derived = {t.object for t in triples if t.subject in nodes
               and t.predicate.value.endswith("wasDerivedFrom")}
    return {t.subject: {} for t in triples if t.subject in derived}, derived


def props(triples, node):
    return {t.predicate.value.rsplit("#", 1)[-1]: t.object.value for t in triples
            if t.subject == node}


def test_facts_of_a_pdf_name_their_page(tmp_path):
    loaded = load_document(make_pdf(tmp_path / "report.pdf", REPORT_PAGES))
    _, spans = spans_of(loaded.triples, CKG.SisterCityAgreement)
    assert [(p["page"], p["lineOnPage"], p["text"]) for p in map(
        lambda s: props(loaded.triples, s), spans)] == [
        ("2", "2", "横浜市は1965年にオデーサ市(ウクライナ)と姉妹都市提携を結んだ。")]


def test_the_format_is_chosen_by_content(tmp_path):
    pdf_named_txt = make_pdf(tmp_path / "report.txt", REPORT_PAGES)
    assert read_document(pdf_named_txt).encoding == "pdf"
    fake = tmp_path / "fake.pdf"
    fake.write_text("横浜市の姉妹都市\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"fake\.pdf: named \.pdf but its bytes are not PDF"):
        read_document(fake)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(make_pdf(tmp_path / "whole.pdf", REPORT_PAGES).read_bytes()[:300])
    with pytest.raises(LoadError, match=r"broken\.pdf: not a readable PDF"):
        read_document(broken)
    fake_sheet = tmp_path / "fake.xlsx"
    fake_sheet.write_bytes(b"\x01\x02 not a workbook")
    with pytest.raises(LoadError, match=r"fake\.xlsx: named \.xlsx but its bytes are not a spreadsheet"):
        read_document(fake_sheet)


HTML = """<!DOCTYPE html>
<html lang="ja">
<head><meta charset="utf-8">
<title>姉妹都市・友好都市 | 横浜市</title>
<link rel="canonical" href="https://www.city.example.jp/kokusai/shimai.html">
</head>
<body>
<header><nav><a href="/">トップ</a> <a href="/kurashi">くらし</a></nav></header>
<main>
<h1>姉妹都市・友好都市</h1>
<p>横浜市は次の都市と提携しています。<br>詳しくは各都市のページへ。</p>
<h2>姉妹都市</h2>
<ul>
<li>オデーサ市(ウクライナ)-1965(昭和40)年7月締結</li>
</ul>
<table>
<tr><th>都市名</th><th>国名</th><th>提携日</th></tr>
<tr><td>オデーサ市</td><td>ウクライナ</td><td>1965年7月3日</td></tr>
</table>
</main>
<footer>© 横浜市 国際局</footer>
</body></html>
"""


def test_html_keeps_headings_lists_tables_and_source_lines(tmp_path):
    path = tmp_path / "shimai.html"
    path.write_text(HTML, encoding="utf-8")
    doc = read_document(path)
    got = [(line, o.source_line) for line, o in zip(doc.lines, doc.origins, strict=True) if line]
    assert got == [
        ("URL: https://www.city.example.jp/kokusai/shimai.html", 1),
        ("姉妹都市・友好都市 | 横浜市", 4),
        ("■ 姉妹都市・友好都市", 10), ("横浜市は次の都市と提携しています。", 11),
        ("詳しくは各都市のページへ。", 11), ("■ 姉妹都市", 12),
        ("- オデーサ市(ウクライナ)-1965(昭和40)年7月締結", 14),
        ("| 都市名 | 国名 | 提携日 |", 17), ("| オデーサ市 | ウクライナ | 1965年7月3日 |", 18)]


def test_facts_of_an_html_page_name_the_source_line(tmp_path):
    path = tmp_path / "shimai.htm"
    path.write_text(HTML, encoding="utf-8")
    loaded = load_document(path)
    _, spans = spans_of(loaded.triples, CKG.SisterCityAgreement)
    assert {props(loaded.triples, s).get("sourceLine") for s in spans} <= {"14", "18"}
    assert spans


BUDGET_CSV = ("年度,所属名称,予算事業名称,予算額(千円),前年度予算額\r\n"
              "2025,国際課,姉妹都市交流推進事業,\"11,800\",\"10,200\"\r\n"
              "2026,国際課,姉妹都市交流推進事業,\"12,500\",\"11,800\"\r\n"
              "2026,国際課,多文化共生推進事業,\"3,400\",\"3,100\"\r\n")


def test_a_cp932_budget_csv_gives_programs_with_amounts_per_year(tmp_path):
    path = tmp_path / "budget.csv"
    path.write_bytes(BUDGET_CSV.encode("cp932"))
    doc = read_document(path)
    assert doc.lines[:2] == ["予算事業名称\t2025年度予算額(千円)\t2026年度予算額(千円)",
                             "姉妹都市交流推進事業\t11,800\t12,500"]
    assert [(o.row) for o in doc.origins[:3]] == [1, 2, 4]
    loaded = load_document(path, resolve_publisher("世田谷区"))
    budgets = {(f.data["program"], f.data["fiscal_year"], f.data["amount"])
               for f in loaded.extraction.facts if f.kind == "budget"}
    assert budgets == {("姉妹都市交流推進事業", 2025, 11_800_000), ("姉妹都市交流推進事業", 2026, 12_500_000),
                       ("多文化共生推進事業", 2026, 3_400_000)}
    _, spans = spans_of(loaded.triples, CKG.Budget)
    assert {(props(loaded.triples, s)["row"], props(loaded.triples, s)["column"])
            for s in spans} == {("2", "3"), ("4", "3")}  # the program's name: column C


def test_an_xlsx_sheet_is_read_as_table_rows_with_sheet_and_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "姉妹都市"
    sheet.append(["都市名", "国名", "提携日", "種別"])
    sheet.append(["オデーサ市", "ウクライナ", "1965年7月3日", "姉妹都市"])
    sheet.append([None, None, None, None])
    sheet.append(["予算", 12500])
    path = tmp_path / "cities.xlsx"
    book.save(path)
    doc = read_document(path)
    got = [(line, o.sheet, o.row) for line, o in zip(doc.lines, doc.origins, strict=True) if line]
    assert got == [("都市名\t国名\t提携日\t種別", "姉妹都市", 1),
                   ("オデーサ市\tウクライナ\t1965年7月3日\t姉妹都市", "姉妹都市", 2),
                   ("予算\t12500", "姉妹都市", 4)]


def test_a_shift_jis_file_with_unmappable_bytes_is_read_naming_those_lines(tmp_path):
    lines = ["テスト市国際交流報告", "①姉妹都市との交流", "㈱テスト商事の髙橋氏が訪問した。",
             "ナンシー市と友好都市提携を結んだ。", "以上"]
    data = "\n".join(lines).encode("cp932")
    data = data.replace("訪問".encode("cp932"), b"\x85\x40\x85" + "訪問".encode("cp932"))
    data = data.replace("友好".encode("cp932"), b"\x80" + "友好".encode("cp932"))
    path = tmp_path / "sjis.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.lines[1] == "①姉妹都市との交流" and doc.lines[2].startswith("㈱テスト商事の髙橋氏が")
    assert "\ufffd" in doc.lines[2] and doc.lines[3] == "ナンシー市と\ufffd友好都市提携を結んだ。"
    assert [message for _, message in doc.notes] == [
        "undecodable bytes replaced by U+FFFD on lines 3, 4"]


@pytest.mark.slow
def test_the_page_is_shown_by_the_cli_and_sources(tmp_path):
    pdf = make_pdf(tmp_path / "report.pdf", REPORT_PAGES)
    store = tmp_path / "store"
    run = [sys.executable, "-m", "citykg.cli"]
    subprocess.run([*run, "build", pdf, "--store", store, "--no-validate"], check=True,
                   capture_output=True, timeout=600)
    table = subprocess.run([*run, "relations", "横浜市", "--store", store], check=True,
                           capture_output=True, text=True, env=dict(os.environ, COLUMNS="300"))
    assert re.search(r"オデーサ市 / Odesa .*report\.pdf p\.2", table.stdout)
    data = json.loads(subprocess.run([*run, "relations", "横浜市", "--store", store, "--format",
                                      "json"], check=True, capture_output=True).stdout)
    sources = [s for r in data["relations"] for s in r["sources"] if s["document"] == "report.pdf"]
    assert {"document": "report.pdf", "lines": "6", "page": 2} in sources
    command = [sys.executable, "-m", "uvicorn", "--factory", "citykg.api.app:create_app",
               "--host", "127.0.0.1", "--log-level", "warning"]
    with running_server(command, {"CITYKG_STORE": str(store)}) as url:
        body = httpx.get(url + "/sources", params={"document": "report.pdf", "lines": "6"}).json()
    assert (body["spans"][0]["page"], body["spans"][0]["line_on_page"]) == (2, 2)


def test_a_shift_jis_html_page_without_main_reads_its_body_not_its_navigation(tmp_path):
    page = ('<html lang="ja"><head><meta http-equiv="Content-Type" content="text/html; '
            'charset=Shift_JIS"><meta property="og:url" content="https://www.city.example.jp/a.html">'
            '<title>友好都市</title></head><body><nav><ul><li>サイトマップ</li></ul></nav>'
            '<div id="wrap"><h2>友好都市</h2><div>上海市(中国)と1973年に友好都市提携</div></div>'
            '<footer>お問い合わせ</footer></body></html>')
    path = tmp_path / "yuko.html"
    path.write_bytes(page.encode("cp932"))
    assert [line for line in read_document(path).lines if line] == [
        "URL: https://www.city.example.jp/a.html", "友好都市", "■ 友好都市",
        "上海市(中国)と1973年に友好都市提携"]


def test_a_budget_books_numbered_policy_lines_with_their_bureau(tmp_path):
    """A ward's budget book: under a 千円 header, a program's numbered policy lines, each with
    the bureau that runs it in full-width brackets and its amount far right (a leader's gap): the
    name without the bureau, the amount in 千円, the page; a line of specific funds is none."""
    page = [(60, 800, "令和7年度 テスト区予算（一般会計）"), (60, 790, "説明"),
            (400, 780, "千円"), (470, 780, "千円"),
            (60, 760, "3 国際交流費"), (470, 760, "31,250"),
            (70, 745, "1 友好都市との交流の推進（文化交流部）"), (470, 745, "9,420"),
            (70, 730, "特財：その他"), (470, 730, "500"),
            (70, 715, "2 多文化共生のまちづくり（文化交流部）"), (470, 715, "21,830"),
            (70, 700, "3 防災施設管理（北）（北総合支所）"), (470, 700, "4,100")]
    path = make_pdf(tmp_path / "yosan.pdf", [[(60, 800, "令和7年度 テスト区予算")], page])
    loaded = load_document(path, resolve_publisher("世田谷区"))
    doc = read_document(path)
    got = {(f.data["program"], f.data["fiscal_year"], f.data["amount"],
            doc.origins[f.span.first_line - 1].page)
           for f in loaded.extraction.facts if f.kind == "budget"}
    assert got == {("国際交流費", 2025, 31_250_000, 2), ("友好都市との交流の推進", 2025, 9_420_000, 2),
                   ("多文化共生のまちづくり", 2025, 21_830_000, 2),
                   ("防災施設管理(北)", 2025, 4_100_000, 2)}


def cities_sheet(path):
    """A sheet whose table starts in column B under a title in A1."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "姉妹都市"
    sheet.append(["横浜市の姉妹都市"])
    sheet.append([None, "都市名", "国名", "提携日", "種別"])
    sheet.append([None, "オデーサ市", "ウクライナ", "1965年7月3日", "姉妹都市"])
    book.save(path)
    return path


def test_facts_of_a_sheet_name_the_sheet_row_and_column(tmp_path):
    loaded = load_document(cities_sheet(tmp_path / "cities.xlsx"), resolve_publisher("横浜市"))
    _, spans = spans_of(loaded.triples, CKG.SisterCityAgreement)
    assert [(p["sheet"], p["row"], p["column"]) for p in map(
        lambda s: props(loaded.triples, s), spans)] == [("姉妹都市", "3", "2")]
    doc = read_document(tmp_path / "cities.xlsx")
    assert doc.origins[2].label() == "sheet 姉妹都市 row 3 col B"
    assert Origin(row=40, column=28).label() == "row 40 col AB"


@pytest.mark.slow
def test_the_sheet_row_and_column_are_shown_by_the_cli_and_sources(tmp_path):
    book = cities_sheet(tmp_path / "cities.xlsx")
    store = tmp_path / "store"
    run = [sys.executable, "-m", "citykg.cli"]
    subprocess.run([*run, "build", book, "--store", store, "--no-validate", "--publisher", "横浜市"],
                   check=True, capture_output=True, timeout=600)
    table = subprocess.run([*run, "relations", "横浜市", "--store", store], check=True,
                           capture_output=True, text=True, env=dict(os.environ, COLUMNS="300"))
    assert re.search(r"オデーサ市 / Odesa .*cities\.xlsx sheet 姉妹都市 row 3 col B", table.stdout)
    command = [sys.executable, "-m", "uvicorn", "--factory", "citykg.api.app:create_app",
               "--host", "127.0.0.1", "--log-level", "warning"]
    with running_server(command, {"CITYKG_STORE": str(store)}) as url:
        body = httpx.get(url + "/sources", params={"document": "cities.xlsx", "lines": "3"}).json()
    assert {k: body["spans"][0][k] for k in ("sheet", "row", "column")} == {
        "sheet": "姉妹都市", "row": 3, "column": 2}


def html_page(path, body, lang=None, title="国際交流", canonical=None):
    attr = f' lang="{lang}"' if lang else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    path.write_text(f"<!DOCTYPE html><html{attr}><head><meta charset='utf-8'><title>{title}</title>"
                    f"{link}</head><body><main>{body}</main></body></html>", encoding="utf-8")
    return path


def language_of_page(loaded):
    doc = next(t.subject for t in loaded.triples if t.object == ox.NamedNode(str(CKG.SourceDocument)))
    language = {t.object.value for t in loaded.triples if t.subject == doc
                and t.predicate.value == "http://purl.org/dc/terms/language"}
    titles = {t.object.language for t in loaded.triples if t.subject == doc
              and t.predicate.value == "http://purl.org/dc/terms/title"}
    return language, titles


ENGLISH_NOTE = ("<p>This page introduces the exchange programmes of the city with its partner "
                "cities abroad, the visits of delegations and the homestay programme for "
                "students; it is updated every spring when the new programme starts.</p>")


@pytest.mark.parametrize("lang, body, expected", [
    ("en", "<h1>Sister Cities</h1><p>Yokohama and Odesa became sister cities in 1965.</p>", "en"),
    (None, "<h1>Sister Cities</h1><p>Yokohama and Odesa became sister cities in 1965.</p>", "en"),
    (None, "<h1>姉妹都市</h1><p>横浜市は1965年にオデーサ市と姉妹都市提携を結んだ。</p>", "ja"),
    # the page's own declaration is the first signal: a Japanese page with a long English note
    ("ja", "<p>横浜市の姉妹都市の紹介。</p>" + ENGLISH_NOTE, "ja"),
    (None, "<p>横浜市の姉妹都市の紹介。</p>" + ENGLISH_NOTE, "en"),
    ("en-US", "<p>横浜市の姉妹都市の紹介。</p>", "en-us"),
])
def test_the_html_lang_attribute_decides_the_documents_language(tmp_path, lang, body, expected):
    path = html_page(tmp_path / "page.html", body, lang, title="Yokohama 横浜市")
    assert read_document(path).language == (lang and lang.lower())
    loaded = load_document(path, resolve_publisher("横浜市"))
    assert language_of_page(loaded) == ({expected}, {expected})


def test_the_canonical_url_and_the_title_feed_the_publisher(tmp_path):
    body = "<p>横浜市との交流を進めた。</p><p>横浜市の訪問団を迎えた。</p>"
    # the canonical URL names the city: it wins over the city the text names most
    page = html_page(tmp_path / "a.html", body, "ja", canonical="https://www.city.kawasaki.jp/k/a.html")
    assert load_document(page).publisher.label_ja == "川崎市"
    # no URL: the title counts more than a line of the body
    page = html_page(tmp_path / "b.html", "<p>横浜市の訪問団を迎えた。</p>", "ja",
                     title="国際交流 | 川崎市")
    assert load_document(page).publisher.label_ja == "川崎市"
    # neither: the text alone
    page = html_page(tmp_path / "c.html", body, "ja", title="国際交流")
    assert load_document(page).publisher.label_ja == "横浜市"


SECTION_PAGES = [[(60, 800, "７款 商工費"), (400, 780, "千円"), (470, 780, "千円"),
                  (60, 760, "006 国際交流費"), (470, 760, "18,500"),
                  (70, 745, "001 海外都市交流事業費"), (470, 745, "18,500"),
                  (70, 730, "訪問団受入れ"), (60, 40, "- 12 -")]]


def test_a_budget_section_that_names_no_city_and_no_year_asks_for_them(tmp_path):
    """A budget book's section without its cover: no city, no year in its text. Without
    --publisher: the error asking for it; with it: a note asking for --fiscal-year, no budget;
    with both: the budget lines, on their page."""
    path = make_pdf(tmp_path / "section.pdf", SECTION_PAGES)
    with pytest.raises(LoadError, match=r"section\.pdf: cannot tell .*--publisher"):
        load_document(path)
    loaded = load_document(path, resolve_publisher("富士市"))
    assert not [f for f in loaded.extraction.facts if f.kind == "budget"]
    assert [p.message for p in loaded.extraction.problems if "fiscal year" in p.message] == [
        "the text names no fiscal year: 2 budget lines not recorded (the first: '006 国際交流費\\t18,500'); "
        "name the year with --fiscal-year"]
    nt = subprocess.run([sys.executable, "-m", "citykg.cli", "extract", path, "--format", "nt",
                         "--publisher", "富士市", "--fiscal-year", "2025"], check=True,
                        capture_output=True, text=True, timeout=300).stdout
    assert "18500000" in nt and "2025" in nt
    loaded = load_document(path, resolve_publisher("富士市"), fiscal_year=2025)
    assert {(f.data["program"], f.data["fiscal_year"], f.data["amount"]) for f in
            loaded.extraction.facts if f.kind == "budget"} == {
        ("国際交流費", 2025, 18_500_000), ("海外都市交流事業費", 2025, 18_500_000)}


def test_a_long_pdf_shows_a_progress_bar_on_a_terminal_only(tmp_path):
    import pty
    import select

    pdf = make_pdf(tmp_path / "long.pdf", [[(60, 700, f"横浜市 第{i}ページの本文。")] for i in range(30)])
    seen = []
    load_document(pdf, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 30) for n in range(1, 31)]
    command = [sys.executable, "-m", "citykg.cli", "extract", str(pdf), "--format", "nt"]
    piped = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
    assert "reading long.pdf" not in piped.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=slave,
                            env=dict(os.environ, COLUMNS="120"))
    os.close(slave)
    shown = b""
    while select.select([master], [], [], 60)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait(timeout=60) == 0
    os.close(master)
    assert "reading long.pdf" in shown.decode(errors="replace") and "━" in shown.decode(errors="replace")
