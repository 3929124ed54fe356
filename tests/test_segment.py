from citykg.loaders.segment import segment, strip_toc_leader


def test_paragraph_lines_are_joined_and_mapped_back():
    lines = ["", "姉妹都市コンスタンツァ", "（ルーマニア）にて、オデー", "サ市との会談", ""]
    (block,) = segment(lines)
    assert block.kind == "paragraph" and block.text == "姉妹都市コンスタンツァ（ルーマニア）にて、オデーサ市との会談"
    assert (block.first_line, block.last_line) == (2, 4)
    assert block.line_at(block.text.index("オデーサ")) == 3
    assert block.lines_of(block.text.index("サ市"), len(block.text)) == (4, 4)


def test_english_words_keep_a_space_across_lines():
    (block,) = segment(["Yokohama and", "Odesa"])
    assert block.text == "Yokohama and Odesa"


def test_headings_items_and_rows():
    blocks = segment(["第1編 基本方針", "(2) 国際連携事業推進費", "- ・ 基本目標 2",
                      "本年度 予算額\t\t1,175,762\t千円", "ア 沿革"])
    assert [b.kind for b in blocks] == ["heading", "heading", "item", "row", "heading"]
    assert [b.level for b in blocks if b.kind == "heading"] == [0, 2, 3]
    assert blocks[3].cells == ["本年度 予算額", "", "1,175,762", "千円"]


def test_toc_leaders_and_pages():
    assert strip_toc_leader("札幌留学生交流センター・・・・・・・ 13") == ("札幌留学生交流センター", "13")
    assert strip_toc_leader("国際戦略····································") == ("国際戦略", None)
    assert strip_toc_leader("札幌市(国際部)9") == ("札幌市(国際部)", "9")


def test_a_run_of_short_lines_is_cells_not_one_paragraph():
    cells = ["都市名", "国名", "提携年月日", "シアトル市", "アメリカ", "1957年10月21日"]
    blocks = segment(["見出しのない表", *cells, "", "本市は、海外の都市と交流を進めている。その成果を",
                      "市民に還元する。"])
    assert [b.text for b in blocks] == ["見出しのない表", *cells,
                                        "本市は、海外の都市と交流を進めている。その成果を市民に還元する。"]


def test_a_table_dumped_a_cell_a_line_with_pipes_is_rows_again():
    lines = ["(単位:千円)", "| 款 |", "戦略", "計画 |", "事業費 |", "| 総務費 |", "地方自治", "・都市経営 |",
             "2,929 |", "0 |", "目的"]
    rows = [b for b in segment(lines) if b.kind == "row"]
    assert [(b.first_line, b.last_line, b.cells) for b in rows] == [
        (2, 5, ["款", "戦略計画", "事業費"]), (6, 10, ["総務費", "地方自治・都市経営", "2,929", "0"])]
    assert [b.text for b in segment(lines) if b.kind != "row"] == ["(単位:千円)", "目的"]


def test_a_saved_pages_web_address_line_is_a_block_of_its_own():
    blocks = segment(["URL: https://www.city.example.lg.jp/kokusai/1.html", "本市は湖のほとりにあり、",
                      "国際交流を進めています。"])
    assert [b.text for b in blocks] == ["URL: https://www.city.example.lg.jp/kokusai/1.html",
                                        "本市は湖のほとりにあり、国際交流を進めています。"]


WRAPPED = ["本市は昭和四十年に米国の都市と姉妹都市提携を結び、以来",
           "市民の相互訪問を続けています。青少年の派遣は毎年夏に",
           "行われ、これまでに千人を超える生徒が参加しました。両市の",
           "代表団は節目の年に互いを訪れ、記念の式典を開いています。"]


def test_a_page_with_one_element_a_line_is_not_joined():
    """Long lines that end their sentences: a web page's text. A title stays apart from the
    sentence after it; the short lines of one entry (a name, its country) stay together."""
    lines = ["姉妹友好都市", "本市の姉妹友好都市を紹介します。", "カナダ国ミルベイ町", "(Canada)",
             "平成2年にミルベイ町と姉妹都市提携を結びました。両市は毎年交流しています。",
             "中学生の派遣は夏に行われ、これまでに二百人を超える生徒が参加しました。",
             "記念の式典は節目の年に開かれ、両市の代表団が互いを訪れています。"]
    texts = [b.text for b in segment(lines)]
    assert texts[:3] == ["姉妹友好都市", "本市の姉妹友好都市を紹介します。", "カナダ国ミルベイ町(Canada)"]


def test_wrapped_lines_are_still_joined():
    (block,) = segment(WRAPPED)
    assert block.text == "".join(WRAPPED)


def test_a_long_line_opening_with_a_name_and_its_kind_is_an_entry():
    """Lines of a list run together without blank lines: each that opens with a name and its
    kind of partnership in brackets is an entry of its own, however long its note."""
    lines = ["友好都市等の一覧",
             "岩手県遠野市 (友好都市)1990年友好都市提携、藩の家臣が移り住んだ縁で交流が続いてきた町",
             "長野県伊那市 (姉妹都市)2001年姉妹都市提携、街道の宿場町どうしとして祭りの交流を続けている町"]
    blocks = segment(lines)
    assert [b.kind for b in blocks][-2:] == ["item", "item"]
    assert blocks[-1].text.startswith("長野県伊那市")
