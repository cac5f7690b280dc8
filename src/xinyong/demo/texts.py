"""The values of a catalog item's string and text fields: numbers of documents and cases,
courts, addresses, licences, facts of a case, decisions and the like, each in the words of the
providing department and about the record's subject."""

from __future__ import annotations

from collections.abc import Callable

from xinyong.demo import names as N
from xinyong.demo.departments import cn_number
from xinyong.demo.fill import DEPT_NAME, LICENCE, Ctx, FieldFn, Inline, fine, occurred_before
from xinyong.demo.subjects import MARKET, Population
from xinyong.demo.tables import Tables

_ENTITY_FORMS = {
    "91": ("有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）",
           "有限责任公司（非自然人投资或控股的法人独资）", "有限责任公司（国有独资）"),
    "92": ("个体工商户",), "93": ("农民专业合作社",), "12": ("事业单位",), "11": ("机关",),
    "51": ("社会团体",), "52": ("民办非企业单位",), "53": ("基金会",),
    "N2": ("农村集体经济组织",), "31": ("律师事务所（普通合伙）",), "Y1": ("其他组织",),
    "person": ("自然人",),
}  # fmt: skip


def charge_of(c: Ctx) -> str:
    """The record's charge (罪名): the same in every field; 单位行贿罪 only of an organisation."""
    charge = N.CHARGES[c.n * 7 % len(N.CHARGES)]
    return charge if c.s.is_org or not charge.startswith("单位") else charge[2:]


class TextFields:
    """String and text values for the items of one run."""

    def __init__(self, tables: Tables, people: Population, r: Callable[[], float]) -> None:
        self.t = tables
        self.people = people
        self.r = r
        self.dates = tables.dates
        self.base = tables.base_ord

    def string_fn(self, item, field, text, party, has, pick) -> FieldFn | Inline:
        r = self.r
        dates, base = self.dates, self.base
        name = field["name"]
        label = field.get("label", "")
        item_text = item["code"] + item.get("name", "")
        spread = sum(map(ord, item["code"])) * 31  # so items do not share number sequences
        regions = self.t.regions
        js_counties = self.t.js_counties

        years = self.t.years

        def year(c):
            return years[c.D - base]

        streets = self.t.streets
        n_streets = len(streets)

        def address(c):
            reg = c.s.region
            if reg.code.endswith("00"):
                reg = regions[js_counties[int(r() * len(js_counties))]]
            return reg.address_prefix + streets[int(r() * n_streets)]

        def amount_yuan():
            return 100 * (5 + int(r() * r() * 2000))

        if name == "name" or (label in ("名称", "姓名")):
            return Inline("c.s.name", sure=True)
        if party is not None:
            return lambda c: self.people.party(c, party)[3]
        if field.get("type") == "text":
            return self.text_fn(item, field, text, has, pick, amount_yuan, year)
        if has("被约谈人姓名", "interviewee_name"):
            return lambda c: c.s.head[1] if c.s.is_org else c.s.name
        if has("出入境", "护照", "passport"):
            return lambda c: f"E{int(r() * 10**8):08d}"
        tables = self.t

        def court_of(c) -> tuple[str, str]:
            """The record's court (name, code in case numbers), drawn once per record."""
            if c.court is None:
                c.court = tables.court_for(c.s.region, r())
            return c.court

        if has("案号", "case_number"):
            word = "刑初" if has("刑") or "criminal" in item_text or "刑事" in item_text else "执"

            def case_number(c):
                serial = (c.n * 7919 + spread) % 9973 + 1
                return f"（{years[c.D - base]}）{court_of(c)[1]}{word}{serial}号"

            return case_number
        if has("执行依据文号"):
            return lambda c: f"（{int(year(c)) - 1}）{court_of(c)[1]}民初{(c.n * 7) % 9973 + 1}号"
        if has("文号", "文书号", "decision_number", "document_number", "order_number"):
            word = "决"
            for key, w in (
                ("处罚", "处罚"), ("许可", "许可"), ("强制", "强制"), ("确认", "确认"),
                ("征收", "征收"), ("给付", "给付"), ("裁决", "裁决"), ("补偿", "补偿"),
                ("奖励", "奖励"), ("检查", "检查"), ("列入", "列入"), ("批复", "批复"),
                ("认定", "认定"), ("处理", "处理"), ("责令", "责令"), ("表彰", "发"),
            ):  # fmt: skip
                if key in label:
                    word = w
                    break
            return Inline(
                'f"{dept.abbr}{$word}〔{years[c.D - base]}〕{(c.n * 7919 + $spread) % 9973 + 1}号"',
                sure=True,
                word=word,
                spread=spread,
            )
        if has("执行法院", "审判法院", "court", "作出执行依据单位"):
            return lambda c: court_of(c)[0]
        if has("机关", "部门", "数据来源", "受诺", "征收机构", "授予", "认定单位", "检查单位",
               "约谈单位", "authority", "data_source"):  # fmt: skip
            return DEPT_NAME
        if has("违法行为类型", "violation_type"):
            return Inline("(x := c.dept.violations)[int(r() * len(x))]", sure=True)
        if has("证照名称"):
            return lambda c: (
                f"{pick(c.dept.lic[c.s.kind])}（{c.s.region.code}{years[c.D - base]}{c.n:06d}）"
            )
        if has("编号", "号码", "注册号", "number"):
            letters = "".join(part[0] for part in name.split("_")).upper()[:3] or "NO"
            if has("商标"):
                return lambda c: str(10_000_000 + c.n * 37 % 89_999_999)
            return Inline(
                'f"{$letters}{c.s.region.code}{years[c.D - base]}{c.n:07d}"',
                sure=True,
                letters=letters,
            )
        if has("文书名称"):
            act = label.split("决定")[0] or "行政"
            return lambda c: f"准予{act}决定书" if "许可" in act else f"{act}决定书"
        if has("证书名称", "资质资格名称", "证照名称", "certificate_name", "qualification_name"):
            personal = has("资质资格")
            by_sector, default = N.PERSON_QUALIFICATIONS, N.DEFAULT_QUALIFICATIONS

            def licence(c):
                if personal and not c.s.is_org:
                    return pick(by_sector.get(c.dept.kind, default))
                return pick(c.dept.lic[c.s.kind])

            return licence
        if has("事故名称", "事件名称"):
            kinds: tuple[str, ...]
            if "环境" in item_text or "environment" in item_text:
                kinds = N.ENVIRONMENT_EVENTS
            elif "食品" in item_text or "food" in item_text:
                kinds = N.FOOD_ACCIDENTS
            elif "产品" in item_text or "product" in item_text:
                kinds = N.PRODUCT_ACCIDENTS
            else:
                kinds = N.ACCIDENTS

            def accident(c):
                day = dates[c.D - base - occurred_before(c.n)]
                return f"{c.s.name}“{int(day[5:7])}·{int(day[8:])}”{pick(kinds)}"

            return accident
        if has("奖励名称", "表彰", "荣誉"):
            return Inline("(x := dept.honours[c.s.kind])[int(r() * len(x))]", sure=True)
        if has("事项", "征收项目", "matter", "levy_item", "inspection_item"):
            if has("检查"):
                return Inline('f"{' + LICENCE + '}事中事后监管检查"', sure=True)
            if has("征收"):
                return lambda c: pick(N.TAX_TYPES) if c.dept.kind == "tax" else pick(N.LEVY_ITEMS)
            return Inline('f"{' + LICENCE + '}办理"', sure=True)
        if has("活动", "项目", "考试", "project", "exam", "activity"):
            if has("考试", "exam"):
                return lambda c: pick(N.EXAMS)
            if has("志愿", "activity"):
                return lambda c: f"{c.s.region.county}{pick(N.VOLUNTEER_ACTIVITIES)}"
            return lambda c: f"{c.s.region.county}{pick(self.t.zihao)}{pick(N.PROJECTS)}"
        if has("产品名称", "食品名称", "product", "food"):
            return lambda c: pick(N.PRODUCTS)
        if has("商标名称", "trademark"):
            return lambda c: pick(self.t.zihao)
        if has("评价", "evaluation_name"):
            return lambda c: f"{years[c.D - base]}年度{pick(N.EVALUATIONS)}"
        if has("罪名", "charge"):
            return charge_of
        if has("附加刑"):  # an organisation is fined, never deprived of political rights
            return lambda c: pick(
                ("罚金", "罚金、没收违法所得")
                if c.s.is_org
                else ("罚金", "没收财产", "剥夺政治权利一年", "罚金、没收违法所得")
            )
        if has("类型", "entity_form"):
            forms = _ENTITY_FORMS

            def entity_form(c):
                options = forms.get(c.s.kind, ("其他组织",))
                if "股份有限公司" in c.s.name:
                    return "股份有限公司（非上市、自然人投资或控股）"
                if c.s.name.endswith("分公司"):
                    return "有限责任公司分公司（自然人投资或控股）"
                return options[0] if r() < 0.6 else options[int(r() * len(options))]

            return entity_form
        if has("民族", "ethnic"):
            return lambda c: "汉族" if r() < 0.95 else pick(N.ETHNICITIES)
        if has("出生地", "birthplace"):
            return lambda c: None if c.s.is_org else c.s.origin.address_prefix
        if has("地址", "住所", "场所", "address"):
            if has("居住", "residence"):

                def residence(c):
                    reg = regions[js_counties[int(r() * len(js_counties))]]
                    return reg.address_prefix + streets[int(r() * n_streets)]

                return residence
            return address
        if has("学历", "education"):
            return lambda c: pick(N.EDUCATION_LEVELS)
        if has("职务", "position"):
            return lambda c: pick(N.POSITIONS) if c.s.is_org else None
        if has("姓名", "_name"):

            def some_person_name(c):
                if self.people.persons:
                    return self.people.persons[int(r() * len(self.people.persons))][1]
                return c.s.name

            return some_person_name
        if has("币种", "currency"):
            return Inline(
                "(('人民币' if r() < 0.97 else '美元') if c.s.kind in ('91', '93') else None)"
            )
        if has("等级", "级别", "grade"):
            if has("信用"):
                return lambda c: pick(("A级", "B级", "AAA级", "AA级", "良好", "较好"))
            return lambda c: pick(("一级", "二级", "三级", "甲级", "乙级")) if c.s.is_org else None
        if has("税种", "tax_type"):
            return lambda c: pick(N.TAX_TYPES)
        if has("服务类别", "category"):
            return lambda c: pick(N.VOLUNTEER_CATEGORIES)
        if has("平台", "platform"):
            return lambda c: pick(("志愿江苏", "全国志愿服务信息系统"))
        if has("出资方式", "method"):
            return lambda c: pick(("货币", "货币", "货币", "实物", "知识产权", "土地使用权"))
        if has("污染物", "pollutant"):
            return lambda c: pick(N.POLLUTANTS)
        if has("行业", "领域", "field", "industry"):
            return lambda c: f"{N.SECTOR_FIELDS.get(c.dept.kind, '综合')}领域"
        if has("移出", "removal"):
            return lambda c: pick(N.REMOVAL_REASONS)
        phrases = N.GENERIC_PHRASES
        return Inline("$p[int(r() * $n)]", sure=True, p=phrases, n=len(phrases))

    def text_fn(self, item, field, text, has, pick, amount_yuan, year) -> FieldFn | Inline:
        r = self.r
        base = self.base
        years = self.t.years
        cn_dates = self.t.cn_dates
        cn_base = self.t.cn_base

        if has("影响范围", "后果", "consequence", "affected"):
            return lambda c: f"{c.s.region.county}{pick(N.VILLAGES)}周边区域"
        if has("等级说明", "grade_description"):
            return lambda c: (
                f"该主体{years[c.D - base]}年度信用状况{pick(('良好', '较好', '一般'))}"
            )
        if has("范围", "scope"):
            if has("经营", "business"):
                return lambda c: pick(N.BUSINESS_SCOPES) if c.s.kind in MARKET else None
            return Inline(
                'f"{' + LICENCE + '}相关业务（{c.s.region.province}范围内）"',
                sure=True,
            )
        if has("依据", "basis"):
            return lambda c: f"依据{(refs := c.dept.law_refs)[int(r() * len(refs))]}的规定"
        if has("失信", "dishonest"):
            return lambda c: pick(N.COURT_CASES)
        if has("责任认定", "responsibility"):
            shares = ("主要", "全部", "次要", "重要")
            return lambda c: f"经调查认定，{c.s.name}对该起事故负有{pick(shares)}责任。"
        if has(
            "事实", "事由", "理由", "原因", "情形", "虚假材料", "facts", "reason", "false_material"
        ):
            if has("奖励", "表彰", "reward"):
                return lambda c: (
                    f"{c.s.name}在{years[c.D - base]}年度{pick(N.REWARD_REASONS)}，成绩突出。"
                )

            def facts(c):
                tails = c.dept.fact_tails
                return (
                    f"经查，{c.s.name}于{cn_dates[c.D - cn_base - 10 - int(r() * 60)]}"
                    f"{tails[int(r() * 64)]}"
                )

            return facts
        if has("义务", "obligation"):
            return lambda c: f"支付欠款人民币{amount_yuan()}元及相应利息，并承担案件受理费。"
        if has("当事人", "parties"):
            return lambda c: f"申请人：{c.s.name}；被申请人：{self.people.party(c, 'org')[3]}"
        if has("许可内容"):
            return Inline(
                'f"准予{' + LICENCE + '}，许可范围：{$scopes[int(r() * $n)]}"',
                sure=True,
                scopes=N.LICENCE_SCOPES,
                n=len(N.LICENCE_SCOPES),
            )
        if has("处罚内容", "处理结果", "handling_result", "penalty_content"):

            def punishment(c):
                u = r()
                if u < 0.45:
                    return f"罚款人民币{fine(c, r)}元"
                if u < 0.65:
                    return f"警告，并处罚款人民币{fine(c, r)}元"
                if u < 0.8:
                    return f"没收违法所得人民币{amount_yuan()}元，并处罚款人民币{fine(c, r)}元"
                if u < 0.9:
                    return "责令改正，给予警告"
                return f"责令停产停业整顿{1 + int(r() * 6)}个月"

            return punishment
        if has("强制内容"):

            def compulsion(c):
                u = r()
                if u < 0.3:
                    return f"冻结{c.s.name}银行存款人民币{amount_yuan()}元"
                if u < 0.6:
                    return f"查封{c.s.name}涉案场所及设施"
                if u < 0.8:
                    return f"扣押{c.s.name}涉案财物一批"
                return f"加处罚款人民币{amount_yuan()}元"

            return compulsion
        if has("判决结果", "sentence"):

            def sentence_text(c):  # the record's charge and fine (罚金金额)
                if c.s.is_org:
                    return f"被告单位{c.s.name}犯{charge_of(c)}，判处罚金人民币{fine(c, r)}元。"
                years = cn_number(1 + int(r() * 8))
                return f"被告人{c.s.name}犯{charge_of(c)}，判处有期徒刑{years}年。"

            return sentence_text
        if has("裁决结果"):
            return lambda c: pick(N.ADJUDICATIONS)
        if has("给付内容", "补偿内容"):
            word = "给付" if "给付" in text else "补偿"
            return lambda c: f"依法{word}{c.s.name}人民币{amount_yuan()}元"
        if has("确认内容"):
            return lambda c: f"确认{c.s.name}符合{pick(c.dept.lic[c.s.kind])}相关条件"
        if has("发现问题", "说明", "findings", "description"):
            return lambda c: pick(c.dept.violations) if r() < 0.5 else "未发现问题"
        if has("要求", "requirement"):
            return lambda c: (
                f"限期{cn_number(7 * (1 + int(r() * 4)))}日内完成整改并提交书面整改报告"
            )
        if has("抵押物", "collateral"):
            return lambda c: pick(N.COLLATERALS)
        if has("商品", "服务", "goods"):
            return lambda c: pick(N.GOODS)
        if has("承诺内容", "commitment"):
            return lambda c: f"{c.s.name}承诺所提交材料真实有效，如有虚假愿意承担相应法律责任。"
        if has("用途", "purpose"):
            uses = ("教育事业", "扶贫济困", "养老服务", "抗灾救灾", "医疗救助")
            return lambda c: f"用于{c.s.region.county}{pick(uses)}"

        size = len(N.GENERIC_SENTENCES)

        def sentence(c):
            parts = c.dept.sentences[int(r() * size)]
            return parts[0] if len(parts) == 1 else c.s.name.join(parts)

        return sentence


# --- writers -------------------------------------------------------------------------------------
