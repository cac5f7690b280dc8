"""The deterministic demo-data generator (xinyong.demo.generator)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from xinyong.demo.generator import DemoDepartment, DemoGenerator, write_csv, write_jsonl
from xinyong.demo.government import is_government_item

TODAY = date(2026, 6, 15)
CATALOG_FILE = (
    Path(__file__).resolve().parents[2] / "src" / "xinyong" / "catalog" / "default_catalog.json"
)

# --- identifier checks (independent of the generator's own arithmetic) --------------------------

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))


def own_valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(ch not in ALPHABET for ch in code) or not code[2:8].isdigit():
        return False
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(code[:17], CREDIT_WEIGHTS, strict=True))
    return code[17] == ALPHABET[(31 - total % 31) % 31]


def own_valid_id_number(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1950, 1, 1) <= born <= date(2004, 12, 31):
        return False
    total = sum(int(ch) * w for ch, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return number[17] == "10X98765432"[total % 11]


try:  # the platform's validators, when present, must accept every generated number too
    from xinyong.core.identifiers import is_valid_credit_code, is_valid_id_number
except ImportError:  # pragma: no cover - module not written yet
    is_valid_credit_code = own_valid_credit_code
    is_valid_id_number = own_valid_id_number


def valid_credit_code(code: str) -> bool:
    return own_valid_credit_code(code) and is_valid_credit_code(code)


def valid_id_number(number: str) -> bool:
    return own_valid_id_number(number) and is_valid_id_number(number)


def org_code_ok(code9: str) -> bool:
    """GB 11714 check of the organisation code inside a credit code (characters 9–17)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(ch, 36) * w for ch, w in zip(code9[:8], weights, strict=True))
    check = 11 - total % 11
    return code9[8] == ("X" if check == 10 else "0" if check == 11 else str(check))


# --- catalogs ----------------------------------------------------------------------------------

STATUS = ["正常", "撤销", "异议", "其他"]

INLINE_ITEMS: list[dict] = [
    {
        "code": "org_registration",
        "name": "法人和其他组织登记信息",
        "category": "basic",
        "disclosure": "public",
        "subject_types": ["organisation"],
        "sources": ["market_regulation", "civil_affairs", "org_establishment"],
        "update_cycle": "daily",
        "legal_validity_years": None,
        "legal_validity_basis": None,
        "retention_years": 5,
        "legal_basis": "《企业信息公示暂行条例》",
        "act_type": None,
        "decision_date_field": None,
        "registers_subject": True,
        "links": [
            {
                "role": "legal_representative",
                "name_field": "legal_representative_name",
                "id_field": "legal_representative_id_number",
            },
            {"role": "principal", "name_field": "principal_name", "id_field": "principal_id"},
        ],
        "fields": [
            {"name": "name", "label": "名称", "type": "string", "required": True},
            {"name": "entity_form", "label": "类型", "type": "string", "required": True},
            {"name": "registered_capital", "label": "注册资本（万元）", "type": "decimal",
             "required": False},
            {"name": "established_on", "label": "成立日期", "type": "date", "required": True},
            {"name": "address", "label": "住所", "type": "string", "required": True,
             "max_length": 300},
            {"name": "registration_authority", "label": "登记机关", "type": "string",
             "required": True},
            {"name": "status", "label": "登记状态", "type": "enum", "required": True,
             "values": ["存续", "在业", "吊销", "注销", "迁出"]},
            {"name": "legal_representative_name", "label": "法定代表人姓名", "type": "string",
             "required": True, "max_length": 100},
            {"name": "legal_representative_id_number", "label": "法定代表人身份证号码",
             "type": "id_number", "required": True},
            {"name": "principal_name", "label": "主要负责人姓名", "type": "string",
             "required": False},
            {"name": "principal_id", "label": "主要负责人身份证号码", "type": "id_number",
             "required": False},
        ],
    },
    {
        "code": "administrative_licensing",
        "name": "行政许可信息",
        "category": "basic",
        "disclosure": "public",
        "subject_types": ["organisation", "person"],
        "sources": ["market_regulation", "ecology_environment", "transport"],
        "update_cycle": "realtime",
        "legal_validity_years": None,
        "legal_validity_basis": None,
        "retention_years": 5,
        "legal_basis": "《中华人民共和国行政许可法》",
        "act_type": "licensing",
        "decision_date_field": "decided_on",
        "registers_subject": False,
        "links": [],
        "fields": [
            {"name": "decision_number", "label": "行政许可决定文书号", "type": "string",
             "required": True, "max_length": 100},
            {"name": "licence_category", "label": "许可类别", "type": "enum", "required": True,
             "values": ["普通", "特许", "认可", "核准", "登记", "其他"]},
            {"name": "licence_content", "label": "许可内容", "type": "text", "required": True},
            {"name": "decided_on", "label": "许可决定日期", "type": "date", "required": True},
            {"name": "valid_from", "label": "有效期自", "type": "date", "required": True},
            {"name": "valid_to", "label": "有效期至", "type": "date", "required": True},
            {"name": "licensing_authority", "label": "许可机关", "type": "string",
             "required": True},
            {"name": "licensing_authority_code", "label": "许可机关统一社会信用代码",
             "type": "credit_code", "required": True},
            {"name": "current_status", "label": "当前状态", "type": "enum", "required": True,
             "values": STATUS},
        ],
    },
    {
        "code": "administrative_penalty",
        "name": "行政处罚信息",
        "category": "negative",
        "disclosure": "public",
        "subject_types": ["organisation", "person"],
        "sources": ["market_regulation", "tax", "ecology_environment"],
        "update_cycle": "realtime",
        "legal_validity_years": None,
        "legal_validity_basis": None,
        "retention_years": 5,
        "legal_basis": "《中华人民共和国行政处罚法》",
        "act_type": "penalty",
        "decision_date_field": "decided_on",
        "registers_subject": False,
        "links": [],
        "fields": [
            {"name": "decision_number", "label": "行政处罚决定书文号", "type": "string",
             "required": True, "max_length": 100},
            {"name": "violation_facts", "label": "违法事实", "type": "text", "required": True},
            {"name": "penalty_basis", "label": "处罚依据", "type": "text", "required": True},
            {"name": "penalty_category", "label": "处罚类别", "type": "enum", "required": True,
             "values": ["警告", "通报批评", "罚款", "没收违法所得", "其他"]},
            {"name": "penalty_content", "label": "处罚内容", "type": "text", "required": True},
            {"name": "fine_amount", "label": "罚款金额（万元）", "type": "decimal",
             "required": False},
            {"name": "decided_on", "label": "处罚决定日期", "type": "date", "required": True},
            {"name": "publicity_until", "label": "公示截止期", "type": "date",
             "required": False},
            {"name": "penalty_authority", "label": "处罚机关", "type": "string",
             "required": True},
            {"name": "penalty_authority_code", "label": "处罚机关统一社会信用代码",
             "type": "credit_code", "required": True},
            {"name": "legal_representative_name", "label": "法定代表人", "type": "string",
             "required": False, "max_length": 100},
            {"name": "remarks", "label": "备注", "type": "text", "required": False,
             "max_length": 1000},
        ],
    },
    {
        "code": "person_honour",
        "name": "自然人表彰信息",
        "category": "positive",
        "disclosure": "public",
        "subject_types": ["person"],
        "sources": ["civil_affairs", "human_resources"],
        "update_cycle": "monthly",
        "legal_validity_years": None,
        "legal_validity_basis": None,
        "retention_years": 5,
        "legal_basis": "《江苏省社会信用条例》",
        "act_type": None,
        "decision_date_field": None,
        "registers_subject": False,
        "links": [],
        "fields": [
            {"name": "honour_name", "label": "表彰（荣誉）名称", "type": "string",
             "required": True},
            {"name": "honour_level", "label": "表彰级别", "type": "enum", "required": True,
             "values": ["国家级", "省级", "市级", "县级"]},
            {"name": "conferred_on", "label": "授予日期", "type": "date", "required": True},
            {"name": "description", "label": "表彰事由", "type": "text", "required": False},
        ],
    },
    {
        "code": "court_judgment_defaulter",
        "name": "失信被执行人信息",
        "category": "negative",
        "disclosure": "public",
        "subject_types": ["organisation", "person"],
        "sources": ["court"],
        "update_cycle": "daily",
        "legal_validity_years": None,
        "legal_validity_basis": None,
        "retention_years": 5,
        "legal_basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》",
        "act_type": None,
        "decision_date_field": None,
        "registers_subject": False,
        "links": [],
        "fields": [
            {"name": "case_number", "label": "案号", "type": "string", "required": True,
             "max_length": 100},
            {"name": "executing_court", "label": "执行法院", "type": "string", "required": True},
            {"name": "filed_on", "label": "立案日期", "type": "date", "required": True},
            {"name": "obligation", "label": "生效法律文书确定的义务", "type": "text",
             "required": True},
            {"name": "performance_status", "label": "被执行人的履行情况", "type": "enum",
             "required": True, "values": ["全部未履行", "部分未履行"]},
            {"name": "listed_until", "label": "纳入期限至", "type": "date", "required": False},
        ],
    },
]  # fmt: skip


def _catalogs() -> list:
    params = [pytest.param(INLINE_ITEMS, id="inline")]
    if CATALOG_FILE.exists():
        items = json.loads(CATALOG_FILE.read_text("utf-8"))["items"]
        params.insert(0, pytest.param(items, id="default"))
    return params


@pytest.fixture(scope="module", params=_catalogs())
def items(request) -> list[dict]:
    return request.param


@pytest.fixture(scope="module")
def generator(items) -> DemoGenerator:
    return DemoGenerator(items, seed=7, today=TODAY)


@pytest.fixture(scope="module")
def records(generator) -> list[dict]:
    return list(generator.records(300))


@pytest.fixture(scope="module")
def by_code(items) -> dict[str, dict]:
    return {item["code"]: item for item in items}


@pytest.fixture(scope="module")
def dept_kinds(generator) -> dict[str, str]:
    return {d.code: d.kind for d in generator.departments()}


def subject_key(record: dict) -> str:
    subject = record["subject"]
    return subject.get("credit_code") or subject["id_number"]


# --- determinism -------------------------------------------------------------------------------


def test_same_seed_gives_identical_records(items, records):
    again = list(DemoGenerator(items, seed=7, today=TODAY).records(300))
    assert orjson.dumps(again) == orjson.dumps(records)


def test_a_generator_repeats_itself(generator):
    assert list(generator.records(40)) == list(generator.records(40))


def test_interleaved_runs_are_independent(generator):
    alone = list(generator.records(60))
    first, second = generator.records(60), generator.records(60)
    pairs = list(zip(first, second, strict=True))
    assert [a for a, _b in pairs] == [b for _a, b in pairs] == alone


def test_different_seed_gives_different_records(items, records):
    other = list(DemoGenerator(items, seed=8, today=TODAY).records(300))
    assert other != records
    assert {subject_key(r) for r in other} != {subject_key(r) for r in records}


def test_output_does_not_depend_on_hash_randomisation(items, tmp_path):
    """Byte-identical across processes with different PYTHONHASHSEED (no set/hash ordering)."""
    items_file = tmp_path / "items.json"
    items_file.write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    script = (
        "import json, sys, hashlib, datetime, orjson\n"
        "from xinyong.demo.generator import DemoGenerator\n"
        "items = json.load(open(sys.argv[1], encoding='utf-8'))\n"
        "g = DemoGenerator(items, seed=3, today=datetime.date(2026, 6, 15))\n"
        "h = hashlib.sha256()\n"
        "for r in g.records(400): h.update(orjson.dumps(r))\n"
        "print(h.hexdigest(), orjson.dumps([d.__dict__ for d in g.departments()]).hex())\n"
    )
    outputs = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", script, str(items_file)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    digest = hashlib.sha256()
    for record in DemoGenerator(items, seed=3, today=TODAY).records(400):
        digest.update(orjson.dumps(record))
    assert outputs.pop().split()[0] == digest.hexdigest()


# --- shape -------------------------------------------------------------------------------------


RECORD_KEYS = {"provider", "item", "source_id", "subject", "fields"}


def test_record_shape(records, by_code):
    for record in records:
        item = by_code[record["item"]]
        negative = item["category"] == "negative"
        expected = RECORD_KEYS | ({"severity", "determined_on"} if negative else set())
        assert set(record) == expected, record
        subject = record["subject"]
        assert set(subject) in ({"credit_code", "name"}, {"id_number", "name"})
        assert subject["name"]
        assert isinstance(record["fields"], dict)


def test_text_is_gbk_encodable(records, generator):
    """CSV exports in GBK must work: every generated string is in GBK."""
    for record in records:
        for value in (record["subject"]["name"], *record["fields"].values()):
            if isinstance(value, str):
                value.encode("gbk")
    for department in generator.departments():
        department.name.encode("gbk")


def test_every_item_appears_at_300_subjects(items, records):
    seen = {r["item"] for r in records}
    usable = [
        i["code"]
        for i in items
        if i.get("sources") and i.get("subject_types") and not is_government_item(i)
    ]
    assert set(usable) <= seen


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_every_item_appears_at_200_subjects(items, seed):
    seen = {r["item"] for r in DemoGenerator(items, seed=seed, today=TODAY).records(200)}
    usable = [
        i["code"]
        for i in items
        if i.get("sources") and i.get("subject_types") and not is_government_item(i)
    ]
    assert set(usable) <= seen


def test_subject_types_and_sources_are_respected(records, by_code, dept_kinds):
    for record in records:
        item = by_code[record["item"]]
        kind = "organisation" if "credit_code" in record["subject"] else "person"
        assert kind in item["subject_types"], record
        assert dept_kinds[record["provider"]] in item["sources"], record


def test_field_values_follow_the_catalog(records, by_code):
    for record in records:
        item = by_code[record["item"]]
        fields = record["fields"]
        declared = {f["name"]: f for f in item["fields"]}
        assert set(fields) <= set(declared), record
        for name, spec in declared.items():
            if spec.get("required"):
                assert name in fields, (record["item"], name)
            if name not in fields:
                continue
            value = fields[name]
            kind = spec["type"]
            if kind in ("string", "text"):
                assert isinstance(value, str) and value, (name, value)
                default = 200 if kind == "string" else 4000
                assert len(value) <= (spec.get("max_length") or default), (name, value)
            elif kind == "date":
                assert date.fromisoformat(value).isoformat() == value
            elif kind == "decimal":
                assert isinstance(value, str) and Decimal(value) >= 0
                assert len(value.split(".")[1]) == 2
            elif kind == "integer":
                assert isinstance(value, int) and not isinstance(value, bool)
            elif kind == "enum":
                assert value in spec["values"], (name, value)
            elif kind == "credit_code":
                assert valid_credit_code(value), (name, value)
            elif kind == "id_number":
                assert valid_id_number(value), (name, value)


def test_dates_are_plausible(records, by_code):
    for record in records:
        item = by_code[record["item"]]
        decision = item.get("decision_date_field")
        if decision:
            day = date.fromisoformat(record["fields"][decision])
            assert TODAY - timedelta(days=4 * 366) <= day < TODAY
        fields = record["fields"]
        if "valid_from" in fields and "valid_to" in fields:
            assert fields["valid_from"] <= fields["valid_to"]


def test_decision_numbers_look_real(records):
    numbers = [
        r["fields"]["decision_number"]
        for r in records
        if r["item"] == "administrative_penalty" and "decision_number" in r["fields"]
    ]
    assert numbers
    for number in numbers:
        assert "〔20" in number and number.endswith("号"), number


def test_negative_records_carry_severity_and_determination(records, by_code):
    severities = Counter()
    ages = []
    for record in records:
        if by_code[record["item"]]["category"] != "negative":
            continue
        severities[record["severity"]] += 1
        day = date.fromisoformat(record["determined_on"])
        assert TODAY - timedelta(days=4 * 366) <= day < TODAY
        ages.append((TODAY - day).days)
    assert set(severities) <= {"general", "serious", "severe"}
    assert severities["general"] > severities["severe"] > 0
    assert any(age > 366 for age in ages)  # some are past their 1-year validity
    assert any(age < 366 for age in ages)


def test_source_ids_are_unique_per_provider_and_item(records):
    keys = [(r["provider"], r["item"], r["source_id"]) for r in records]
    assert len(keys) == len(set(keys))


# --- subjects ----------------------------------------------------------------------------------


def test_identifiers_are_valid_and_unique(records):
    names_by_key: dict[str, set[str]] = defaultdict(set)
    for record in records:
        subject = record["subject"]
        if "credit_code" in subject:
            assert valid_credit_code(subject["credit_code"]), subject
            assert org_code_ok(subject["credit_code"][8:17]), subject
        else:
            assert valid_id_number(subject["id_number"]), subject
        names_by_key[subject_key(record)].add(subject["name"])
    assert all(len(names) == 1 for names in names_by_key.values())


def test_organisations_start_with_their_registration(records, by_code):
    registration = {code for code, item in by_code.items() if item.get("registers_subject")}
    first_seen: dict[str, str] = {}
    registrations = Counter()
    for record in records:
        key = subject_key(record)
        first_seen.setdefault(key, record["item"])
        if record["item"] in registration:
            registrations[key] += 1
            assert record["subject"]["name"] == record["fields"].get(
                "name", record["subject"]["name"]
            )
    orgs = [r["subject"]["credit_code"] for r in records if "credit_code" in r["subject"]]
    for code in set(orgs):
        assert first_seen[code] in registration
        assert registrations[code] == 1
    # 300 subjects: round(15 %) = 45 persons, 255 organisations, each registered once
    assert len(registrations) == 255


def test_subject_mix(items):
    records = list(DemoGenerator(items, seed=11, today=TODAY).records(2000))
    orgs = {r["subject"]["credit_code"] for r in records if "credit_code" in r["subject"]}
    assert len(orgs) == 1700
    kinds = Counter(code[:2] for code in orgs)
    assert kinds["91"] > 0.6 * len(orgs)
    for kind in ("92", "93", "12", "11", "51", "52", "N2"):
        assert kinds[kind] > 0, kind
    regions = Counter(code[2:4] for code in orgs)
    assert regions["32"] > 0.8 * len(orgs)
    assert len(regions) > 3  # some from other provinces
    average = len(records) / 2000
    assert 4.0 < average < 6.0, average


def test_legal_representatives_are_valid_persons_and_also_subjects(records, by_code):
    registration = next(code for code, item in by_code.items() if item.get("registers_subject"))
    links = {link["role"]: link for link in by_code[registration]["links"]}
    link = links["legal_representative"]
    required = next(
        f.get("required", False)
        for f in by_code[registration]["fields"]
        if f["name"] == link["id_field"]
    )
    representatives: dict[str, str] = {}
    for record in records:
        if record["item"] != registration:
            continue
        fields = record["fields"]
        if not has_legal_representative(record["subject"]) and not required:
            # an agency, individual business, law firm or branch: a 负责人, no 法定代表人
            assert link["id_field"] not in fields and link["name_field"] not in fields, record
            assert valid_id_number(fields[links["principal"]["id_field"]]), record
            continue
        id_number = fields[link["id_field"]]
        assert valid_id_number(id_number)
        assert (
            representatives.setdefault(id_number, fields[link["name_field"]])
            == fields[link["name_field"]]
        )
    person_subjects = {
        r["subject"]["id_number"]: r["subject"]["name"]
        for r in records
        if "id_number" in r["subject"]
    }
    both = set(representatives) & set(person_subjects)
    assert both  # some representatives have records of their own
    assert all(representatives[i] == person_subjects[i] for i in both)
    counts = Counter(
        r["fields"][link["id_field"]]
        for r in records
        if r["item"] == registration and link["id_field"] in r["fields"]
    )
    assert max(counts.values()) > 1  # some persons represent several organisations


PRINCIPAL_ONLY = ("11", "92", "31", "Y1")  # 机关, 个体工商户, 律师事务所, other: a 负责人


def has_legal_representative(subject: dict) -> bool:
    code = subject.get("credit_code")
    return bool(code) and code[:2] not in PRINCIPAL_ONLY and not subject["name"].endswith("分公司")


def test_id_numbers_mostly_match_their_region_history():
    """~1 % of ID numbers carry a region code created after the birth year (real, valid numbers
    that python-stdnum's strict check refuses); all others pass that strict check."""
    ric = pytest.importorskip("stdnum.cn.ric")
    g = DemoGenerator(INLINE_ITEMS, seed=5, today=TODAY, records_per_subject=1.0)
    ids = set()
    for record in g.records(20_000):
        subject = record["subject"]
        if "id_number" in subject:
            ids.add(subject["id_number"])
        for name in ("legal_representative_id_number", "principal_id"):
            if name in record["fields"]:
                ids.add(record["fields"][name])
    assert len(ids) > 2500
    assert all(valid_id_number(i) for i in ids)
    newer = [i for i in ids if not ric.is_valid(i)]
    assert 0.002 < len(newer) / len(ids) < 0.03, len(newer)
    births = Counter(int(i[6:10]) // 10 * 10 for i in ids)
    assert set(births) == {1950, 1960, 1970, 1980, 1990, 2000}


def test_departments(generator, items):
    departments = generator.departments()
    assert all(isinstance(d, DemoDepartment) for d in departments)
    codes = [d.code for d in departments]
    assert len(codes) == len(set(codes))
    assert all(valid_credit_code(d.credit_code) for d in departments)
    assert len({d.credit_code for d in departments}) == len(departments)
    by_code = {d.code: d for d in departments}
    authority = [d for d in departments if d.role == "authority"]
    assert [(d.code, d.kind, d.name) for d in authority] == [
        ("js-credit_authority", "credit_authority", "江苏省发展和改革委员会（省信用办）")
    ]
    sectors = {s for item in items for s in item["sources"]}
    provider_kinds = {d.kind for d in departments if d.role in ("provider", "authority")}
    assert sectors <= provider_kinds
    for sector in ("market_regulation", "tax"):
        if sector in sectors:
            for city, region in (("nj", "320100"), ("sz", "320500"), ("wx", "320200")):
                dept = by_code[f"{city}-{sector}"]
                assert dept.region_code == region and dept.role == "provider"
    assert by_code["js-trading_center"].name == "江苏省公共资源交易中心"
    assert by_code["js-finance"].name == "江苏省财政厅"
    assert by_code["js-icbc"].role == "user_department" and by_code["js-icbc"].kind == "banking"
    users = {d.kind for d in departments if d.role == "user_department"}
    assert {"other", "banking"} <= users
    if "tax" in sectors:
        assert by_code["js-tax"].name == "国家税务总局江苏省税务局"
        assert by_code["nj-market_regulation"].name == "南京市市场监督管理局"
    assert generator.departments() == departments


def test_providers_include_city_departments(records, dept_kinds):
    providers = Counter(r["provider"] for r in records)
    assert set(providers) <= set(dept_kinds)
    if "nj-market_regulation" in dept_kinds:
        assert any(p.startswith(("nj-", "sz-", "wx-")) for p in providers)


def test_person_names_are_chinese(records):
    for record in records:
        if "id_number" in record["subject"]:
            name = record["subject"]["name"]
            assert 2 <= len(name) <= 4
            assert all("\u4e00" <= ch <= "\u9fff" for ch in name)


# --- writers -----------------------------------------------------------------------------------


def test_write_jsonl(records, tmp_path):
    path = tmp_path / "records.jsonl"
    assert write_jsonl(iter(records), path) == len(records)
    lines = path.read_bytes().splitlines()
    assert [orjson.loads(line) for line in lines] == records


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_write_csv(records, by_code, tmp_path, encoding):
    item = by_code["administrative_penalty"]
    path = tmp_path / "penalty.csv"
    expected = [r for r in records if r["item"] == "administrative_penalty"]
    assert write_csv(records, path, item=item, encoding=encoding) == len(expected) > 0
    with open(path, encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle))
    names = [f["name"] for f in item["fields"]]
    assert rows[0] == [
        "source_id", "credit_code", "id_number", "name", "severity", "determined_on", *names
    ]  # fmt: skip
    assert len(rows) == len(expected) + 1
    for row, record in zip(rows[1:], expected, strict=True):
        values = dict(zip(rows[0], row, strict=True))
        assert values["source_id"] == record["source_id"]
        subject = record["subject"]
        assert values["credit_code"] == subject.get("credit_code", "")
        assert values["id_number"] == subject.get("id_number", "")
        assert values["severity"] == record["severity"]
        for name in names:
            assert values[name] == str(record["fields"].get(name, ""))
