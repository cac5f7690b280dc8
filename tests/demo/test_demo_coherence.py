"""The demo looks like a real year of a Jiangsu platform (issue 14): identifiers with real region
codes, courts that exist, certificates and honours that fit their holder and issuer, the persons
who answer for each kind of organisation, arrivals spread over two years and mostly within 7
working days, and a showcase organisation. Checked against sources independent of the
generator: core/regions.json, python-stdnum's GB/T 2260 table and check characters, the official
calendar."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from importlib import resources
from pathlib import Path

import orjson
import pytest
from stdnum import numdb
from stdnum.cn import ric, uscc

from xinyong.core.calendar import Calendar, builtin_years
from xinyong.demo.generator import DemoGenerator

TODAY = date(2026, 12, 4)
CATALOG = (
    Path(__file__).resolve().parents[2] / "src" / "xinyong" / "catalog" / "default_catalog.json"
)
REGIONS = json.loads(resources.files("xinyong.core").joinpath("regions.json").read_text("utf-8"))
LOC = numdb.get("cn/loc")


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return json.loads(CATALOG.read_text("utf-8"))["items"]


@pytest.fixture(scope="module")
def generator(items) -> DemoGenerator:
    return DemoGenerator(items, seed=4, today=TODAY)


@pytest.fixture(scope="module")
def records(generator) -> list[dict]:
    return list(generator.records(1500, arrivals=True))


@pytest.fixture(scope="module")
def by_code(items) -> dict[str, dict]:
    return {item["code"]: item for item in items}


@pytest.fixture(scope="module")
def dept_region(generator) -> dict[str, str]:
    return {d.code: d.region_code for d in generator.departments()}


def kind_of(subject: dict) -> str:
    code = subject.get("credit_code")
    return code[:2] if code else "person"


def fields_of_type(record: dict, item: dict, kind: str) -> list[str]:
    return [
        record["fields"][f["name"]]
        for f in item.get("fields") or ()
        if f.get("type") == kind and record["fields"].get(f["name"])
    ]


# --- region codes ------------------------------------------------------------------------------


def loc_names(code: str) -> list[tuple[int, int, str]]:
    """The names a GB/T 2260 code had and when (python-stdnum's table): (first, last year,
    name), 0 and 9999 for open ends; empty if the code never existed."""
    parts = LOC.info(code)
    if len(parts) < 2 or not parts[-1][1]:
        return []
    out = []
    for entry in parts[-1][1]["county"].split(","):
        found = re.match(r"\[(\d*)-(\d*)\](.*)", entry)
        if found:
            out.append((int(found[1] or 0), int(found[2] or 9999), found[3]))
        else:
            out.append((0, 9999, entry))
    return out


def loc_years(code: str) -> tuple[int, int] | None:
    """From when to when the code was in use (its names together), None if never."""
    names = loc_names(code)
    if not names:
        return None
    return min(n[0] for n in names), max(n[1] for n in names)


def region_ok(code: str) -> bool:
    """A real region code: its province in regions.json; in Jiangsu, one of today's cities
    (or the province itself)."""
    if code[:2] not in REGIONS["provinces"]:
        return False
    if code[:2] == "32" and code != "320000":
        return code[:4] + "00" in REGIONS["cities"]
    return True


def test_every_credit_code_has_a_real_region_and_valid_checks(records, by_code, generator):
    codes = {d.credit_code for d in generator.departments()}
    for record in records:
        if "credit_code" in record["subject"]:
            codes.add(record["subject"]["credit_code"])
        codes.update(fields_of_type(record, by_code[record["item"]], "credit_code"))
    assert len(codes) > 1000
    for code in codes:
        # stdnum's check character (its is_valid() knows no N… codes of 农业 authorities)
        assert uscc.calc_check_digit(code[:17]) == code[17], code
        assert region_ok(code[2:8]), code
        years = loc_years(code[2:8]) if not code[2:8].endswith("0000") else (0, 9999)
        assert years is not None and years[1] == 9999, code  # in use today


def test_every_id_number_has_a_region_in_use_when_it_was_issued(records, by_code):
    numbers = set()
    for record in records:
        if "id_number" in record["subject"]:
            numbers.add(record["subject"]["id_number"])
        numbers.update(fields_of_type(record, by_code[record["item"]], "id_number"))
    assert len(numbers) > 200
    prefixes = Counter()
    for number in numbers:
        assert ric.calc_check_digit(number) == number[17], number  # (it takes all 18)
        assert region_ok(number[:6]), number
        years = loc_years(number[:6])
        assert years is not None, number
        born = int(number[6:10])
        # resident identity cards from 1984–1985 on: the code was in use then (or at birth)
        assert years[1] >= max(born, 1985), number
        prefixes[number[:4]] += 1
    assert not {p for p in prefixes if p.startswith("32")} - {c[:4] for c in REGIONS["cities"]}


# --- courts ------------------------------------------------------------------------------------


def jiangsu_courts() -> dict[str, str]:
    """Court name → its code in case numbers, from the GB/T 2260 table and regions.json."""
    courts = {"江苏省高级人民法院": "苏"}
    for code, city in REGIONS["cities"].items():
        courts[f"{city}中级人民法院"] = "苏" + code[2:4]
        for n in range(1, 100):
            county_code = code[:4] + f"{n:02d}"
            current = [name for _first, last, name in loc_names(county_code) if last == 9999]
            if not current or current[0] == "市辖区":
                continue
            county = current[0]
            name = county if county.endswith(("市", "县")) else city + county
            courts[f"{name}人民法院"] = "苏" + county_code[2:6]
    return courts


def test_courts_exist_and_case_numbers_name_them(records, by_code):
    courts = jiangsu_courts()
    assert "南京市玄武区人民法院" in courts and "江阴市人民法院" in courts
    seen = Counter()
    for record in records:
        item = by_code[record["item"]]
        labels = {f["name"]: f.get("label", "") for f in item.get("fields") or ()}
        fields = record["fields"]
        court = next(
            (v for k, v in fields.items() if labels.get(k) in ("执行法院", "审判法院")), None
        )
        if court is None:
            continue
        assert court in courts, court
        seen[court] += 1
        for name, value in fields.items():
            if labels.get(name) in ("案号", "执行依据文号"):
                code = re.match(r"（\d{4}）(苏\d*)", value)
                assert code and code[1] == courts[court], (court, value)
    assert len(seen) > 10
    assert "江苏省中级人民法院" not in seen


# --- certificates, honours, roles --------------------------------------------------------------

# Certificates that only one kind of organisation holds.
ONLY = {
    "民办非企业单位登记证书": {"52"},
    "社会团体法人登记证书": {"51"},
    "基金会法人登记证书": {"53"},
    "事业单位法人证书": {"12"},
    "律师事务所执业许可证": {"31"},
    "民办学校办学许可证": {"52"},
}
BUSINESS_ONLY = (
    "食品经营许可证", "食品生产许可证", "工业产品生产许可证", "安全生产许可证",
    "建筑业企业资质证书", "营业执照", "药品经营许可证", "旅行社业务经营许可证",
)  # fmt: skip


def test_certificates_fit_the_kind_of_their_holder(records, by_code):
    held = Counter()
    for record in records:
        kind = kind_of(record["subject"])
        item = by_code[record["item"]]
        for f in item.get("fields") or ():
            value = record["fields"].get(f["name"])
            if not isinstance(value, str) or f.get("type") not in ("string", "text"):
                continue
            for certificate, kinds in ONLY.items():
                if certificate in value:
                    assert kind in kinds, (kind, f["name"], value)
                    held[certificate] += 1
            for certificate in BUSINESS_ONLY:
                if certificate in value and "证书名称" in f.get("label", ""):
                    assert kind in ("91", "92", "93", "12"), (kind, value)
    assert held["民办非企业单位登记证书"] or held["社会团体法人登记证书"]


def test_honours_are_of_their_issuers_level(records, by_code, dept_region):
    levels = Counter()
    for record in records:
        item = by_code[record["item"]]
        labels = {f["name"]: f.get("label", "") for f in item.get("fields") or ()}
        level = next((v for k, v in record["fields"].items() if "级别" in labels.get(k, "")
                      and ("表彰" in labels[k] or "奖励" in labels[k])), None)  # fmt: skip
        if level is None:
            continue
        region = dept_region[record["provider"]]
        expected = "省级" if region.endswith("0000") else "市级"
        assert level == expected, (record["provider"], level)
        levels[level] += 1
        honour = next(
            (
                v
                for k, v in record["fields"].items()
                if re.search("荣誉）?名称|奖励名称", labels[k])
            ),
            None,
        )
        if honour is not None:
            area = "江苏省" if expected == "省级" else REGIONS["cities"][region]
            assert honour.startswith(area), (honour, record["provider"])
            if "企业" in honour:  # a business's honour goes to a business
                assert kind_of(record["subject"]) in ("91", "92", "93"), honour
    assert levels["省级"] > 0
    assert "国家级" not in levels


def test_agencies_and_branches_have_a_principal_not_a_legal_representative(records, by_code):
    """A government agency (街道办事处 and 镇人民政府 too), an individual business, a law firm or a
    branch has a 负责人: no field that names only a 法定代表人 is filled for it."""
    heads = Counter()
    for record in records:
        subject = record["subject"]
        kind = kind_of(subject)
        name = subject["name"]
        labels = {f["name"]: f.get("label", "") for f in by_code[record["item"]]["fields"]}
        legal = {
            k for k in record["fields"] if "法定代表人" in labels[k] and "负责人" not in labels[k]
        }
        if kind in ("11", "92", "31", "Y1") or name.endswith(("分公司", "街道办事处", "人民政府")):
            assert not legal, (name, legal)
            if record["item"] == "org_registration":
                number = record["fields"]["principal_id_number"]
                assert ric.calc_check_digit(number) == number[17]
                assert record["fields"]["principal_name"]
                heads[kind] += 1
        elif kind != "person" and record["item"] == "org_registration":
            assert legal == {"legal_representative_name", "legal_representative_id_number"}
    assert heads["11"] and heads["92"]


# --- arrivals ----------------------------------------------------------------------------------


def test_arrivals_fill_every_month_of_two_years(records):
    months = Counter(r["arrives_on"][:7] for r in records)
    first, last = min(r["arrives_on"] for r in records), max(r["arrives_on"] for r in records)
    assert first >= "2024-12-04" and last <= TODAY.isoformat()
    expected = [f"{y}-{m:02d}" for y, m in ((2025 + (i // 12), i % 12 + 1) for i in range(23))]
    assert all(months[m] > 0 for m in ["2024-12", *expected]), months
    # nothing arrives before it was decided (the platform refuses a future determined_on)
    assert all(r.get("determined_on", "") <= r["arrives_on"] for r in records)
    # no month holds much more than its share (no crowd on one day)
    assert max(months.values()) < 3 * len(records) / 24


def test_most_decisions_of_the_ten_acts_arrive_within_7_working_days(records, by_code):
    calendar = Calendar(builtin_years().values())
    on_time = late = 0
    for record in records:
        item = by_code[record["item"]]
        if not item.get("act_type"):
            continue
        decided = date.fromisoformat(record["fields"][item["decision_date_field"]])
        arrived = date.fromisoformat(record["arrives_on"])
        days = calendar.working_days_between(decided, arrived)
        assert days >= 0
        if days <= 7:
            on_time += 1
        else:
            late += 1
    assert 0.8 < on_time / (on_time + late) < 0.99, (on_time, late)


def test_the_late_share_is_configurable(items):
    calendar = Calendar(builtin_years().values())
    acts = {i["code"]: i["decision_date_field"] for i in items if i.get("act_type")}
    shares = []
    for late_share in (0.05, 0.3):
        g = DemoGenerator(items, seed=4, today=TODAY, late_share=late_share)
        days = [
            calendar.working_days_between(
                date.fromisoformat(r["fields"][acts[r["item"]]]),
                date.fromisoformat(r["arrives_on"]),
            )
            for r in g.records(600, arrivals=True)
            if r["item"] in acts
        ]
        shares.append(sum(d > 7 for d in days) / len(days))
    assert shares[0] < 0.1 < 0.2 < shares[1]


def test_arrivals_do_not_change_the_records(generator):
    with_arrivals = list(generator.records(200, arrivals=True))
    assert all(r.pop("arrives_on") for r in with_arrivals)
    assert orjson.dumps(with_arrivals) == orjson.dumps(list(generator.records(200)))


def test_arrivals_are_deterministic(items, records):
    again = list(DemoGenerator(items, seed=4, today=TODAY).records(1500, arrivals=True))
    assert orjson.dumps(again) == orjson.dumps(records)


# --- the showcase ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 4, 99])
def test_every_demo_holds_the_showcase_organisation(items, seed):
    generator = DemoGenerator(items, seed=seed, today=TODAY)
    code, name = generator.showcase
    assert (code, name) == ("91320100MA1XYW1240", "南京诚信示范科技有限公司")
    assert uscc.is_valid(code)
    own = [r for r in generator.records(50) if r["subject"].get("credit_code") == code]
    assert own[0]["item"] == "org_registration"
    assert own[0]["subject"]["name"] == name
    assert ric.is_valid(own[0]["fields"]["legal_representative_id_number"])
    assert len(own) >= 8
    assert len({r["item"] for r in own}) >= 5


def test_a_criminal_judgment_is_one_story(records, by_code):
    """The charge, the fine and the sentence of a judgment agree; an organisation is fined,
    never deprived of political rights, and 单位行贿罪 is an organisation's."""
    judged = 0
    for record in records:
        fields = record["fields"]
        if "charge" not in fields or "sentence" not in fields:
            continue
        judged += 1
        assert f"犯{fields['charge']}" in fields["sentence"], fields
        if "credit_code" in record["subject"]:
            assert "政治权利" not in fields.get("accessory_penalty", "")
            if "fine_amount" in fields:
                yuan = round(float(fields["fine_amount"]) * 10000)
                assert f"罚金人民币{yuan}元" in fields["sentence"], fields
        else:
            assert not fields["charge"].startswith("单位"), fields
    assert judged > 5
