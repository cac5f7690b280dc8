"""A small world for the government-integrity tests: tests/fixtures/lists.py's, with a
finance provider, a discipline and a personnel department, government bodies, and shortcuts to
push 政务失信 records and open their cases as the daily jobs do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from fixtures.helpers import Caller, catalog_record, credit_code, id_number, make_caller
from fixtures.lists import World, make_world
from xinyong.core.auth import SYSTEM
from xinyong.core.clock import FixedClock
from xinyong.core.locks import advisory_xact_lock
from xinyong.db import Database
from xinyong.departments.service import create_department, create_token
from xinyong.government.service import sync_cases
from xinyong.models import Department, Role, Subject
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step

# 南京市江宁区住房和城乡建设局 (机关, 320115) and 南京市某区属医院 (事业单位, 320115); their
# superior, 南京市江宁区人民政府, is a department of the platform here.
BUREAU = credit_code("11320115MB0123456")
HOSPITAL = credit_code("12320115MB0654321")
DISTRICT = credit_code("11320115MB0000017")
SUPPLIER = credit_code("91320115MA1Q2W3E4")
OFFICIAL = id_number("32011519750505001")


@dataclass
class GovernmentWorld(World):
    finance: Caller
    discipline: Caller
    establishment: Caller
    personnel: Caller
    district: Caller

    def failure(
        self, caller: Caller, subject: dict, source_id: str, kind: str = "违约毁约", **fields: Any
    ) -> None:
        body = catalog_record("government_failure", source_id, subject)
        body["fields"].update(
            {
                "failure_kind": kind,
                "basis_kind": "司法判决",
                "decision_number": f"（2026）苏0115民初{source_id}号",
                "decided_on": "2026-05-10",
                "deciding_authority": "南京市江宁区人民法院",
                "facts": "未按合同约定履行付款义务。",
                **fields,
            }
        )
        self.push(caller, body)

    def unpaid_bill(self, subject: dict, source_id: str, owed: str = "50") -> None:
        self.failure(
            self.finance,
            subject,
            source_id,
            kind="拖欠企业账款",
            basis_kind="问责处理",
            creditor_name="南京供应商科技有限公司",
            creditor_credit_code=SUPPLIER,
            amount_owed=owed,
            payment_due_on="2025-12-31",
        )

    def sync(self) -> int:
        """The cases opened as the daily job opens them: under its lock, in one transaction."""
        with self.db.transaction() as session:
            advisory_xact_lock(session, "job:government_cases")
            return sync_cases(session, Step(CollectionContext(self.db), SYSTEM, self.clock.now()))

    def subject_id(self, key: str) -> int:
        with self.db.transaction() as session:
            column = (
                Subject.credit_code if len(key) == 18 and not key.isdigit() else Subject.id_masked
            )
            return session.execute(select(Subject.id).where(column == key)).scalar_one()

    def subject_caller(self, key: str) -> Caller:
        return make_caller(self.db, self.clock, role=Role.subject, subject_id=self.subject_id(key))

    def cases(self, caller: Caller | None = None, **params: Any) -> list[dict]:
        answer = self.client.get(
            "/api/v1/government/cases", params=params, headers=(caller or self.authority).headers
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["cases"]

    def act(self, caller: Caller, case_id: str, action: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(
            f"/api/v1/government/cases/{case_id}/{action}", json=body, headers=caller.headers
        )


def make_government_world(client: TestClient, db: Database, clock: FixedClock) -> GovernmentWorld:
    world = make_world(client, db, clock)
    with db.transaction() as session:
        dept = session.execute(select(Department).where(Department.code == "court")).scalar_one()
        dept.region_code = "320115"
    district = _department(db, clock, "district", "other", "320115", DISTRICT)
    return GovernmentWorld(
        **world.__dict__,
        finance=make_caller(db, clock, role=Role.provider, kind="finance", code="fin"),
        discipline=make_caller(
            db, clock, role=Role.provider, kind="discipline_inspection", code="jw"
        ),
        establishment=make_caller(
            db, clock, role=Role.provider, kind="org_establishment", code="bb"
        ),
        personnel=make_caller(
            db, clock, role=Role.provider, kind="organisation_personnel", code="zz"
        ),
        district=district,
    )


def _department(
    db: Database, clock: FixedClock, code: str, kind: str, region: str, own: str
) -> Caller:
    with db.transaction() as session:
        dept = create_department(
            session,
            code=code,
            name="南京市江宁区人民政府",
            region_code=region,
            kind=kind,
            actor="test",
            now=clock.now(),
            credit_code=own,
        )
        _, token = create_token(
            session,
            role=Role.provider,
            name="test",
            department=dept,
            actor="test",
            now=clock.now(),
        )
    return Caller(token, code)
