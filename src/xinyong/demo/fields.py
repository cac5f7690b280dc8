"""The plan of each field of a catalog item: how the demo fills it (a value function or an
inline expression), how often an optional one is filled, and the fallback of a required one.
Dates, enums, numbers, codes and ID numbers are planned here, strings and texts in
``texts.py``."""

from __future__ import annotations

from bisect import bisect
from collections.abc import Callable

from xinyong.demo import names as N
from xinyong.demo.fill import (
    DECISION_DAY,
    DEPT_CODE,
    FieldFn,
    FieldPlan,
    Inline,
    amount_table,
    fine,
    occurred_before,
)
from xinyong.demo.subjects import MARKET, Population
from xinyong.demo.tables import Tables
from xinyong.demo.texts import TextFields

# Enum values that suit a subject kind (matched as substrings).
_KIND_WORDS = {
    "91": ("有限责任公司", "企业法人", "企业", "公司", "用人单位"),
    "92": ("个体", "非法人组织", "用人单位"),
    "93": ("合作社", "企业法人", "用人单位"),
    "12": ("事业单位", "机关事业单位", "用人单位"),
    "11": ("机关", "机关事业单位", "用人单位"),
    "51": ("社会团体", "社会组织", "非法人组织", "用人单位"),
    "52": ("民办非企业", "社会服务机构", "社会组织", "用人单位"),
    "53": ("基金会", "社会组织", "用人单位"),
    "N2": ("集体经济", "农村", "非法人组织"),
    "31": ("律师", "非法人组织", "用人单位"),
    "Y1": ("其他",),
    "person": (
        "自然人",
        "个人",
        "法定代表人",
        "负责人",
        "人员",
        "执业资格",
        "职业资格",
        "从业资格",
    ),
}

# Enum values that are the usual case (weighted up).
_COMMON_VALUES = frozenset(
    ("罚款", "警告", "正常", "存续", "在业", "有效", "合格", "未发现问题", "已履约", "无需整改",
     "双随机抽查", "日常检查", "全部未履行", "普通", "登记", "自然人", "现场检查", "行业自律型")
)  # fmt: skip

_MAIN_DATE_WORDS = ("决定", "认定", "确定", "列入", "批复", "判决", "立案", "发证", "授予")


def _main_date_field(item: dict) -> str | None:
    """The field holding a record's main date (its decision date) when the item names none:
    the first required date field whose label says 决定/认定/列入…, else the first required date
    field (not 成立日期 / 出生日期)."""
    dated = [
        f
        for f in item.get("fields") or ()
        if f.get("type") == "date"
        and f.get("required")
        and not any(w in f.get("label", "") for w in ("成立", "出生"))
    ]
    for f in dated:
        if any(w in f.get("label", "") for w in _MAIN_DATE_WORDS):
            return f["name"]
    return dated[0]["name"] if dated else None


class FieldMaker:
    """Field plans for the items of one run (the value functions draw from its ``r`` and name
    its population's subjects)."""

    def __init__(self, tables: Tables, people: Population, r: Callable[[], float]) -> None:
        self.texts = TextFields(tables, people, r)
        self.people, self.r = people, r
        self.dates, self.base, self.today = tables.dates, tables.base_ord, tables.today_ord

    def field(self, item: dict, field: dict) -> FieldPlan:
        name = field["name"]
        fn, p = self.field_fn(item, field)
        cut = 0
        if field.get("type") in ("string", "text"):
            cut = field.get("max_length") or 0
        if field.get("required"):
            return name, fn, 1.0, self._fallback(item, field), cut
        return name, fn, p, None, cut

    def _fallback(self, item: dict, field: dict) -> FieldFn:
        kind = field.get("type")
        dates, base = self.dates, self.base
        if any(field["name"] in (link.get("name_field"), link.get("id_field"))
               for link in item.get("links") or ()):  # fmt: skip
            # a person the catalog requires: whoever answers for the organisation
            idx = 0 if kind == "id_number" else 1
            return lambda c: c.s.head[idx] if c.s.is_org else None
        if kind == "date":
            return lambda c: dates[c.D - base]
        if kind == "id_number":
            return lambda c: c.s.key if not c.s.is_org else c.s.head[0]
        if kind == "credit_code":
            return lambda c: c.dept.credit_code
        if kind in ("decimal", "integer"):
            return lambda c: "1.00" if kind == "decimal" else 1
        if kind == "enum" and field.get("values"):
            first = field["values"][0]
            return lambda c: first
        return lambda c: c.s.name

    def field_fn(self, item: dict, field: dict) -> tuple[FieldFn | Inline, float]:
        r = self.r
        dates, base = self.dates, self.base
        name = field["name"]
        label = field.get("label", "")
        ftype = field.get("type", "string")
        text = f"{name} {label}"

        def has(*words: str) -> bool:
            return any(w in text for w in words)

        def pick(seq):
            return seq[int(r() * len(seq))]

        links = {
            link.get(key): link["role"]
            for link in item.get("links") or ()
            for key in ("name_field", "id_field")
            if link.get(key)
        }
        p_opt = 0.3 if has("remark", "备注", "removal", "移出", "removed") else 0.7

        # persons linked to an organisation (registration links, legal representative fields)
        if name in links:
            role = links[name]
            idx = 0 if ftype == "id_number" else 1

            expr = "(x[$idx] if (x := c.s.reps.get($role)) is not None else None)"
            return Inline(expr, idx=idx, role=role), 1.0
        if ftype == "string" and has("法定代表人", "负责人姓名") and not has("财务"):
            if has("负责人"):  # 法定代表人或者负责人: whoever answers for the organisation
                return Inline("c.s.head[1] if c.s.is_org else None"), 1.0
            # 法定代表人 only: none for an organisation that has a 负责人 instead
            expr = "(x[1] if c.s.is_org and (x := c.s.reps.get('legal_representative')) else None)"
            return Inline(expr), 1.0

        if name == "industry_code":  # the business its name says it is in
            return (lambda c: N.industry_code(c.s.name) if c.s.is_org else None), 1.0

        party = self._party_group(item, field)

        if ftype == "enum":
            return self._enum_fn(field, text, party), p_opt
        if ftype == "date":
            return self._date_fn(item, field, text), p_opt
        if ftype == "decimal":
            return self._decimal_fn(text), p_opt
        if ftype == "integer":
            if has("年度", "year"):
                return (lambda c: int(dates[c.D - base][:4]) - 1), p_opt
            if has("死亡", "重伤", "deaths", "injur"):
                return (lambda c: int(r() * r() * 4)), p_opt
            if has("分类", "class"):
                return (lambda c: 1 + int(r() * 45)), p_opt
            if has("人数", "workers", "persons"):
                return (lambda c: 1 + int(r() * r() * 120)), p_opt
            return (lambda c: 1 + int(r() * 100)), p_opt
        if ftype == "credit_code":
            if party is not None:
                return (lambda c: self.people.party(c, party)[1]), 1.0
            return DEPT_CODE, 0.85
        if ftype == "id_number":
            if party is not None:
                return (lambda c: self.people.party(c, party)[2]), 1.0

            def some_person(c):
                if not c.s.is_org:
                    return c.s.key
                return c.s.head[0]

            return some_person, p_opt
        return self.texts.string_fn(item, field, text, party, has, pick), p_opt

    # party groups: fields sharing a prefix with a name field and a code/id field, e.g.
    # shareholder_name / shareholder_credit_code / shareholder_id_number / shareholder_type
    _PARTY_LABELS = (
        "股东",
        "相对方",
        "受赠单位",
        "组织单位",
        "执业（注册）单位",
        "工作单位",
        "当事人",
    )

    def _party_group(self, item: dict, field: dict) -> str | None:
        label = field.get("label", "")
        name = field["name"]
        fields = item.get("fields") or ()
        if any(w in label for w in ("机关", "部门", "数据来源", "受诺", "法院", "征收机构", "授予",
                                    "认定单位", "检查单位", "约谈单位", "登记机关")):  # fmt: skip
            return None
        if field.get("type") in ("credit_code", "id_number", "enum"):
            stem = name.rsplit("_", 1)[0]
            for suffix in ("_credit", "_id"):
                stem = stem.removesuffix(suffix)
            for other in fields:
                if (
                    other is not field
                    and other.get("type") == "string"
                    and (other["name"] == stem or other["name"].startswith(stem + "_"))
                    and any(w in other.get("label", "") for w in self._PARTY_LABELS)
                ):
                    has_id = any(
                        f.get("type") == "id_number" and f["name"].startswith(stem) for f in fields
                    )
                    return "any" if has_id else "org"
            return None
        if field.get("type") == "string" and any(w in label for w in self._PARTY_LABELS):
            stem = name.rsplit("_", 1)[0] if name.endswith("_name") else name
            has_id = any(
                f.get("type") == "id_number" and f["name"].startswith(stem) for f in fields
            )
            return "any" if has_id else "org"
        return None

    def _enum_fn(self, field: dict, text: str, party: str | None) -> FieldFn | Inline:
        r = self.r
        values = tuple(field.get("values") or ())
        if not values:
            return lambda c: None
        # earlier values are more common (weights 1, 1/1.5, 1/2, …); usual outcomes much more so
        sums: list[float] = []
        total = 0.0
        for i, value in enumerate(values):
            common = value in _COMMON_VALUES or value.startswith("一般")
            total += (6.0 if common else 1.0) / (1 + 0.5 * i)
            sums.append(total)
        if "主刑" in text or "principal_penalty" in text:
            return lambda c: None if c.s.is_org else values[bisect(sums, r() * total)]
        if any(w in text for w in ("级别", "level")) and any(
            w in text for w in ("表彰", "奖励", "荣誉", "honour", "reward")
        ):  # an honour's level is its conferring department's (省级 / 市级)
            levels = frozenset(values)
            return lambda c: c.dept.level if c.dept.level in levels else values[-1]
        if "性别" in text or "gender" in text:
            male = next((v for v in values if v == "男"), values[0])
            female = next((v for v in values if v == "女"), values[-1])
            return lambda c: (male if c.s.sex else female) if not c.s.is_org else values[-1]

        cum = tuple(sums)

        def weighted(c):
            return values[bisect(cum, r() * total)]

        inline = Inline(
            "$values[bisect($cum, r() * $total)]", sure=True, values=values, cum=cum, total=total
        )

        # values that suit the subject's (or the party's) kind, e.g. 股东类型, 列入主体身份
        by_kind: dict[str, tuple[str, ...]] = {}
        for kind, words in _KIND_WORDS.items():
            matched = tuple(v for v in values if any(w in v for w in words))
            if matched and len(matched) < len(values):
                by_kind[kind] = matched
        if len(by_kind) >= 2:
            if party is not None:

                def party_kind(c):
                    is_org = self.people.party(c, party)[0]
                    options = by_kind.get("91" if is_org else "person")
                    return options[0] if options else weighted(c)

                return party_kind

            def subject_kind(c):
                options = by_kind.get(c.s.kind)
                return options[int(r() * len(options))] if options else weighted(c)

            return subject_kind
        return inline

    def _date_fn(self, item: dict, field: dict, text: str) -> FieldFn | Inline:
        r = self.r
        dates, base = self.dates, self.base
        name = field["name"]

        def has(*words: str) -> bool:
            return any(w in text for w in words)

        def offset(lo: int, hi: int, cap: bool = True) -> FieldFn:
            span = hi - lo + 1

            def fn(c):
                o = c.D + lo + int(r() * span)
                if cap and o > c.A:  # what happened after the decision, up to its arrival
                    o = c.A
                return dates[o - base]

            return fn

        if name == item.get("decision_date_field") or name == _main_date_field(item):
            return DECISION_DAY
        if has("成立", "established"):
            return Inline("dates[c.s.est - base]", sure=True)
        if has("出生", "born", "birth"):
            return lambda c: c.s.born if not c.s.is_org else None
        if has("营业期限自", "operating_from"):
            return Inline("dates[c.s.est - base] if c.s.kind in $m else None", m=MARKET)
        if has("营业期限至", "operating_to"):
            return lambda c: (
                dates[c.s.est - base + 365 * 30 + 7] if c.s.kind in ("91", "93") else None
            )
        if has(
            "公示截止", "有效期", "penalty_valid", "纳入期限", "listed_until"
        ) and self._negative(item):
            return lambda c: dates[c.D - base + (1095 if c.severe else 365)]
        if has("欠缴期间至", "arrears_to"):
            return offset(30, 365)
        if has("认缴出资日期", "subscribed_due"):
            return offset(365, 3650, cap=False)
        if has("专用权", "商标"):
            return lambda c: dates[c.D - base + 3652]
        if has("自", "起始", "开始", "_from", "started"):
            return DECISION_DAY
        if has("至", "截止", "until", "valid_to", "_to", "期限", "deadline", "ended"):
            if has("限期", "整改", "deadline", "履约"):
                return offset(15, 90, cap=False)
            if has("ended", "结束"):
                return offset(0, 3)
            if has("不得", "禁入", "限制", "barred", "restricted", "ban"):
                return offset(365, 1095, cap=False)
            return Inline("dates[c.D - base + 365 * (1 + int(r() * 5)) - 1]", sure=True)
        if has("发生", "occurred", "申请", "applied", "承诺日期", "committed", "立案", "filed"):
            if has("承诺", "committed"):
                return offset(-365, -30)
            if has("发生", "occurred"):
                return lambda c: dates[c.D - base - occurred_before(c.n)]
            return offset(-120, -5)
        if has("公布", "公告", "公示", "发布", "published", "announced"):
            return offset(0, 7)
        if has("生效", "effective"):
            return offset(10, 15)
        if has("核查", "verified", "移出", "removed", "实缴", "paid"):
            return offset(30, 300)
        if has("检查", "inspected"):
            return offset(-5, 0)
        return DECISION_DAY

    @staticmethod
    def _negative(item: dict) -> bool:
        return item.get("category") == "negative"

    def _decimal_fn(self, text: str) -> FieldFn | Inline:
        r = self.r

        def has(*words: str) -> bool:
            return any(w in text for w in words)

        if "万元" in text and has("罚款金额", "fine_amount"):
            return lambda c: f"{(f := fine(c, r)) // 10000}.{f // 100 % 100:02d}"
        if has("比例", "%", "ratio", "percent"):
            lo, hi = 0.5, 100.0
        elif has("小时", "hours"):
            lo, hi = 1.0, 300.0
        elif "万元" in text:
            if has("罚款", "罚金", "滞纳金", "fine", "late_fee"):
                lo, hi = 0.02, 50.0
            elif has("注册资本", "出资", "capital", "subscribed", "paid"):
                lo, hi = 10.0, 5000.0
            elif has("奖", "给付", "捐赠", "reward", "payment", "donation"):
                lo, hi = 0.05, 20.0
            else:
                lo, hi = 0.1, 500.0
        else:
            lo, hi = 1.0, 10000.0
        table = amount_table(lo, hi)
        if has("注册资本", "capital"):
            return Inline(
                "($table[int(r() * $size)] if c.s.kind in ('91', '93')"
                " and not c.s.name.endswith('分公司') else None)",
                table=table,
                size=len(table),
            )
        return Inline("$table[int(r() * $size)]", sure=True, table=table, size=len(table))
