"""Everything a person reads is Chinese: log in as every role, follow every same-site link from
the role's home (GET only, bounded) and read each page's visible text — outside ``<code>``,
``<script>``, ``<style>`` and attributes — for what must never show there: an internal key
(``decision_number``, ``target_type``), a sector code (``agriculture``), an English status word
(``marked``, ``in_force``, ``rejected``, ``record``) or a seed file's tag (``000 §``,
``Measures art.``).

Two data sets: the tests' small world taken through every procedure (objection, verification,
decision, appeal, repair, notice objection, lists, checks), on both databases; and a small
generated demo data set (xinyong.demo), on both databases too.
"""

from __future__ import annotations

import json
import re
from collections import Counter, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from fixtures.demo import FULL, kept_demo
from fixtures.helpers import Caller, catalog_record, make_caller, org, penalty, person
from fixtures.lists import ACME, BETA, CITIZEN, GAMMA, World, make_world
from xinyong.core import labels
from xinyong.core.clock import FixedClock
from xinyong.db import Database
from xinyong.departments.service import get_department
from xinyong.models import Role, Subject, SubjectKind
from xinyong.web import accounts

PASSWORD = "a long enough secret"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CATALOG = Path(__file__).parents[2] / "src" / "xinyong" / "catalog" / "default_catalog.json"
ACME_NAME = "南京艾克米科技有限公司"

# Pages per role, and pages per address shape (digits as N): enough to see every kind of page
# a role reaches, a few of each, without reading every subject of the demo.
MAX_PAGES = 200
PER_SHAPE = 3
SKIP = ("/logout", "/api/", "/static/", "/docs", "/redoc", "/openapi.json")


# ---- Reading a page as a person does


class VisibleText(HTMLParser):
    """The text a person reads, outside <code>, <script>, <style> (attributes are never text);
    and the links it offers (href of <a> without ``download``)."""

    HIDDEN = frozenset({"code", "script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.stack: list[str] = []
        self.chunks: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            found = dict(attrs)
            if found.get("href") and "download" not in found:
                self.links.append(found["href"] or "")
        if tag in self.HIDDEN:
            self.hidden += 1
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and tag in self.stack:
            while self.stack:
                self.hidden -= 1
                if self.stack.pop() == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.append(data)


@dataclass
class Page:
    role: str
    url: str
    text: str


def read(html: str) -> tuple[str, list[str]]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.chunks).split()), parser.links


def crawl(client: TestClient, role: str, starts: list[str]) -> list[Page]:
    """Every page reachable from ``starts`` by same-site links, breadth first, bounded: the
    pages under the first start (the role's console) before any other."""
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    home = starts[0] if starts[0] != "/" else None
    console: deque[str] = deque(starts[:1])
    others: deque[str] = deque(starts[1:])
    pages: list[Page] = []
    while (console or others) and len(pages) < MAX_PAGES:
        url = console.popleft() if console else others.popleft()
        if url in seen:
            continue
        seen.add(url)
        # An address's shape: its path with numbers as N, and the names of its query (a filter
        # is read a few times, not in every combination of its values).
        path, _, query = url.partition("?")
        keys = sorted(k.partition("=")[0] for k in query.split("&") if k)
        shape = re.sub(r"\d+", "N", path) + "?" + "&".join(keys)
        if shapes[shape] >= PER_SHAPE:
            continue
        shapes[shape] += 1
        answer = client.get(url, follow_redirects=True)
        assert answer.status_code < 500, f"{role} {url}: {answer.status_code}"
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        text, links = read(answer.text)
        pages.append(Page(role, url, text))
        for href in links:
            target, _ = urldefrag(urljoin(url, href))
            parts = urlsplit(target)
            if parts.scheme and parts.netloc not in ("", "testserver"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not local.startswith("/") or local.startswith(SKIP) or local in seen:
                continue
            if local.endswith((".csv", ".xlsx", ".jsonl", ".pdf", ".json", "/download")):
                continue
            mine = home is not None and (local == home or local.startswith(home + "/"))
            (console if mine else others).append(local)
    return pages


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    client.cookies.clear()
    form = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


HOMES = {
    Role.subject: "/me",
    Role.provider: "/department",
    Role.user_department: "/department",
    Role.authority: "/authority",
}


def crawl_as(client: TestClient, logins: dict[str, tuple[str, str, Role]], public: list[str]):
    """``logins``: a name of the role → username, password, role. The public first."""
    client.cookies.clear()
    pages = crawl(client, "public", ["/", *public])
    for name, (username, password, role) in logins.items():
        log_in(client, username, password)
        pages += crawl(client, name, [HOMES[role], "/", *public])
    client.cookies.clear()
    return pages


# ---- What must never be read


# A code stands alone or after a department's prefix (js-agriculture); a word inside a path,
# an address or a file name (证明.pdf, amr-staff) is not one.
SNAKE = re.compile(r"(?<![\w./@:#])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
# Codes of every table a person should read only by name: states, steps, standings,
# severities, sectors, roles, grounds, outcomes.
STATUS_WORDS = sorted(
    {
        "marked",
        "pending",
        "in_force",
        "still_in_force",
        "approved",
        "rejected",
        "record",
        "list_entry",
        "system",
        *labels.ROLE_NAMES,
        *labels.SEVERITY_NAMES,
        *labels.STANDING_NAMES,
        *labels.ENTRY_STATES,
        *labels.STEP_NAMES,
        *labels.PROCEDURE_STEPS,
        *labels.OBJECTION_STATES,
        *labels.OBJECTION_OUTCOMES,
        *labels.APPEAL_STATES,
        *labels.APPEAL_OUTCOMES,
        *labels.REPAIR_STATES,
        *labels.CATALOG_STATUSES,
        *labels.CATEGORY_NAMES,
        *labels.DISCLOSURE_NAMES,
        *labels.LIST_KINDS,
        *labels.ACTIONS,
        *labels.COMMITMENT_STATES,
        *labels.COMMITMENT_STEPS,
        *labels.COMMITMENT_CHANNELS,
        *labels.COMMITMENT_TYPES,
        *labels.DECLARATION_STATES,
        *labels.DECLARATION_CATEGORIES,
        *labels.DECLARATION_VERIFIERS,
    }
)
WORD = r"(?<![\w./@:#]){}(?![\w/@-])"
STATUS = re.compile("|".join(WORD.format(re.escape(w)) for w in STATUS_WORDS))
SECTOR = re.compile("|".join(WORD.format(re.escape(w)) for w in labels.SECTOR_NAMES))
TAGS = re.compile(r"\b00[0-4] §|§（|Measures art\.|003 联合奖惩|003 政务诚信")


def offences(pages: list[Page], pattern: re.Pattern[str]) -> list[str]:
    """Each offending text once per page shape and role: the page, the text and around it."""
    found: dict[tuple[str, str, str], str] = {}
    for p in pages:
        for m in pattern.finditer(p.text):
            around = p.text[max(0, m.start() - 30) : m.end() + 30]
            key = (p.role, re.sub(r"\d+", "N", p.url), m.group(0))
            found.setdefault(key, f"{p.role} {p.url}: {m.group(0)!r} in …{around}…")
    return sorted(found.values())


def assert_no_leaks(pages: list[Page]) -> None:
    roles = {p.role for p in pages}
    assert len(pages) > 10 * len(roles) or len(pages) > 40, [p.url for p in pages]
    leaks = offences(pages, SNAKE) + offences(pages, SECTOR) + offences(pages, STATUS)
    assert not leaks, f"{len(leaks)} leaks:\n" + "\n".join(leaks[:300])


def assert_no_file_tags(pages: list[Page]) -> None:
    leaks = offences(pages, TAGS)
    assert not leaks, f"{len(leaks)} leaks:\n" + "\n".join(leaks[:300])


# ---- The tests' world, through every procedure


def upload(w: World, caller: Caller) -> str:
    answer = w.client.post(
        "/api/v1/evidence", files={"file": ("证明.pdf", PDF)}, headers=caller.headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def ok(answer):  # type: ignore[no-untyped-def]
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def subject_id(db: Database, kind: SubjectKind, credit_code: str | None = None) -> int:
    """A subject of the world: the organisation of that code, or its one natural person."""
    query = select(Subject.id).where(Subject.kind == kind)
    if credit_code:
        query = query.where(Subject.credit_code == credit_code)
    with db.transaction() as session:
        return session.execute(query).scalars().one()


def build_test_world(client: TestClient, db: Database, clock: FixedClock):  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    post = w.client.post
    w.push(w.market, penalty("p-1", ACME, ACME_NAME), penalty("p-2", BETA, "南京贝塔贸易有限公司"))
    w.push(w.market, catalog_record("administrative_penalty", "pp-1", person(CITIZEN, "张测试")))
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME, ACME_NAME), "c1")
    w.list_entry(w.tax, "tax_a_grade", org(GAMMA, "南京伽马有限公司"), "g1")
    ok(w.check("bidding", ACME, GAMMA))
    acme = make_caller(
        db, clock, role=Role.subject, subject_id=subject_id(db, SubjectKind.legal_person, ACME)
    )

    # An objection referred, verified, rejected and appealed.
    record = w.record_id(ACME, "administrative_penalty")
    body = {
        "target": {"record": str(record)},
        "ground": "wrong_or_incomplete",
        "statement": "罚款金额应为五千元",
        "evidence": [{"file_id": upload(w, acme), "kind": "evidence"}],
    }
    oid = ok(post("/api/v1/objections", json=body, headers=acme.headers))["id"]
    ok(post(f"/api/v1/objections/{oid}/referral", headers=w.authority.headers))
    verified = {"found_wrong": False, "opinion": "经核实信息无误"}
    ok(post(f"/api/v1/objections/{oid}/verification", json=verified, headers=w.market.headers))
    decided = {"outcome": "rejected", "reason": "信息无误"}
    ok(post(f"/api/v1/objections/{oid}/decision", json=decided, headers=w.authority.headers))
    appeal = {"procedure": "objection", "id": oid, "statement": "不服异议处理决定", "evidence": []}
    ok(post("/api/v1/appeals", json=appeal, headers=acme.headers))
    # A second objection, under referral to the market regulator.
    second = {**body, "evidence": [], "ground": "past_validity", "statement": "已过期"}
    oid2 = ok(post("/api/v1/objections", json=second, headers=acme.headers))["id"]
    ok(post(f"/api/v1/objections/{oid2}/referral", headers=w.authority.headers))

    # A repair in public notice, with an objection raised in its notice.
    court_record = w.record_id(ACME, "court_judgment_defaulter")
    repair = {
        "target": {"record": str(court_record)},
        "ways": ["commitment", "rectification"],
        "corrected_on": "2026-05-20",
        "correction": "已全部履行判决确定的义务。",
        "commitment": "本单位承诺今后守法诚信经营。",
        "credit_management": "已建立信用管理制度。",
        "evidence": [
            {"file_id": upload(w, acme), "kind": "evidence"},
            {"file_id": upload(w, acme), "kind": "rectification"},
        ],
    }
    rid = ok(post("/api/v1/repairs", json=repair, headers=acme.headers))["id"]
    opinion = {"positive": True, "text": "同意信用修复。"}
    ok(post(f"/api/v1/repairs/{rid}/opinion", json=opinion, headers=w.court.headers))
    raised = {"statement": "该企业仍在拖欠货款"}
    ok(post(f"/api/v1/repairs/{rid}/objections", json=raised, headers=w.market.headers))

    # Commitments: one signed online and waiting, one accepted and fulfilled, a paper one
    # found false (its negative record), and a natural person's.
    def commit(caller: Caller, reference: str, **over: object) -> str:
        body = {"item": "food_business_prepackaged_notice", "template_version": 1}
        body.update(reference=reference, **over)
        if caller is acme:
            body.update(department="amr", confirmed=True)
        return ok(post("/api/v1/commitments", json=body, headers=caller.headers))["id"]

    commit(acme, "受理-1")
    done = commit(acme, "受理-2")
    ok(post(f"/api/v1/commitments/{done}/acceptance", headers=w.market.headers))
    fulfilled = {"outcome": "fulfilled", "note": "已补齐"}
    ok(post(f"/api/v1/commitments/{done}/fulfilment", json=fulfilled, headers=w.market.headers))
    scan = ok(
        post(
            "/api/v1/evidence",
            files={"file": ("承诺书.pdf", PDF)},
            data={"subject": ACME},
            headers=w.market.headers,
        )
    )["id"]
    false = commit(w.market, "纸质-1", subject=ACME, evidence_file_id=scan)
    found = {"outcome": "false", "note": "承诺不实", "decision_number": "宁市监认〔2026〕1号"}
    ok(post(f"/api/v1/commitments/{false}/fulfilment", json=found, headers=w.market.headers))

    # Self-declarations: a licence the platform cannot confirm, on the market regulator's
    # queue; a contract it rejected; an honour on the authority's own queue, found false;
    # public-interest work it verified (on the portal).
    def declare(category: str, fields: dict) -> str:
        body = {"category": category, "fields": fields, "legal_representative": "王法人"}
        body.update(commitment_version=1, confirmed=True)
        answer = post(
            "/api/v1/declarations",
            data={"declaration": json.dumps(body, ensure_ascii=False)},
            files=[("files", ("许可证.pdf", PDF, "application/pdf"))],
            headers=acme.headers,
        )
        return ok(answer)["id"]

    licence = {"licence_name": "食品经营许可证", "licence_number": "JY1", "issuing_authority": "局"}
    declare("qualification", {**licence, "valid_from": "2025-01-01"})
    contract = {"counterparty": "南京某公司", "contract_subject": "装修", "amount": "12"}
    did = declare("contract", {**contract, "performed_on": "2026-02-28"})
    rejected = {"outcome": "rejected", "reason": "相对方否认"}
    ok(post(f"/api/v1/declarations/{did}/verification", json=rejected, headers=w.market.headers))
    honour = {"title": "守合同重信用企业", "awarding_body": "省局", "awarded_on": "2026-01-20"}
    hid = declare("honour", honour)
    false = {"outcome": "false", "reason": "伪造", "decision_number": "苏信认〔2026〕1号"}
    ok(post(f"/api/v1/declarations/{hid}/verification", json=false, headers=w.authority.headers))
    work = {"activity": "社区志愿服务", "held_on": "2026-05-01", "organiser": "街道", "hours": "8"}
    pid = declare("public_interest", work)
    fine = {"outcome": "verified", "reason": "属实"}
    ok(post(f"/api/v1/declarations/{pid}/verification", json=fine, headers=w.authority.headers))

    people = {
        "subject company": (
            "acme",
            Role.subject,
            None,
            subject_id(db, SubjectKind.legal_person, ACME),
        ),
        "subject person": (
            "citizen",
            Role.subject,
            None,
            subject_id(db, SubjectKind.natural_person),
        ),
        "provider department": ("shichang", Role.provider, "amr", None),
        "provider department (court)": ("fayuan", Role.provider, "court", None),
        "user department": ("caizheng", Role.user_department, "finance", None),
        "authority": ("xinyong", Role.authority, "cred", None),
    }
    with db.transaction() as session:
        for username, role, dept, sid in people.values():
            accounts.create_user(
                session,
                username=username,
                display_name=f"{username} 经办人",
                password=PASSWORD,
                role=role,
                department=get_department(session, dept) if dept else None,
                subject_id=sid,
                actor="test",
                now=clock.now(),
            )
    logins = {name: (u, PASSWORD, role) for name, (u, role, _, _) in people.items()}
    return crawl_as(client, logins, [f"/search?q={ACME_NAME}", f"/subjects/{ACME}", "/commitments"])


def build_demo(client: TestClient, db: Database, clock: FixedClock):  # type: ignore[no-untyped-def]
    made = kept_demo(client, db, clock, **FULL).accounts
    logins: dict[str, tuple[str, str, Role]] = {}
    for username, account in sorted(made.items()):
        role = Role(account["role"])
        name = {"demo-company": "subject company", "demo-person": "subject person"}.get(
            username, role.value
        )
        logins.setdefault(name, (username, account["password"], role))
    assert len(logins) == 5, logins
    return crawl_as(client, logins, ["/lists", "/catalog", "/measures"])


# One crawl per data set and database, read by both tests.
_CRAWLS: dict[tuple[str, str], list[Page]] = {}


def pages_of(request: pytest.FixtureRequest, database_url: str, kind: str) -> list[Page]:
    key = (kind, database_url)
    if key not in _CRAWLS:
        client = request.getfixturevalue("client")
        db, clock = request.getfixturevalue("db"), request.getfixturevalue("clock")
        build = build_test_world if kind == "test" else build_demo
        _CRAWLS[key] = build(client, db, clock)
    return _CRAWLS[key]


@pytest.fixture(params=["test", "demo"])
def pages(request: pytest.FixtureRequest, database_url: str) -> list[Page]:
    return pages_of(request, database_url, request.param)


def test_no_page_shows_an_internal_key_a_sector_code_or_an_english_status(pages) -> None:  # type: ignore[no-untyped-def]
    assert_no_leaks(pages)


def test_no_page_shows_a_seed_file_tag(pages) -> None:  # type: ignore[no-untyped-def]
    assert_no_file_tags(pages)


def test_the_reader_finds_what_it_must() -> None:
    """The crawl's own checks fail where they must (no test that cannot fail)."""
    text, links = read(
        '<p>decision_number <code>org_registration</code> <a href="/x" title="in_force">'
        "记录</a><script>var target_type = 1;</script> 依据 Measures art. 32 农业 agriculture"
        ' 状态 marked</p><a href="/y.csv" download>下载</a>'
    )
    page = [Page("public", "/", text)]
    assert links == ["/x"]
    assert [m.group(0) for m in SNAKE.finditer(text)] == ["decision_number"]
    assert offences(page, SECTOR) and offences(page, STATUS) and offences(page, TAGS)
    assert "org_registration" not in text and "target_type" not in text
    clean = [Page("public", "/", read("<p>用户 wang.amr 上传 证明.pdf（12 KB）</p>")[0])]
    coded = [Page("public", "/", read("<p>部门 js-agriculture 与 nj-tax_bureau</p>")[0])]
    assert offences(coded, SECTOR) and offences(coded, SNAKE)
    assert not offences(clean, SNAKE) + offences(clean, SECTOR) + offences(clean, STATUS)
