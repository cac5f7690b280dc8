"""A small world for the inspection tests: a market regulator (the lead), a tax bureau (a
partner of joint plans), organisations in two cities made subjects by a registration record
each, grades written straight into the evaluation tables (the engine is evaluation/'s), and
shortcuts through the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from fixtures.helpers import AUTHORITY_CODE, Caller, catalog_record, credit_code, org
from fixtures.lists import World, make_world
from xinyong.models import EvaluationFieldGrade, EvaluationGrade, Subject

# 南京 320100 and 无锡 320200.
NANJING, WUXI = "320100", "320200"


def code_of(region: str, n: int) -> str:
    return credit_code(f"91{region}MA1{n:05d}X")


@dataclass
class InspectionWorld:
    w: World
    orgs: list[str] = field(default_factory=list)

    @property
    def client(self) -> TestClient:
        return self.w.client

    def subjects(self, region: str, count: int, start: int = 0) -> list[str]:
        """``count`` organisations of ``region``, made subjects by a registration record."""
        codes = [code_of(region, start + i) for i in range(count)]
        records = [
            catalog_record(
                "org_registration", f"reg-{code}", org(code, f"测试企业{region}{start + i}")
            )
            for i, code in enumerate(codes)
        ]
        self.w.push(self.w.market, *records)
        self.orgs += codes
        return codes

    def subject_id(self, code: str) -> int:
        with self.w.db.transaction() as session:
            return session.execute(
                select(Subject.id).where(Subject.credit_code == code)
            ).scalar_one()

    def grade(self, code: str, grade: str) -> None:
        """The public grade, as the evaluation engine would leave it."""
        with self.w.db.transaction() as session:
            session.add(
                EvaluationGrade(
                    subject_id=self.subject_id(code),
                    model_id=1,
                    run_id=1,
                    score=Decimal("900.00"),
                    grade=grade,
                    capped_by=None,
                    points={},
                    as_of=date(2026, 6, 1),
                    evaluated_at=self.w.clock.now(),
                )
            )

    def field_grade(self, code: str, field: str, grade: str, public: str = "B") -> None:
        """A grade for a field: an industry evaluation combined with the public grade."""
        with self.w.db.transaction() as session:
            session.add(
                EvaluationFieldGrade(
                    subject_id=self.subject_id(code),
                    field=field,
                    industry_label="AAA",
                    industry_grade=grade,
                    public_grade=public,
                    combined_grade=grade,
                    source_record_id=1,
                    run_id=1,
                )
            )

    def pool(
        self,
        caller: Caller,
        count: int,
        *,
        fields: tuple[str, ...] = (),
        conflicts: dict[int, list[str]] | None = None,
    ) -> dict:
        """``count`` inspectors for the caller's department (badges ``<dept>-000`` …);
        ``conflicts``: inspector number → the credit codes it declared."""
        sector = fields or (caller_sector(caller),)
        body = {
            "inspectors": [
                {
                    "badge_number": f"{caller.department}-{n:03d}",
                    "name": f"检查员{n}",
                    "fields": list(sector),
                    "conflicts": [
                        {"subject": c, "reason": "近亲属任职"} for c in (conflicts or {}).get(n, [])
                    ],
                }
                for n in range(count)
            ]
        }
        answer = self.client.put("/api/v1/inspections/pool", json=body, headers=caller.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def plan_body(self, **over: Any) -> dict:
        body = {
            "title": "2026年度市场监管双随机抽查",
            "items": [
                {
                    "code": "SJ-01",
                    "name": "企业公示信息抽查",
                    "basis": "《企业信息公示暂行条例》第十四条",
                }
            ],
            "population": {"regions": [NANJING[:4]]},
            "inspect_from": "2026-06-15",
            "inspect_until": "2026-07-31",
        }
        body.update(over)
        return body

    def plan(self, caller: Caller | None = None, **over: Any) -> dict:
        answer = self.client.post(
            "/api/v1/inspections/plans",
            json=self.plan_body(**over),
            headers=(caller or self.w.market).headers,
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    def publish(self, plan_id: str, caller: Caller | None = None) -> dict:
        answer = self.client.post(
            f"/api/v1/inspections/plans/{plan_id}/publication",
            headers=(caller or self.w.market).headers,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def draw(self, plan_id: str, caller: Caller | None = None):
        return self.client.post(
            f"/api/v1/inspections/plans/{plan_id}/draw", headers=(caller or self.w.market).headers
        )

    def drawn_plan(self, **over: Any) -> tuple[str, dict]:
        plan = self.plan(**over)
        self.publish(plan["id"])
        answer = self.draw(plan["id"])
        assert answer.status_code == 201, answer.text
        return plan["id"], answer.json()

    def result(self, code: str, **over: Any) -> dict:
        body = {
            "subject": code,
            "decision_number": f"宁市监查〔2026〕{code[-6:]}号",
            "result": "未发现问题",
            "inspected_on": "2026-06-15",
            "decided_on": "2026-06-15",
            "authority_code": AUTHORITY_CODE,
        }
        body.update(over)
        return body


def caller_sector(caller: Caller) -> str:
    return {"amr": "market_regulation", "tax": "tax", "finance": "finance"}[caller.department or ""]


def make_inspection_world(client: TestClient, db, clock) -> InspectionWorld:  # type: ignore[no-untyped-def]
    return InspectionWorld(make_world(client, db, clock))


def error(answer) -> dict:  # type: ignore[no-untyped-def]
    """The error of an API answer: code, message, message_en, field, detail."""
    return answer.json()["error"]
