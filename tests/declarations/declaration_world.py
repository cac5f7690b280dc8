"""A world for the declaration tests: the list world's departments (amr: market regulation,
competent for qualifications and contracts; tax: for operations; no development-reform or
civil-affairs department, so honours and public-interest work go to the authority's queue);
ACME registered with its legal representative and holding a licence the platform collected;
CITIZEN a person; and shortcuts through the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from fixtures.helpers import Caller, catalog_record, make_caller
from fixtures.lists import ACME, CITIZEN, LEGAL_REP, World, org, person
from xinyong.models import Declaration, EvidenceFile, Role, Subject, Task
from xinyong.subjects.service import find_subject

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
LEGAL_REP_NAME = "王法人"
LICENCE = "JY13201000001"


def qualification(**over: Any) -> dict:
    return {
        "licence_name": "食品经营许可证",
        "licence_number": LICENCE,
        "issuing_authority": "南京市市场监督管理局",
        "valid_from": "2025-01-01",
        "valid_to": "2030-12-31",
        **over,
    }


CONTRACT = {
    "counterparty": "南京某某建设有限公司",
    "contract_subject": "办公楼装修工程",
    "amount": "120.50",
    "signed_on": "2025-03-01",
    "performed_on": "2026-02-28",
}
HONOUR = {
    "title": "江苏省守合同重信用企业",
    "awarding_body": "江苏省市场监督管理局",
    "awarded_on": "2026-01-20",
}


@dataclass
class DeclarationWorld:
    w: World
    acme: Caller
    citizen: Caller
    acme_id: int

    @classmethod
    def make(cls, w: World) -> DeclarationWorld:
        # ACME's registration names its legal representative (a link in force); its licence
        # is collected from market regulation.
        registration = catalog_record("org_registration", "reg-acme", org(ACME))
        registration["fields"].update(
            name="南京测试科技有限公司",
            status="存续",
            legal_representative_name=LEGAL_REP_NAME,
            legal_representative_id_number=LEGAL_REP,
        )
        licence = catalog_record("administrative_licensing", "lic-acme", org(ACME))
        licence["fields"].update(
            licence_number=LICENCE, valid_from="2025-01-01", valid_to="2030-12-31"
        )
        w.push(w.market, registration, licence)
        w.push(w.market, catalog_record("administrative_licensing", "citizen-1", person(CITIZEN)))
        with w.db.transaction() as session:
            acme = session.execute(
                select(Subject.id).where(Subject.credit_code == ACME)
            ).scalar_one()
            citizen = find_subject(session, CITIZEN, cipher=w.db.cipher).id
        return cls(
            w=w,
            acme=make_caller(w.db, w.clock, role=Role.subject, subject_id=acme),
            citizen=make_caller(w.db, w.clock, role=Role.subject, subject_id=citizen),
            acme_id=acme,
        )

    @property
    def client(self):  # type: ignore[no-untyped-def]
        return self.w.client

    def today(self) -> date:
        return self.w.clock.now().date()

    def move_to(self, day: date) -> None:
        self.w.pass_days((day - self.today()).days)

    def declare(  # type: ignore[no-untyped-def]
        self,
        category: str = "qualification",
        fields: dict | None = None,
        *,
        caller: Caller | None = None,
        files: list[tuple[str, bytes, str]] | None = None,
        raw: str | None = None,
        **over: Any,
    ):
        """ACME declares (the default), with one PDF attached unless ``files`` says else."""
        caller = caller or self.acme
        body: dict[str, Any] = {
            "category": category,
            "fields": qualification() if fields is None else fields,
            "commitment_version": 1,
            "confirmed": True,
        }
        if caller is self.acme:
            body["legal_representative"] = LEGAL_REP_NAME
        body.update(over)
        body = {k: v for k, v in body.items() if v is not None}
        parts = files if files is not None else [("许可证.pdf", PDF, "application/pdf")]
        return self.client.post(
            "/api/v1/declarations",
            data={"declaration": raw if raw is not None else json.dumps(body, ensure_ascii=False)},
            files=[("files", p) for p in parts] or None,
            headers=caller.headers,
        )

    def declared(self, *args: Any, **kw: Any) -> dict:
        answer = self.declare(*args, **kw)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def verify(self, did: str, outcome: str, caller: Caller | None = None, **over: Any):  # type: ignore[no-untyped-def]
        body = {"outcome": outcome, "reason": "经核查", **over}
        if outcome == "false":
            body.setdefault("decision_number", "宁市监信认〔2026〕7号")
        return self.client.post(
            f"/api/v1/declarations/{did}/verification",
            json=body,
            headers=(caller or self.w.market).headers,
        )

    def stored(self) -> tuple[int, int, int]:
        """Declarations, evidence files and tasks stored: what a refusal must leave as it was."""
        with self.w.db.transaction() as session:
            return (
                session.execute(select(func.count()).select_from(Declaration)).scalar_one(),
                session.execute(select(func.count()).select_from(EvidenceFile)).scalar_one(),
                session.execute(select(func.count()).select_from(Task)).scalar_one(),
            )


def error(answer) -> dict:  # type: ignore[no-untyped-def]
    return answer.json()["error"]
