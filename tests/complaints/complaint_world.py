"""A world for the complaint tests: the list world's departments (amr: market regulation, a
provider in 320000; tax; court; finance, a user department; cred, the authority), ACME
registered with the platform, a person and an organisation the platform does not know, and
shortcuts through the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from fixtures.helpers import Caller, catalog_record, credit_code, id_number, make_caller
from fixtures.lists import ACME, World, org
from xinyong.models import Complaint, EvidenceFile, Role, Subject, Task

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# Neither is known to the platform until a substantiated complaint's record names it.
STRANGER = credit_code("91320100MA1T7R6Q5")
SUSPECT = id_number("32010219750505123")
INFORMANT = {
    "name": "李举报",
    "phone": "13912345678",
    "email": "whistle@example.cn",
    "address": "南京市玄武区举报路1号",
}
PENALTY_FIELDS = {
    "decision_number": "宁市监罚〔2026〕88号",
    "violation_type": "销售过期食品",
    "violation_facts": "经核查，举报属实：当事人销售超过保质期的食品",
    "penalty_basis": "《中华人民共和国食品安全法》第一百二十四条",
    "penalty_category": "罚款",
    "penalty_content": "罚款人民币五万元",
    "fine_amount": "5",
    "decided_on": "2026-06-15",
    "penalty_authority": "南京市市场监督管理局",
    "penalty_authority_code": credit_code("11320100MB1234567"),
    "current_status": "正常",
    "data_source": "南京市市场监督管理局",
    "data_source_code": credit_code("11320100MB1234567"),
}


def complaint_body(**over: Any) -> dict:
    body: dict[str, Any] = {
        "subject": {"credit_code": ACME, "name": "南京测试科技有限公司"},
        "facts": "该公司门店长期销售过期食品，我于6月10日购买的牛奶已过期三天。",
        "happened_on": "2026-06-10",
        "place": "南京市玄武区中山路1号门店",
        "sector": "market_regulation",
        "informant": None,
    }
    body.update(over)
    return body


@dataclass
class ComplaintWorld:
    w: World
    acme_id: int
    acme: Caller

    @classmethod
    def make(cls, w: World) -> ComplaintWorld:
        registration = catalog_record("org_registration", "reg-acme", org(ACME))
        registration["fields"].update(name="南京测试科技有限公司", status="存续")
        w.push(w.market, registration)
        with w.db.transaction() as session:
            acme = session.execute(
                select(Subject.id).where(Subject.credit_code == ACME)
            ).scalar_one()
        return cls(
            w=w, acme_id=acme, acme=make_caller(w.db, w.clock, role=Role.subject, subject_id=acme)
        )

    @property
    def client(self):  # type: ignore[no-untyped-def]
        return self.w.client

    def today(self) -> date:
        return self.w.clock.now().date()

    def file(  # type: ignore[no-untyped-def]
        self,
        body: dict | None = None,
        *,
        files: list[tuple[str, bytes, str]] | None = None,
        raw: str | None = None,
        headers: dict | None = None,
        **over: Any,
    ):
        payload = (
            raw
            if raw is not None
            else json.dumps(body or complaint_body(**over), ensure_ascii=False)
        )
        return self.client.post(
            "/api/v1/complaints",
            data={"complaint": payload},
            files=[("files", f) for f in (files or [])] or None,
            headers=headers or {},
        )

    def filed(self, *args: Any, **kw: Any) -> dict:
        answer = self.file(*args, **kw)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def receipt(self, code: str):  # type: ignore[no-untyped-def]
        return self.client.post("/api/v1/complaint-receipts", json={"receipt_code": code})

    def complaint_id(self, code: str) -> str:
        """The complaint of a receipt code, as the platform holds it (tests only)."""
        from xinyong.complaints.rules import receipt_hash

        with self.w.db.transaction() as session:
            return str(
                session.execute(
                    select(Complaint.id).where(Complaint.receipt_hash == receipt_hash(code))
                ).scalar_one()
            )

    def step(self, cid: str, step: str, caller: Caller | None = None, **body: Any):  # type: ignore[no-untyped-def]
        return self.client.post(
            f"/api/v1/complaints/{cid}/steps",
            json={"step": step, **body},
            headers=(caller or self.w.market).headers,
        )

    def stepped(self, cid: str, step: str, caller: Caller | None = None, **body: Any) -> dict:
        answer = self.step(cid, step, caller, **body)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def get(self, cid: str, caller: Caller | None = None):  # type: ignore[no-untyped-def]
        return self.client.get(
            f"/api/v1/complaints/{cid}", headers=(caller or self.w.market).headers
        )

    def stored(self) -> tuple[int, int, int]:
        """Complaints, evidence files and tasks stored: what a refusal must leave as it was."""
        with self.w.db.transaction() as session:
            return (
                session.execute(select(func.count()).select_from(Complaint)).scalar_one(),
                session.execute(select(func.count()).select_from(EvidenceFile)).scalar_one(),
                session.execute(select(func.count()).select_from(Task)).scalar_one(),
            )


def error(answer) -> dict:  # type: ignore[no-untyped-def]
    return answer.json()["error"]
