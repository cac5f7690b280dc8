"""Shortcuts through the API for the objection and appeal tests: subjects with records, their
own tokens, evidence uploads, and each step of an objection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from fixtures.helpers import Caller, make_caller, penalty
from fixtures.lists import ACME, BETA, World, make_world
from xinyong.core.clock import SHANGHAI, FixedClock
from xinyong.db import Database
from xinyong.models import Role, Subject

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class Ow:
    """The list world plus what objections need: subject tokens and a second authority
    reviewer (separation of duties on appeal)."""

    w: World
    acme: Caller
    beta: Caller
    reviewer: Caller

    @property
    def client(self) -> TestClient:
        return self.w.client

    @property
    def authority(self) -> Caller:
        return self.w.authority

    def today(self) -> date:
        return self.w.clock.now().date()

    def go_to(self, day: date) -> None:
        self.w.clock.set(datetime.combine(day, time(10, 0), tzinfo=SHANGHAI))

    def upload(self, caller: Caller, data: bytes = PDF, subject: str | None = None) -> Any:
        form = {"subject": subject} if subject else None
        return self.client.post(
            "/api/v1/evidence",
            files={"file": ("证明.pdf", data)},
            data=form,
            headers=caller.headers,
        )

    def evidence(self, caller: Caller, kind: str = "evidence", subject: str | None = None):  # type: ignore[no-untyped-def]
        answer = self.upload(caller, subject=subject)
        assert answer.status_code == 201, answer.text
        return {"file_id": answer.json()["id"], "kind": kind}

    def file(
        self,
        caller: Caller,
        *,
        record: int | str | None = None,
        entry: str | None = None,
        ground: str = "wrong_or_incomplete",
        **over: Any,
    ) -> Any:
        target = {"record": str(record)} if record is not None else {"list_entry": entry}
        body = {"target": target, "ground": ground, "statement": "处罚金额记载错误", **over}
        return self.client.post("/api/v1/objections", json=body, headers=caller.headers)

    def filed(self, caller: Caller, **kwargs: Any) -> dict:
        answer = self.file(caller, **kwargs)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def act(self, caller: Caller, objection: dict | str, action: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        oid = objection if isinstance(objection, str) else objection["id"]
        return self.client.post(
            f"/api/v1/objections/{oid}/{action}", json=body, headers=caller.headers
        )

    def done(self, caller: Caller, objection: dict | str, action: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        answer = self.act(caller, objection, action, body)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def decide(self, objection: dict, outcome: str, caller: Caller | None = None) -> dict:
        return self.done(
            caller or self.authority,
            objection,
            "decision",
            {"outcome": outcome, "reason": "经核实" if outcome == "upheld" else "信息无误"},
        )

    def get(self, caller: Caller, objection: dict | str) -> Any:
        oid = objection if isinstance(objection, str) else objection["id"]
        return self.client.get(f"/api/v1/objections/{oid}", headers=caller.headers)

    def appeal(self, caller: Caller, objection: dict, **over: Any) -> Any:
        body = {"procedure": "objection", "id": objection["id"], "statement": "不服", **over}
        return self.client.post("/api/v1/appeals", json=body, headers=caller.headers)

    def decide_appeal(self, caller: Caller, appeal: dict, outcome: str) -> Any:
        return self.client.post(
            f"/api/v1/appeals/{appeal['id']}/decision",
            json={"outcome": outcome, "reason": "经复核"},
            headers=caller.headers,
        )

    def archive_records(self, key: str, caller: Caller | None = None) -> dict[str, dict]:
        """The subject's records by id, as the public (no caller) or the caller sees them."""
        answer = self.client.get(
            f"/api/v1/subjects/{key}/archive",
            params={"purpose": "异议核查"},
            headers=caller.headers if caller else {},
        )
        assert answer.status_code == 200, answer.text
        return {r["id"]: r for recs in answer.json()["categories"].values() for r in recs}

    def documents(self, key: str, caller: Caller | None = None) -> list[dict]:
        answer = self.client.get(
            f"/api/v1/subjects/{key}/documents", headers=(caller or self.authority).headers
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def tasks(self, caller: Caller | None = None, **params: Any) -> list[dict]:
        answer = self.client.get(
            "/api/v1/tasks", params=params, headers=(caller or self.authority).headers
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["tasks"]

    def check(self, key: str, scenario: str = "government_procurement") -> dict:
        answer = self.w.check(scenario, key)
        assert answer.status_code == 200, answer.text
        return answer.json()["results"][0]

    def penalty(self, key: str, source_id: str, name: str = "南京测试科技有限公司", **over: Any):  # type: ignore[no-untyped-def]
        """An administrative penalty of the market regulator against ``key``; its id."""
        self.w.push(self.w.market, penalty(source_id, key, name, **over))
        records = self.archive_records(key, self.authority).values()
        return int(next(r["id"] for r in records if r["source_id"] == source_id))


def subject_caller(db: Database, clock: FixedClock, key: str) -> Caller:
    with db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == key)).scalar_one()
    return make_caller(db, clock, role=Role.subject, subject_id=sid)


def make_ow(client: TestClient, db: Database, clock: FixedClock) -> tuple[Ow, int, int]:
    """The world with one penalty of ACME and one of BETA (ids returned)."""
    w = make_world(client, db, clock)
    ow = Ow(w=w, acme=None, beta=None, reviewer=None)  # type: ignore[arg-type]
    acme_record = ow.penalty(ACME, "p-acme")
    beta_record = ow.penalty(BETA, "p-beta", "南京乙公司")
    ow.acme = subject_caller(db, clock, ACME)
    ow.beta = subject_caller(db, clock, BETA)
    ow.reviewer = make_caller(
        db, clock, role=Role.authority, kind="credit_authority", code="cred-appeals"
    )
    return ow, acme_record, beta_record
