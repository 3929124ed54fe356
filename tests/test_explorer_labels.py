"""Every relation type the API returns has a colour and a label in both languages in the
explorer (a type without them has no colour and shows its key as its name)."""
import re
from pathlib import Path

from citykg.api.relations import RELATION_TYPES

JS = Path(__file__).resolve().parent.parent / "api" / "static" / "js"


def test_every_relation_type_is_drawn_and_named():
    util = (JS / "util.js").read_text(encoding="utf-8")
    i18n = (JS / "i18n.js").read_text(encoding="utf-8")
    types = re.findall(r'"(\w+)"', re.search(r"export const TYPES = \[([^\]]*)\]", util)[1])
    colours = re.search(r"export const COLORS = \{(.*?)\};", util, re.S)[1]
    ja, en = i18n.split("\n  en: {")
    for kind in RELATION_TYPES:
        assert kind in types, kind
        assert re.search(rf"^\s*{kind}: \"#", colours, re.M), kind
        assert f"type_{kind}:" in ja and f"type_{kind}:" in en, kind
