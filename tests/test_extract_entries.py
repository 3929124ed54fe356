"""Relations on the shapes real pages of other governments use (issue 15), in text written for
these tests: a collective heading's list, an entry's record below it, entries one a line,
counted enumerations, years elapsed in a dated page, and exchanges stopped."""
from test_extract_layouts import relations, report

from citykg.loaders.pipeline import resolve_publisher


def dated(rels) -> dict:
    return {k: (f.data["start"] and f.data["start"].iso(), f.data["derived"])
            for k, f in rels.items()}


def test_collective_heading_entries_take_their_records_word_and_date(tmp_path):
    """Under 姉妹・友好都市, each entry's type and date come from the lines below it (the word
    of its own sentence beats the heading's); without a word it is a twinning of unstated
    type, kept; a merger's date is not the agreement's."""
    doc = report(tmp_path, "toyama.txt", "富山市 国際交流のページ\n\n姉妹・友好都市の紹介\n\n"
                 "ノースカロライナ州ダーラム市(アメリカ合衆国)\n\nダーラム市の風景\n\n"
                 "1985年、本市とダーラム市は姉妹都市となりました。以後、青少年の相互訪問が続いています。\n\n"
                 "秦皇島市(中華人民共和国)\n\n"
                 "1981年に友好都市を提携。港湾と観光の交流を行っています。\n\n"
                 "モジ・ダス・クルーゼス市(ブラジル)\n\n"
                 "2001年2月、近隣の町と合併し、現在の市になりました。市民交流が続いています。\n")
    _, rels, extraction = relations(doc)
    assert dated(rels) == {("sister", "durham"): ("1985", False),
                           ("friendship", "qinhuangdao"): ("1981", False),
                           ("twinning", "mogi-das-cruzes"): (None, False)}
    assert any("not stated" in p.message and "モジ" in p.message for p in extraction.problems)


def test_record_fields_give_the_date(tmp_path):
    """A date field below the entry: its key alone on a line and the value on the next, a
    bracketed "…締結" line, an English "Established:" field."""
    doc = report(tmp_path, "kochi.txt", "高知市の姉妹都市\n\n"
                 "レンヌ市(フランス)\n\n面積\n50平方キロメートル\n提携日\n1985年6月12日\n\n"
                 "ホノルル市〔アメリカ合衆国〕\n\n<昭和47年10月3日締結>\n○ 人口 約35万人\n\n"
                 "Brisbane\n\nPartnership Established:March 3rd, 1990(old town)\nPopulation:approx. 2,000,000\n")
    _, rels, _ = relations(doc)
    assert dated(rels) == {("sister", "rennes"): ("1985-06-12", False),
                           ("sister", "honolulu"): ("1972-10-03", False),
                           ("sister", "brisbane"): ("1990-03-03", False)}


def test_english_entries_one_a_line(tmp_path):
    """A list dumped one field a line with no blank lines between entries: each name that
    opens a line is an entry, dated by its "est." line; "Sister / Friendship Cities" does not
    say which kind."""
    doc = report(tmp_path, "en.txt", "International Exchange\n\nSister / Friendship Cities\n\n"
                 "Riverside, California\nUnited States of America\nest. March 8, 1965\n"
                 "8,800 km from here\nRennes\nFrance\nest. October 2, 1967\n9,900 km from here\n")
    _, rels, _ = relations(doc, resolve_publisher("松山市"))
    assert dated(rels) == {("twinning", "riverside"): ("1965-03-08", False),
                           ("twinning", "rennes"): ("1967-10-02", False)}


def test_bulleted_entries_with_sentences_and_a_type_corrected_below(tmp_path):
    """Bulleted entries that go on in sentences are entries; "Xは、姉妹都市ではなく「友好都市」"
    gives X its own type over the heading's."""
    doc = report(tmp_path, "kobe.txt", "更新日:2012年3月1日\n\n姉妹都市\n\n"
                 "・ハンブルク市(ドイツ) 本市で最初に結んだ姉妹都市。港の街です。\n"
                 "・大連市(中国) 大きな港湾都市。\n"
                 "なお、大連市は、姉妹都市ではなく「友好都市」と呼んでいます。\n")
    _, rels, _ = relations(doc, resolve_publisher("神戸市"))
    assert set(rels) == {("sister", "hamburg"), ("friendship", "dalian")}


def test_counted_enumerations(tmp_path):
    """"4都市〔A、B、C、D〕" under a collective heading and "米国の2市(A、B)" with bare names
    before a relation word: as many partners as counted, names with readings in brackets too."""
    doc = report(tmp_path, "oita.txt", "大分市 国際友好交流都市の紹介\n\n"
                 "本市は、4都市〔ホノルル市、ブリスベン市、仁川(いんちょん)広域市、台北市〕と交流を"
                 "続けています。\n\n"
                 "また、本市では米国の2市(ポートランド、シアトル)とそれぞれ市民団体を中心に姉妹都市交流を"
                 "行っています。\n")
    _, rels, _ = relations(doc)
    assert set(rels) == {("twinning", "honolulu"), ("twinning", "brisbane"),
                         ("twinning", "incheon"), ("twinning", "taipei"),
                         ("sister", "portland"), ("sister", "seattle")}


def test_years_elapsed_in_a_dated_page(tmp_path):
    """"今年で40周年を迎えました" in a page updated in 2019 dates the agreement 1979 (derived),
    as "姉妹都市になったのは25年前" in an entry's record; an explicit date wins."""
    doc = report(tmp_path, "page.txt", "更新日:2019年5月1日\n\n"
                 "浜松市がボルドー市と姉妹都市を提携してから、今年で40周年を迎えました。\n\n"
                 "姉妹都市\n\nアデレード市(オーストラリア)\n\n"
                 "アデレード市と本市が姉妹都市になったのは25年前。以来、交流が続いています。\n")
    _, rels, _ = relations(doc, resolve_publisher("浜松市"))
    assert dated(rels) == {("sister", "bordeaux"): ("1979", True),
                           ("sister", "adelaide"): ("1994", True)}


def test_exchanges_stopped_but_the_agreement_stands(tmp_path):
    """"相互派遣は中止され" suspends; "友好都市関係を解消したものではない" ends nothing; a city the
    gazetteer lacks, marked once by its country, is known where the page names it again."""
    doc = report(tmp_path, "koe.txt", "本市は、現在も米国のグランビル市と友好都市なのですか。\n\n"
                 "1 グランビル市について\n"
                 " 本市とグランビル市は交流を続けてきましたが、平成9年以降、経済的な事情もあり相互派遣は中止され、"
                 "現在に至っています。なお、友好都市関係を解消したものではありません。\n")
    _, rels, _ = relations(doc, resolve_publisher("静岡市"))
    (key, fact), = rels.items()
    assert key[0] == "friendship" and fact.data["partner"].label_ja == "グランビル市"
    assert fact.data["status"] == "suspended" and "end" not in fact.data


def test_a_twinning_of_unstated_type_in_the_graph(tmp_path):
    """A partner listed only under 姉妹・友好都市 is a ckg:TwinningAgreement (twinnedWith
    materialised); a sister agreement is a twinning too, yet `relations` lists it once, as
    sister, and the other as twinning."""
    import pyoxigraph as ox

    from citykg import sparql
    from citykg.core.store import GraphStore
    from citykg.core.terms import CKG
    from citykg.loaders.pipeline import load_document

    doc = report(tmp_path, "list.txt", "高知市 国際交流課\n\n姉妹・友好都市\n\n"
                 "レンヌ市(フランス) 1985年6月12日提携\n"
                 "ホノルル市(アメリカ合衆国) 1972年10月3日 姉妹都市提携\n")
    loaded = load_document(doc)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    types = {(t.subject.value.rsplit("--", 1)[-1], t.object.value.rsplit("#", 1)[-1])
             for t in loaded.triples if t.predicate == rdf_type and "/agreement/" in t.subject.value}
    assert {("city-fr-rennes", "TwinningAgreement"), ("city-us-honolulu", "SisterCityAgreement"),
            ("city-us-honolulu", "TwinningAgreement")} <= types
    assert ("city-fr-rennes", "SisterCityAgreement") not in types
    twinned = ox.NamedNode(str(CKG.twinnedWith))
    assert any(t.predicate == twinned and t.object.value.endswith("/fr/rennes") for t in loaded.triples)
    store = GraphStore(tmp_path / "store")
    store.replace_graphs({loaded.graph: loaded.triples})
    rows = store.select(sparql.text("relations", city=ox.NamedNode(loaded.publisher.iri)))
    found = sorted((r["kind"].value, r["partner"].value.rsplit("/", 1)[-1]) for r in rows)
    assert found == [("sister", "honolulu"), ("twinning", "rennes")]


def test_a_clair_style_record_across_table_rules(tmp_path):
    """Key–value rows converted from HTML without their first bar, with rules and sub-titles
    between them: the partner field (提携相手先) with the date field below; the state field is
    where the partner lies, not a partner."""
    doc = report(tmp_path, "clair.txt", "提携情報のページ\n自治体名称 | 長岡京市 (Nagaokakyo-shi) |\n"
                 "提携相手先情報\n提携相手先 | ミュンヘン市 (Munich) |\n---|---|\n"
                 "州・省・県 | バイエルン州 (Bavaria) |\n国・地域名 | ドイツ (Germany) |\n"
                 "提携の情報\n提携年月日 | 1992/07/15 |\n---|---|\n")
    _, rels, _ = relations(doc, resolve_publisher("浜松市"))
    assert dated(rels) == {("sister", "munich"): ("1992-07-15", False)}


def test_domestic_partners_named_above_their_field(tmp_path):
    """A municipality named alone on its line, with "姉妹都市提携:DATE" on the next, is a
    domestic partner; the prefecture before it only says where it lies."""
    doc = report(tmp_path, "domestic.txt", "国内の姉妹都市をご紹介します\n"
                 "市民の相互訪問などで交流しています。\n岩手県遠野市\n姉妹都市提携:1985年4月1日\n"
                 "人口:2万人\n長野県伊那市\n姉妹都市提携:2001年10月10日\n")
    _, rels, _ = relations(doc, resolve_publisher("浜松市"))
    assert dated(rels) == {("sister", "tono"): ("1985-04-01", False),
                           ("sister", "ina"): ("2001-10-10", False)}


def test_partners_in_prose_and_names_the_gazetteer_lacks(tmp_path):
    """A country between the relation word and the partner ("友好都市中国・蘇州市"), "友好都市として
    交流の深い…市", a sentence dated by the date tied to its relation word (not its first), and
    an English name the gazetteer lacks with its country in brackets."""
    doc = report(tmp_path, "prose.txt", "本市の友好都市中国・蘇州市との協力が進みました。\n\n"
                 "今年は、友好都市として交流の深いザルツブルク市に代表団を送りました。\n\n"
                 "本市とフリーモント市は、昭和50年に交流が始まり、平成2年5月1日に姉妹都市提携をしました。\n\n"
                 "Sister City\nMaple Grove, Minnesota\n(United States of America)\n\n"
                 "Partnership Established: June 2nd, 1994\n")
    _, rels, _ = relations(doc, resolve_publisher("浜松市"))
    found = dated(rels)
    assert found[("friendship", "suzhou")] == (None, False)
    assert found[("friendship", "salzburg")] == (None, False)
    assert found[("sister", "fremont")] == ("1990-05-01", False)
    maple = next(f for (t, k), f in rels.items() if t == "sister" and "maple" in k)
    assert maple.data["partner"].country == "us" and maple.data["start"].iso() == "1994-06-02"


def test_english_profile_with_prose_below_its_entry(tmp_path):
    """An English entry followed by prose: the prose's years (a listing, a founding) are not
    the agreement's; the sentence saying it was established dates it."""
    doc = report(tmp_path, "en_profile.txt", "update: May 1, 2021\n\nSister Cities\n\n"
                 "Rennes, France\n\nRennes lies in Brittany. Its old town was rebuilt after a fire in 1720.\n"
                 "In 1985, its market hall was listed as a monument.\n\n"
                 "The sister city agreement was signed on March 4, 1992.\n")
    _, rels, _ = relations(doc, resolve_publisher("浜松市"))
    assert dated(rels) == {("sister", "rennes"): ("1992-03-04", False)}


def test_a_city_the_gazetteer_lacks_after_its_state(tmp_path):
    """"アメリカ合衆国オレゴン州ノースベンド市(…姉妹都市締結)": the city after its state is the
    partner, not the state, also where the gazetteer lacks it."""
    doc = report(tmp_path, "state.txt", "姉妹都市の紹介\n"
                 "アメリカ合衆国オレゴン州ノースベンド市(1988年5月3日姉妹都市締結)\n人口 | 約1万人 |\n")
    _, rels, _ = relations(doc, resolve_publisher("浜松市"))
    (key, fact), = rels.items()
    assert key[0] == "sister" and fact.data["partner"].label_ja == "ノースベンド市"
    assert fact.data["partner"].country == "us" and fact.data["start"].iso() == "1988-05-03"


def test_english_date_fields_named_otherwise(tmp_path):
    """"The conclusion day :" and "Date of Affiliation:" are date fields too, and a date written
    without a space after its comma ("April 2nd,1970") is read; a city's founding is not one."""
    doc = report(tmp_path, "fields.txt", "Sister Cities\n\nSister City Portland (U.S.A)\n"
                 "The conclusion day : April 2nd,1970\n\nPortland has many bridges.\n\n"
                 "Friendship City Suzhou (China)\nFounded: 514 BC\nDate of Affiliation: May 3rd, 1985\n")
    _, rels, _ = relations(doc, resolve_publisher("浜松市"))
    starts = set(dated(rels).values())
    assert ("1970-04-02", False) in starts and ("1985-05-03", False) in starts


def test_a_sentence_introducing_a_bulleted_list_types_it(tmp_path):
    """"本市には3つの姉妹都市があります。" over bullets works as a heading: the items are
    agreements of that type, each with its date field; the next sentence ends the list."""
    doc = report(tmp_path, "faq.txt", "質問\n\n姉妹都市はどこですか。\n\n回答\n\n"
                 "本市には世界に2つの姉妹都市があります。(提携順)\n\n"
                 "  • ポートランド市(アメリカ合衆国) 提携日:1965年4月1日\n"
                 "  • 蘇州市(中華人民共和国) 提携日:1981年6月13日\n\n"
                 "市民の交流も盛んです。\n\n  • 大連市(中華人民共和国)の物産展\n")
    _, rels, _ = relations(doc, resolve_publisher("浜松市"))
    assert {(t, f.data["start"].iso()) for (t, _), f in rels.items()} == {
        ("sister", "1965-04-01"), ("sister", "1981-06-13")}
