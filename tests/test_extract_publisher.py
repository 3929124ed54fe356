"""Which local government published a page: its web address, else the government its text
names most (title and headings counting more); prefectures publish too."""
import pytest

from citykg.loaders.extract.publisher import romaji_key
from citykg.loaders.pipeline import extract_document
from citykg.loaders.read import LoadError


def publisher(tmp_path, text: str):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    _, extraction = extract_document(path)
    return next(f for f in extraction.facts if f.kind == "document").data["publisher"]


ENGLISH_LIST = ("Sister Cities\n\nOur Partner Cities\n\nSpringfield\nUnited States of America\n"
                "est. June 1, 1980\n")


@pytest.mark.parametrize("url, code", [
    ("https://www.city.kakogawa.lg.jp/soshiki/1.html", "28210"),  # city.<name>.lg.jp
    ("http://www.city.ohtawara.tochigi.jp/a/b.html", "09210"),  # oh for a long o
    ("https://www.city.gotemba.shizuoka.jp/", "22215"),  # m before b
    ("https://www.city.fuchu.tokyo.jp/x.html", "13206"),  # the prefecture tells 府中市 apart
    ("https://www.city.fuchu.hiroshima.jp/x.html", "34208"),
    ("https://www.town.misato.shimane.jp/kouryu/", "32448"),
    ("https://www.city.sakai.lg.jp/kokusai/1.html", "27140"),  # shared: the designated city's  # town.: a 町
    ("https://www.pref.shizuoka.jp/kikaku/index.html", "22000"),  # a prefecture
    ("http://web.pref.hyogo.lg.jp/governor/a.html", "28000"),
    ("http://www.pref.hyogo.jp.example-cache.net/a/", "28000"),  # a cache's host keeps it
    ("http://192.0.2.7/proxy.cgi/view/https://www.pref.yamagata.jp/kokusai/", "06000"),
])
def test_the_web_address_names_the_publisher(tmp_path, url, code):
    assert publisher(tmp_path, f"URL: {url}\n{ENGLISH_LIST}").code == code


def test_the_web_address_wins_over_a_partner_named_more(tmp_path):
    text = ("URL: https://www.city.kakogawa.lg.jp/kokusai/1.html\n国内の姉妹都市の紹介\n"
            "長野県安曇野市\n姉妹都市提携:2001年4月1日\n安曇野市の概要\n安曇野市は長野県の中部にあります。\n")
    assert publisher(tmp_path, text).label_ja == "加古川市"


def test_romaji_as_domains_spell_it():
    assert romaji_key("ohtawara") == romaji_key("Otawara")
    assert romaji_key("gotemba") == romaji_key("Gotenba")
    assert romaji_key("tikuma") == romaji_key("Chikuma")


def test_a_prefecture_named_as_subject_publishes(tmp_path):
    text = ("静岡県の海外交流\n\n静岡県は、中国浙江省と友好提携を結んでいます。\n"
            "県内では浜松市や静岡市も海外の都市と交流しています。\n")
    found = publisher(tmp_path, text)
    assert found.kind == "prefecture" and found.label_ja == "静岡県"
    # a prefecture before a city only says where the city is
    text = ("富山県高岡市の国際交流\n\n富山県高岡市は、富山県内の各市と協力して交流を進めています。\n"
            "静岡県の県民も訪れました。\n")
    assert publisher(tmp_path, text).label_ja == "高岡市"


def test_when_it_cannot_tell_the_error_says_what_it_found(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("交流の記録\n\n高岡市と安曇野市の市民が交流しました。\n", encoding="utf-8")
    with pytest.raises(LoadError) as exc:
        extract_document(path)
    message = str(exc.value)
    assert "高岡市" in message and "安曇野市" in message and "--publisher" in message


def test_a_prefecture_s_agreement_with_a_province_conforms(tmp_path):
    from citykg.gazetteer import japan, world
    from citykg.loaders.gazetteer_graph import entity_triples, source_triples
    from citykg.loaders.pipeline import load_document
    from citykg.validate import shacl

    path = tmp_path / "page.txt"
    path.write_text("URL: https://www.pref.aichi.jp/kokusai/yuko.html\n愛知県の友好提携先\n\n"
                    "愛知県は、1980年7月に中国の江蘇省と友好提携を結んでいます。\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.publisher.kind == "prefecture" and doc.publisher.code == "23000"
    rel = next(f for f in doc.extraction.facts if f.kind == "relation")
    assert rel.data["partner"].key == "jiangsu" and rel.data["start"].iso() == "1980-07"
    context = [japan().lookup("愛知県", "prefecture")[0], world().lookup("江蘇省", "city")[0],
               world().by_key("country", "cn")]
    ok, text = shacl(doc.triples, [t for e in context for t in entity_triples(e)]
                     + [t for e in context for t in source_triples(e.source)])
    assert ok, text


def test_an_english_prefecture_page(tmp_path):
    text = ("International Exchange\n\nNagano Prefecture has friendly relations with Hebei "
            "Province, China.\nThe City of Matsumoto and other cities have sister cities too.\n"
            "Nagano Prefecture welcomes visitors.\n")
    found = publisher(tmp_path, text)
    assert found.kind == "prefecture" and found.label_ja == "長野県"


def test_the_government_a_page_is_about_breaks_a_tie(tmp_path):
    text = ("交流の記録\n\n高岡市は、今年も安曇野市から訪問団を迎えました。\n"
            "安曇野市の市民と高岡市の市民が交流しました。\n")
    assert publisher(tmp_path, text).label_ja == "高岡市"


def test_a_page_that_speaks_as_a_prefecture(tmp_path):
    text = ("知事のページ\n\n海外交流\n\n今年は県民の皆さんと州を訪ねます。県立博物館の展示交流も行いました。\n"
            "州都には県事務所があり、松本市と共同で使っています。松本市の姉妹都市でもあります。\n"
            "長野県内では上田市や松本市も交流しています。\n")
    found = publisher(tmp_path, text)
    assert found.kind == "prefecture" and found.label_ja == "長野県"


def test_a_page_opening_with_its_web_address_and_a_paragraph_is_titled_by_the_paragraphs_start(tmp_path):
    from citykg.loaders.pipeline import extract_document

    page = tmp_path / "page.txt"
    body = "横浜市は港町として発展し、" + "海外の多くの都市と交流を重ねてきました。" * 6
    page.write_text(f"URL: https://www.city.yokohama.lg.jp/kokusai/1.html\n{body}\n", encoding="utf-8")
    _, extraction = extract_document(page)
    (doc,) = [f for f in extraction.facts if f.kind == "document"]
    assert not doc.data["title"].startswith("URL:")
    assert doc.data["title"].startswith("横浜市は港町として") and len(doc.data["title"]) <= 80


def test_a_village_named_as_often_as_its_own_prefecture_published_the_page(tmp_path):
    """A village newsletter names the village and its prefecture equally (北海道 says where
    the village is): the village; two cities tied stay a question for --publisher."""
    text = ("広報テスト 第12号\n\n北海道の北にある音威子府村の夏まつりの報告です。\n"
            "北海道各地から音威子府村を訪れた人でにぎわいました。\n")
    assert publisher(tmp_path, text).label_ja == "音威子府村"
    with pytest.raises(LoadError, match="as often as each other"):
        publisher(tmp_path, "報告\n\n札幌市の夏まつり。\n旭川市の夏まつり。\n")


def test_a_prefecture_named_only_in_an_associations_name_published_nothing(tmp_path):
    """A budget book's section pays "静岡県協議会負担金": a payment to an association, not the
    prefecture speaking; with no other government named, --publisher is asked for."""
    text = "７款 商工費\n\n001 観光振興費\t1,200\n静岡県協議会負担金\t30\n観光案内所運営\n"
    with pytest.raises(LoadError, match="--publisher"):
        publisher(tmp_path, text)
