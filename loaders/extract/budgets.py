"""Budgets: summary tables with fiscal-year columns, key–value blocks of a budget head
(this year, last year, funding sources), and numbered program lines with their amounts."""
from __future__ import annotations

import re

from citykg.loaders import normalise
from citykg.loaders.extract.context import Context
from citykg.loaders.segment import Block

ACCOUNT_PREFIX = re.compile(r"^\s*(?:\d+\s*款\s*)?(?:\d+\s*項\s*)?(?:(\d+)\s*目\s*)?")
HEAD_LEVEL = 2  # segment's "(1)" numbering
AMOUNT_KEY = re.compile(r"[本前]年度\s*(?:予算)?\s*額")
HEAD = re.compile(r"^[(（](\d+)[)）]\s*(\S.*?(?:費|事業))\s*$")
PROGRAM = re.compile(r"^(\d{1,2})\s+(\S.*)$")
CURRENT = re.compile(r"^本年度\s*(?:予算)?\s*額$")
PREVIOUS = re.compile(r"^前年度\s*(?:予算)?\s*額$")
FUNDING_KEY = re.compile(r"財源内訳")
FUNDING_SOURCES = {"国": "national", "国庫支出金": "national", "県": "prefectural",
                   "都": "prefectural", "府": "prefectural", "道": "prefectural",
                   "県支出金": "prefectural", "その他": "other", "諸収入": "other",
                   "市債": "other", "一般財源": "general"}
# a year's amount by its key: "R5年度当初予算額 113,791千円", "前年度予算額 20,000千円", and
# requests, which are no budgets: "R6年度当初予算要求額 …", "要求額:20,000千円"
KEYED = re.compile(r"(?:(?:(?P<rel>[本前])年度|(?P<year>(?:令和|平成|R|H)\s*[\d元]{1,2}\s*年度|\d{4}\s*年度))"
                   r"\s*(?:当初)?\s*予算\s*(?P<request>要求)?\s*額|(?P<asked>要求額))\s*[:]?\s*(?=[△▲\d])")
# an amount a sentence allots ("…508万円を計上"), and the program the sentence is about: "2番の
# …経費でございますが、", "…事業については、", "…事業に" right before the amount
ALLOTTED = re.compile(r"を(?:計上|予算化|予算措置)")
ALLOTTED_TO = re.compile(r"(?P<name>[^、。\s「」をがはのにとで分\d]{2,30}?(?:経費|事業費|事業|費))"
                         r"(?:で(?:ございます|あります)が、|について(?:は)?、|につきましては、|は、|に\s*(?=[\d△▲]))")
# a year column of a cost sheet: "H27予算", "H27決算", "R4当初予算", "令和4年度予算"
ERA_COLUMN = re.compile(r"(?P<era>令和|平成|R|H)(?P<n>\d{1,2}|元)(?:年度?)?(?:当初)?(?P<what>予算|決算|見込|実績)"
                        r"(?:額)?(?:[(（](?:千円|円)[)）])?")
ERA_NAMES = {"R": "令和", "H": "平成"}
# the one amount column of a program's own table: its budget in the page's fiscal year (not a
# request, 要求額, which is no budget yet)
YEARLESS = re.compile(r"(?:当初)?(?:事業費|予算額)(?:[(（](?:千円|円|A)[)）])?")
# what a row names when it is not a program: the program's cost in general, the account it
# is charged to, or a cost sheet's other lines (staff, personnel costs, full cost)
GENERIC_COST = re.compile(r"^(?:直接|総)?事業費(?:計)?$|^(?:当初)?予算額$")
ACCOUNT_HEADER = re.compile(r"款|科目|会計")
NOT_A_BUDGET = re.compile(r"人件費|人員|職員数|員数|フルコスト|トータルコスト|総コスト|間接事業費")
# "国際化推進事業 国際化推進事業", the page's title: the program a one-program page is about
PAGE_PROGRAM = re.compile(r"^(?:(?:事務|細)?事業名\s*:?\s*)?(\S{2,30}?(?:事業|事業費))(?:\s+\1)?$")
# a record's key on a line of its own, its amount on the next: "予算額" / "2,983,000円"
KEY_ALONE = re.compile(r"(?:本年度|当初)?予算額|事業費")
UNIT_FACTORS = {"円": 1, "千円": 1_000, "万円": 10_000, "百万円": 1_000_000, "億円": 100_000_000}
ERA_STARTS = {"令和": 2019, "平成": 1989, "昭和": 1926}
# a row of totals, not a program: "合計", "国際交流・共生推進室 計", "一般会計（国際部計）", "Total"
TOTAL = re.compile(r"(?:^|[\s(（・])(?:合計|総計|小計|計)[)）]?$|[部局課室]計[)）]?$|総額"
                   r"|^(?:Total|TOTAL|Subtotal|Grand total)\b")
# the key before a program's amount on the line after its name: "予算額 12,345千円(前年度 …)"
AMOUNT_LEAD = re.compile(r"^\s*(?:[【\[<]?\s*(?:予算額|予算|事業費|当初予算額?)\s*[】\]>]?)?\s*[:：]?\s*")
# a program named in quotes in running text with its amount: "「海外事務所運営事業」に24,800千円"
QUOTED = re.compile(r"「([^」]{2,40}?(?:事業|費|金|経費|プログラム))」\s*(?:に|として|へ|では)?\s*(?=[△▲\d])"
                    r"|(?:^|[、。])\s*([^、。\s「」をがはのにと]{2,30}(?:事業|費))として\s*(?=\d)")
# a program line ending in a bare amount, its unit in the table's header ("(単位:千円)")
# (one space is enough after a name that ends as programs do: "006 国際友好交流費 19,477")
BOOK_ROW_NAME = re.compile(r"(?:\d{1,3}\s+)?(\S.{0,40}?(?:費|事業|金))")
# … or a numbered policy line with the bureau that runs it in brackets after its name
# ("2 姉妹都市等交流の充実（生活文化政策部）"): its name need not end as programs do (a name that
# does may have the bureau too: "1 区民健康村施設整備費（生活文化政策部）")
BOOK_ROW_NUMBERED = re.compile(r"(?P<no>\d{1,3})\s+(?P<name>\S.{1,40}?)\s*"
                               r"[(（](?P<bureau>[^()（）]{1,20}?(?:部|局|課|室|所|センター|委員会|事務局))[)）]")
STAFF = re.compile(r"\d+\s*人$")  # "002 一般職 43人": a count of staff, no program
BOOK_AMOUNT = re.compile(r"[△▲]?\d{1,3}(?:,\d{3})*")
BARE_AMOUNT = re.compile(r"(?:\s{2,}|(?<=[費業金])\s)([△▲]?(?:\d{1,3}(?:,\d{3})+|\d{4,}))\s*$")


def extract_budgets(ctx: Context) -> None:
    unit, head, header = "円", None, None
    blocks = ctx.blocks
    cell_rows: dict[int, Block] = {}
    in_cell_rows: set[int] = set()  # the lines of the rows put back together
    header_indent = 0
    for i, block in enumerate(blocks):
        if not block.text.strip(" -─━=_"):
            continue  # a rule line ("-----") inside a table
        unit = normalise.parse_unit(block.text) or unit
        if block.kind == "row" and block.cells and all(c in UNIT_FACTORS for c in block.cells if c):
            unit = next(c for c in block.cells if c)  # a header row of units: "千円 | 千円"
        if block.first_line not in in_cell_rows and block.first_line == block.last_line \
                and (rows := _cell_table(ctx, blocks, i)):
            cell_rows.update(rows)
            in_cell_rows.update(n for r in rows.values() for n in range(r.first_line, r.last_line + 1))
        if i in cell_rows:
            block = cell_rows[i]
        elif block.first_line in in_cell_rows:
            continue  # a cell of a row put back together
        cells = [c for c in block.cells if c]
        if block.kind == "row" and (years := _year_columns(ctx, block.cells)):
            # the unit in the year column's own header: "令和6年度予算額(千円)"
            own = next((m[1] for c in block.cells if (m := CELL_UNIT.search(c))), None)
            header, header_indent = (years, own or unit, None), _indent(ctx, block)
            ctx.__dict__["_budget_label_header"] = block.cells[0]
            continue
        if block.kind != "row" and not (header and block.kind in ("paragraph", "item")
                                        and _indent(ctx, block) > header_indent + 2) \
                and not (header and _spanning_label(blocks, i)):
            header = None  # (a row's description, indented under it, keeps the table going)
        if block.kind != "row" and header:
            continue
        if header and cells:
            if len(block.cells) <= max(header[0]) and _indent(ctx, block) > header_indent + 2:
                continue  # "財源:国庫支出金 3,200": a note indented under a row, not a row
            if own := next((u for f in block.text.split() if (u := normalise.parse_unit(f))), None):
                header = (header[0], own, header[2])  # a unit column: "人件費 | 千円 | 2,930"
            header = _table_row(ctx, block, *header)
            continue
        if block.kind == "heading" and block.level == HEAD_LEVEL and block.number:
            # the same head as a heading, when its amounts follow (not a section on a program)
            amounts_follow = any(AMOUNT_KEY.search(b.text) for b in blocks[i + 1:i + 3])
            m = HEAD.match(f"({block.number}) {block.text}") if amounts_follow else None
        else:
            m = HEAD.match(cells[0]) if cells else None
        if m:
            head = _name(m.group(2))
            ctx.out.add("program", ctx.span(block), name=head, parent=None, head=True)
            continue
        if head and not cells and block.kind == "paragraph" and \
                any([_key_row(ctx, block, line.split(), head, unit) for line in block.line_texts()]):
            continue  # "本年度予算額  235,000千円": keys and values spaced, not tabbed
        if head and cells and _key_row(ctx, block, cells, head, unit):
            continue
        if block.kind == "paragraph" and KEY_ALONE.fullmatch(block.text) and _value_below(ctx, blocks, i):
            continue
        if block.kind in ("row", "paragraph") and "予算" in block.text and KEYED.search(block.text) \
                and (program := head or _page_program(ctx)) and _keyed(ctx, block, program):
            continue
        if block.kind == "heading" and block.level == 1:
            if i and blocks[i - 1].text.strip() in ("款", "項", "目"):
                continue  # "款" / "2 総務費": the account a record's program is charged to
            _program(ctx, blocks, i, block.text, head, unit)
        elif ctx.lines[block.first_line - 1].lstrip().startswith("※"):
            pass  # a note: "※ 令和4年度決算見込額は 55,918千円である。"
        elif block.kind in ("heading", "item") and block.level != 0 and \
                ((amounts := normalise.find_amounts(block.text)) and amounts[0].start > 0
                 or unit != "円" and BARE_AMOUNT.search(block.text)):
            # "(1) 日本語学習の支援  3,100千円", "・多言語情報発信の充実 1,200万円(前年度 1,100万円)",
            # "(1) 姉妹都市との交流推進      12,340" under "(単位:千円)"
            _program(ctx, blocks, i, block.text, head, unit)
        elif block.kind == "heading" and block.level != 0 and (
                _amount_follows(blocks, i) or _wrapped(blocks, i, unit)):
            _program(ctx, blocks, i, block.text, head, unit)  # "ア 姉妹都市交流推進事業" / "予算額 …"
        elif block.kind == "row" and unit != "円" and len(cells) == 2 and _book_row(
                ctx, block, cells, head, unit):
            pass  # a budget book's "006 国際友好交流費 | 19,477", "2 …の充実（…部） | 12,549"
        elif block.kind in ("row", "paragraph") and (m := PROGRAM.match(block.text)) \
                and not re.match(r"^\d+\s*[款項目]", block.text):
            _program(ctx, blocks, i, m.group(2), head, unit)
        elif block.kind == "row" and _named_amount(block):
            _program(ctx, blocks, i, block.text, head, unit)  # "多文化共生推進費  7,420千円(前年度 …)"
        if block.kind == "paragraph" and ("「" in block.text or "として" in block.text):
            _quoted_programs(ctx, block, head)
        if block.kind == "paragraph" and ALLOTTED.search(block.text):
            _allotted(ctx, block, head)


def _year_columns(ctx: Context, cells: list[str]) -> dict[int, int]:
    years, settled = {}, False
    for col, cell in enumerate(cells):
        if col and (m := ERA_COLUMN.fullmatch(cell.strip().replace(" ", ""))):
            settled = settled or m["what"] != "予算"
            if m["what"] == "予算":  # "H27予算 H27決算 H28予算": the settlements are no budgets
                years[col] = ERA_STARTS[ERA_NAMES.get(m["era"], m["era"])] + \
                    (1 if m["n"] == "元" else int(m["n"])) - 1
            continue
        if col and (m := normalise.FISCAL_YEAR_COLUMN.fullmatch(cell.strip())):
            if m["cur"] is not None or m["rel"]:
                year = ctx.fiscal_year and ctx.fiscal_year - (m["rel"] == "前")
            else:
                year = normalise.parse_fiscal_year(cell)
            if year:
                years[col] = year
    if len(years) == 1 and any(m["cur"] is not None for c in cells[1:]
                              if (m := normalise.FISCAL_YEAR_COLUMN.fullmatch(c.strip()))):
        return {}  # a bare "予算額" names the year only beside another year's column
    if not years and not settled and ctx.fiscal_year and len(cells) >= 3:
        # "予算款 | 戦略計画 | 事業費 | 財源内訳": one amount column, the page's fiscal year
        lone = [col for col, c in enumerate(cells) if col and YEARLESS.fullmatch(c.strip())]
        if len(lone) == 1 and not any(normalise.find_amounts(c) or re.search(r"\d", c)
                                      for c in cells):
            years = {lone[0]: ctx.fiscal_year}
    return years if years and cells and not normalise.parse_amount(cells[0]) else {}


def _table_row(ctx: Context, block: Block, years: dict[int, int], unit: str,
               account: str | None) -> tuple:
    """One row of a table with fiscal-year columns; returns the header state for the next row."""
    state = (years, unit, account)
    label = block.cells[0].strip()
    if not label or label.startswith(("【", "◆")) or TOTAL.search(label) or NOT_A_BUDGET.search(label):
        return state
    if not any(re.search(r"\d", c) for c in block.cells[1:]):
        return state  # a second line of the header ("国・県 | 市債 | その他")
    if GENERIC_COST.match(label) or ACCOUNT_HEADER.search(ctx.__dict__.get("_budget_label_header", "")):
        # "直接事業費 1,828 …", "総務費 | 地方自治 | 2,929": the amounts of the page's program
        if not (label := _page_program(ctx)):
            return state
    m = ACCOUNT_PREFIX.match(label)
    name = re.sub(r"^(?:[(（]\d{1,2}[)）]|[①-⑳])\s*", "", _name(label[m.end():]))  # "(1) 事業名"
    if not re.search(r"[^\W\d_]", name):
        return state  # "- 2 -": a page number, not a program
    is_account = m.end() > 0
    parent = None if is_account else account
    if is_account:
        state = (years, unit, name)
    if len(block.cells) <= max(years):
        ctx.out.report(block.first_line, f"table row has {len(block.cells)} columns, the header "
                       f"{max(years) + 1} or more: a column is missing", block.text)
    amounts = {}
    for col, year in years.items():
        cell = block.cells[col] if col < len(block.cells) else ""
        if not cell.strip():
            continue
        yen = _amount(ctx, block, cell, unit)
        if yen is not None:
            amounts[year] = yen
        elif not re.fullmatch(r"\s*[-－―—一‐]\s*", cell):
            ctx.out.report(block.first_line, f"amount not understood: {cell.strip()!r}", block.text)
    if not amounts or not name:
        return state
    ctx.out.add("program", ctx.span(block), name=name, parent=parent if parent != name else None,
                head=len(years) > 1)
    for year in sorted(amounts, reverse=True):  # "H27予算 … H29予算": each year's budget
        ctx.out.add("budget", ctx.span(block), program=name, fiscal_year=year,
                    amount=amounts[year], previous=amounts.get(year - 1),
                    _factor=UNIT_FACTORS.get(unit, 1))
    return state


def _value_below(ctx: Context, blocks: list[Block], i: int) -> bool:
    """"予算額" / "2,983,000円": the page's program's budget in the page's fiscal year."""
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    found = normalise.find_amounts(nxt.text) if nxt and nxt.kind == "paragraph" else []
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(nxt.text.strip()) \
            or found[0].yen is None or not ctx.fiscal_year or not (program := _page_program(ctx)):
        return False
    span = ctx.block_span(blocks[i], nxt)
    ctx.out.add("program", span, name=program, parent=None, head=False)
    ctx.out.add("budget", span, program=program, fiscal_year=ctx.fiscal_year, amount=found[0].yen,
                previous=None, _factor=_factor(found[0].raw))
    return True


def _keyed(ctx: Context, block: Block, program: str) -> bool:
    """"R5年度当初予算額 113,791千円", "(前年度予算額 20,000千円)": a year's budget of the page's
    program; "R6年度当初予算要求額 139,360千円", "要求額:20,000千円": a request, no budget yet."""
    found = False
    for m in KEYED.finditer(block.text):
        amounts = normalise.find_amounts(block.text[m.end():m.end() + 30])
        if not amounts or amounts[0].start != 0 or amounts[0].yen is None:
            continue
        found = True
        if m["request"] or m["asked"]:
            ctx.out.report(block.first_line, "a budget request, not a budget: not recorded",
                           m.group(0) + amounts[0].raw)
            continue
        rel = m["rel"]
        year = (ctx.fiscal_year and ctx.fiscal_year - (rel == "前")) if rel \
            else normalise.parse_fiscal_year(m["year"])
        if year:
            span = ctx.span(block, m.start(), m.end() + amounts[0].end)
            ctx.out.add("program", span, name=program, parent=None, head=False)
            ctx.out.add("budget", span, program=program, fiscal_year=year, amount=amounts[0].yen,
                        previous=None, _factor=_factor(amounts[0].raw))
    return found


def _allotted(ctx: Context, block: Block, head: str | None) -> None:
    """"2番の友好都市交流促進経費でございますが、…合わせまして508万円を計上": the amount a sentence
    allots to the program it is about (not a department's share: "国際課分として…")."""
    if not ctx.fiscal_year:
        return
    for verb in ALLOTTED.finditer(block.text):
        start = block.text.rfind("。", 0, verb.start()) + 1
        sentence = block.text[start:verb.start()]
        amounts = normalise.find_amounts(sentence)
        if not amounts or amounts[-1].end != len(sentence) or amounts[-1].yen is None:
            continue
        m = ALLOTTED_TO.search(sentence, 0, amounts[-1].start + 1)
        if not m:
            continue
        name = _name(m["name"])
        span = ctx.span(block, start + m.start("name"), verb.end())
        ctx.out.add("program", span, name=name, parent=head, head=False)
        ctx.out.add("budget", span, program=name, fiscal_year=ctx.fiscal_year,
                    amount=amounts[-1].yen, previous=None, _factor=_factor(amounts[-1].raw))


def _spanning_label(blocks: list[Block], i: int) -> bool:
    """"コスト" / "内訳": a short label a cell spanning rows left on a line of its own, between
    rows of the same table."""
    b = blocks[i]
    return b.kind == "paragraph" and len(b.text) <= 8 and not re.search(r"\d", b.text) \
        and any(n.kind == "row" for n in blocks[i + 1:i + 3])


def _page_program(ctx: Context) -> str | None:
    """The program a page about one program names at its top (its title line)."""
    if "_page_program" not in ctx.__dict__:
        found = None
        for b in ctx.blocks[:12]:
            lines = b.line_texts() if b.kind == "paragraph" else [b.text]
            found = next((m[1] for t in lines if (m := PAGE_PROGRAM.match(t.strip()))), None)
            if found:
                break
        ctx.__dict__["_page_program"] = found
    return ctx.__dict__["_page_program"]


def _key_row(ctx: Context, block: Block, cells: list[str], head: str, unit: str) -> bool:
    key = cells[0].replace(" ", "")
    rest = cells[1:]
    if CURRENT.match(key) or PREVIOUS.match(key) or key in ("差引", "増減"):
        if key in ("差引", "増減"):
            return True
        yen = _amount(ctx, block, " ".join(rest), unit)
        if yen is not None and ctx.fiscal_year:
            year = ctx.fiscal_year - (0 if CURRENT.match(key) else 1)
            ctx.out.add("budget", ctx.span(block), program=head, fiscal_year=year, amount=yen,
                        previous=None, _factor=UNIT_FACTORS.get(unit, 1))
        return True
    source_cells = rest if FUNDING_KEY.search(key) else cells
    if source_cells and source_cells[0] in FUNDING_SOURCES and ctx.fiscal_year:
        yen = _amount(ctx, block, " ".join(source_cells[1:]), unit)
        if yen is not None:
            ctx.out.add("funding", ctx.span(block), program=head, fiscal_year=ctx.fiscal_year,
                        source=FUNDING_SOURCES[source_cells[0]], amount=yen)
        return True
    return False


def _named_amount(block: Block) -> bool:
    """A row of a name and its amount in yen: not a total, not a source of funds."""
    if "円" not in block.text:
        return False
    name = block.cells[0].strip() if block.cells else ""
    found = normalise.find_amounts(block.text)
    return bool(found and found[0].start == len(name) + 1 and re.search(r"[^\W\d_]", name)
                and not TOTAL.search(name) and name not in FUNDING_SOURCES
                and not AMOUNT_LEAD.fullmatch(name + " "))  # "予算額 3,040千円": a key, no name


def _indent(ctx: Context, block: Block) -> int:
    line = ctx.lines[block.first_line - 1]
    return len(line) - len(line.lstrip())


def _cell_table(ctx: Context, blocks: list[Block], i: int) -> dict[int, Block]:
    """A budget table dumped one cell a line ("事業名" / "令和5年度" / "令和4年度" / "増減" /
    "姉妹都市交流事業" / "18,420" / …): its header and rows put back together, as rows of cells
    keyed by the position of each row's first cell; the header's row at `i`."""
    width, n = 1, len(blocks)
    while i + width < n and _one_line_cell(blocks[i + width]) and (
            normalise.FISCAL_YEAR_COLUMN.fullmatch(blocks[i + width].text)
            or width > 1 and normalise.CHANGE_COLUMN.fullmatch(blocks[i + width].text)):
        width += 1
    if width < 2 or not _year_columns(ctx, [blocks[i + k].text for k in range(width)]):
        return {}
    rows, start = {}, i
    while start + width <= n and all(_one_line_cell(b) for b in blocks[start:start + width]) \
            and all(blocks[start + k + 1].first_line == blocks[start + k].last_line + 1
                    for k in range(width - 1)):
        group = blocks[start:start + width]
        if start > i and (normalise.find_amounts(group[0].text) or not all(
                re.fullmatch(r"[△▲]?[\d,]+(?:\.\d+)?|[-－―—一]", b.text) for b in group[1:])):
            break
        rows[start] = Block("row", group[0].first_line, group[-1].last_line,
                            " ".join(b.text for b in group), [0], cells=[b.text for b in group])
        start += width
    return rows if len(rows) > 1 else {}


CELL_UNIT = re.compile(r"年度.*[(（](千円|百万円|万円|円)[)）]")


def _one_line_cell(block: Block) -> bool:
    return block.first_line == block.last_line and len(block.text) <= 30 and block.kind != "heading"


def _amount_follows(blocks: list[Block], i: int) -> bool:
    """The block after a heading opens with a budget key and an amount ("予算額 12,345千円")."""
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    return bool(nxt and nxt.kind in ("paragraph", "row") and re.match(r"\s*(?:予算額|事業費)", nxt.text)
                and (amts := normalise.find_amounts(nxt.text))
                and amts[0].start == AMOUNT_LEAD.match(nxt.text).end())


def _book_row(ctx: Context, block: Block, cells: list[str], head: str | None, unit: str) -> bool:
    """A budget book's row: a program, maybe after its code, and a bare amount in the unit of
    the table's header ("006 国際友好交流費 | 19,477", "国際交流事業費補助金 | 600"), or a
    numbered policy line with the bureau that runs it ("2 姉妹都市等交流の充実（生活文化政策部） |
    12,549": the bureau is not part of the name)."""
    if not BOOK_AMOUNT.fullmatch(cells[1]):
        return False
    if m := BOOK_ROW_NAME.fullmatch(cells[0]):
        program = _name(m[1])
    elif (m := BOOK_ROW_NUMBERED.fullmatch(cells[0])) and not re.match(r"[款項目節]", m["name"]):
        program = _name(m["name"])
        if NOT_A_BUDGET.search(program):
            return False  # "7 会計年度任用職員の人件費（…所）": personnel costs
    else:
        return False
    if len(re.findall(r"[^\W\d_]", program)) < 2 or TOTAL.search(program) or STAFF.search(program) \
            or program.startswith("その他") or program in FUNDING_SOURCES \
            or normalise.FISCAL_YEAR_COLUMN.fullmatch(program):
        return False
    span = ctx.block_span(block, block)
    ctx.out.add("program", span, name=program, parent=head, head=False)
    if not ctx.fiscal_year:
        _without_year(ctx, span)
        return True
    ctx.out.add("budget", span, program=program, fiscal_year=ctx.fiscal_year,
                amount=normalise.parse_amount(cells[1], unit), previous=None, _factor=_factor(cells[1] + unit))
    return True


def _bare_amount(text: str, unit: str) -> list[normalise.AmountMatch]:
    """The amount a line ends with when the table's header gives the unit."""
    m = BARE_AMOUNT.search(text)
    if unit == "円" or not m:
        return []
    return [normalise.AmountMatch(m.start(1), m.end(1), normalise.parse_amount(m[1], unit),
                                  m[1] + unit)]


def _quoted_programs(ctx: Context, block: Block, head: str | None) -> None:
    for m in QUOTED.finditer(block.text):
        found = normalise.find_amounts(block.text[m.end():m.end() + 40])
        if not found or found[0].start != 0 or found[0].yen is None or not ctx.fiscal_year:
            continue
        name = _name(m.group(1) or m.group(2))
        span = ctx.span(block, m.start(), m.end() + found[0].end)
        ctx.out.add("program", span, name=name, parent=head, head=False)
        ctx.out.add("budget", span, program=name, fiscal_year=ctx.fiscal_year,
                    amount=found[0].yen, previous=None, _factor=_factor(found[0].raw))


def _program(ctx: Context, blocks: list[Block], i: int, rest: str, head: str | None,
             unit: str) -> None:
    block = blocks[i]
    found = normalise.find_amounts(rest)
    last = block
    if not found and block.first_line == block.last_line:
        found = _bare_amount(rest, unit)
    if not found and (nxt := _wrapped(blocks, i, unit)):
        rest = rest + nxt.line_texts()[0]  # "(7) 経済交流・都市プロモー" / "ション推進事業   63,420"
        found = normalise.find_amounts(rest) or _bare_amount(rest, unit)
        block = last = _Joined(block, nxt)
    if not found:
        for nxt in blocks[i + 1:i + 3]:
            if nxt.kind in ("paragraph", "row") and (amts := normalise.find_amounts(nxt.text)) \
                    and amts[0].start == AMOUNT_LEAD.match(nxt.text).end():
                found, last = amts, nxt
                break
            if nxt.kind == "heading":
                break
    if not found:
        return
    name = _name(rest[: found[0].start] if last is block else rest)
    name = re.sub(r"[(（]\s*$", "", name).strip()
    if not name:
        return
    current, previous = _current_previous(ctx, found, last.text if last is not block else rest)
    span = ctx.block_span(getattr(block, "first", block), last)
    ctx.out.add("program", span, name=name, parent=head, head=False)
    if current is not None and not ctx.fiscal_year:
        _without_year(ctx, span)
    if current is not None and ctx.fiscal_year:
        ctx.out.add("budget", span, program=name, fiscal_year=ctx.fiscal_year, amount=current,
                    previous=previous, _factor=_factor(found[0].raw))


def _without_year(ctx: Context, span) -> None:
    """A budget line whose year the text never names (a budget book's section without its
    cover): counted, for one note in the load report."""
    ctx.__dict__.setdefault("_budget_without_year", []).append(span)


def report_budgets_without_year(ctx: Context) -> None:
    if spans := ctx.__dict__.get("_budget_without_year"):
        ctx.out.report(spans[0].first_line, f"the text names no fiscal year: {len(spans)} budget "
                       f"line{'s' * (len(spans) > 1)} not recorded (the first: "
                       f"{spans[0].text.splitlines()[0][:40]!r}); name the year with --fiscal-year",
                       spans[0].text)


class _Joined:
    """A program's name wrapped onto the next line: the two blocks as one, for its span."""

    def __init__(self, first: Block, last: Block):
        self.first, self.first_line, self.last_line = first, first.first_line, last.first_line


def _wrapped(blocks: list[Block], i: int, unit: str) -> Block | None:
    """The next line, when it ends the name the heading at `i` begins, and the amount."""
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if not nxt or nxt.kind != "paragraph" or nxt.first_line != blocks[i].last_line + 1:
        return None
    line = nxt.text[:nxt.offsets[1]] if len(nxt.offsets) > 1 else nxt.text
    if not re.search(r"\d[)）]?\s*$|円", line):
        return None
    found = normalise.find_amounts(line) or _bare_amount(line, unit)
    if not found or AMOUNT_LEAD.match(line).end() >= found[0].start:
        return None  # "予算額 4,800千円": the amount's line, not the name's end
    return nxt if "。" not in line and 0 < len(line[:found[0].start].rstrip()) <= 30 \
        and found[-1].end >= len(line.rstrip()) - 12 else None


# "［新規］多言語による…": a mark on the program, not part of its name
NEW_MARK = re.compile(r"^\s*[\[［【(（〈]\s*(?:新規|拡充|一部新規|充実|継続|重点|新)\s*[\]］】)）〉]\s*")
PART_OF_AMOUNT = re.compile(r"うち|内訳|国費|県費|補助|財源|負担")  # "300万円 うち国費100万円"


def _current_previous(ctx: Context, found, text: str) -> tuple[int | None, int | None]:
    marked = {a.era_year: a.yen for a in found if a.era_year}
    if marked and ctx.fiscal_year:
        era_year = _era_year(ctx.fiscal_year)
        return marked.get(era_year), marked.get(era_year - 1)
    current = found[0].yen
    second = found[1] if len(found) > 1 else None
    part = second and PART_OF_AMOUNT.search(text[found[0].end:second.start])
    return current, second.yen if second and not part else None


def _era_year(year: int) -> int:
    start = max(s for s in ERA_STARTS.values() if s <= year)
    return year - start + 1


def _factor(raw: str) -> int:
    return next((f for u, f in sorted(UNIT_FACTORS.items(), key=lambda x: -len(x[0]))
                 if u in raw), 1)


def _amount(ctx: Context, block: Block, text: str, unit: str) -> int | None:
    text = re.sub(r"※\d*$", "", text.strip()).strip()  # "1,250※4": a footnote's mark
    if m := re.fullmatch(r"([△▲+-]?[\d,]+(?:\.\d+)?)\s*(千円|百万円|万円|億円)", text):
        text, cell_unit = m[1], m[2]  # "235,000千円": the cell's own unit wins over the table's
    else:
        cell_unit = normalise.parse_unit(text)
    number = re.sub(r"(千円|百万円|万円|億円|円)\s*$", "", text).strip()
    try:
        return normalise.parse_amount(number, cell_unit or unit)
    except normalise.NormaliseError as exc:
        ctx.out.report(block.first_line, f"amount not understood: {exc}", text)
        return None


def _name(text: str) -> str:
    text = re.sub(r"<[^>]{1,10}>|※.*$", "", text)
    text = NEW_MARK.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" 　\t")
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)


def dedupe_budgets(facts) -> None:
    """One amount per program and year: the finest unit wins (a table in 百万円 rounds)."""
    best: dict[tuple, object] = {}
    for f in facts:
        if f.kind == "budget":
            k = (f.data["program"], f.data["fiscal_year"])
            if k not in best or f.data["_factor"] < best[k].data["_factor"] or (
                    f.data["_factor"] == best[k].data["_factor"]
                    and f.data.get("previous") is not None):
                best[k] = f
    facts[:] = [f for f in facts if f.kind != "budget" or best[(f.data["program"],
                                                                 f.data["fiscal_year"])] is f]
