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

from citykg.core.terms import CKG
from citykg.loaders.pipeline import load_document, resolve_publisher
from citykg.loaders.read import LoadError, read_document

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
    assert {props(loaded.triples, s)["row"] for s in spans} == {"2", "4"}


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
    run = [sys.executable, "-m", "citykg.commands.cli"]
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
