"""A world for the repair tests (the `rw` fixture, conftest.py): the list world's departments,
ACME with a court judgment defaulter record and its black-list entry, ACME's and BETA's subject
tokens, and shortcuts through the API for each step of a repair."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from fixtures.helpers import Caller, catalog_record, make_caller
from fixtures.lists import ACME, World, org
from xinyong.jobs import run_jobs
from xinyong.models import Role, Subject
from xinyong.records.service import CollectionContext

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# ACME's failure: a court judgment defaulter record (severe: valid 3 years) determined on
# 2026-05-10 (catalog_record's default), corrected ten days later.
DETERMINED = "2026-05-10"
CORRECTED = "2026-05-20"


@dataclass
class RepairWorld:
    w: World
    acme: Caller
    beta: Caller
    record: int  # ACME's court_judgment_defaulter record
    entry: str  # ACME's court_judgment_defaulters entry based on it

    @property
    def client(self):  # type: ignore[no-untyped-def]
        return self.w.client

    def today(self) -> date:
        return self.w.clock.now().date()

    def move_to(self, day: date) -> None:
        self.w.pass_days((day - self.today()).days)

    def upload(self, caller: Caller, subject: str | None = None) -> str:
        answer = self.client.post(
            "/api/v1/evidence",
            files={"file": ("证明.pdf", PDF)},
            data={"subject": subject} if subject else None,
            headers=caller.headers,
        )
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]

    def body(
        self,
        target: dict,
        *,
        caller: Caller | None = None,
        ways: tuple[str, ...] = ("commitment", "rectification"),
        evidence: list[dict] | None = None,
        **over: Any,
    ) -> dict:
        """An eligible application: one file of the correction and one per way that needs it."""
        caller = caller or self.acme
        subject = over.get("subject")
        if evidence is None:
            kinds = ["evidence", *(w for w in ways if w != "commitment")]
            evidence = [{"file_id": self.upload(caller, subject), "kind": k} for k in kinds]
        return {
            "target": target,
            "ways": list(ways),
            "corrected_on": CORRECTED,
            "correction": "已全部履行判决确定的义务，取得申请执行人的谅解。",
            "commitment": "本单位承诺今后严格守法诚信经营，不再发生失信行为。（盖章）",
            "credit_management": "已制定《信用管理制度》，由法务部专人负责合同与纳税合规。",
            "evidence": evidence,
            **over,
        }

    def apply(self, body: dict, caller: Caller | None = None):  # type: ignore[no-untyped-def]
        return self.client.post("/api/v1/repairs", json=body, headers=(caller or self.acme).headers)

    def applied(self, target: dict | None = None, **over: Any) -> dict:
        answer = self.apply(self.body(target or {"record": str(self.record)}, **over))
        assert answer.status_code == 201, answer.text
        return answer.json()

    def post(self, caller: Caller, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(f"/api/v1/repairs/{path}", json=body, headers=caller.headers)

    def opinion(self, repair: dict, positive: bool = True, caller: Caller | None = None):  # type: ignore[no-untyped-def]
        return self.post(
            caller or self.w.court,
            f"{repair['id']}/opinion",
            {"positive": positive, "text": "经核实，该主体已纠正失信行为，同意信用修复。"},
        )

    def noticed(self, target: dict | None = None) -> dict:
        """Applied and given a positive opinion: in public notice."""
        answer = self.opinion(self.applied(target))
        assert answer.status_code == 200, answer.text
        assert answer.json()["state"] == "notice"
        return answer.json()

    def get(self, repair: dict, caller: Caller | None = None) -> dict:
        answer = self.client.get(
            f"/api/v1/repairs/{repair['id']}", headers=(caller or self.acme).headers
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def tick(self) -> int:
        return run_jobs(self.w.db, self.w.clock, CollectionContext(self.w.db))["repairs_effective"]

    def push(self, caller: Caller, item: str, source_id: str, key: str = ACME, **over: Any) -> int:
        """A new record of the subject; its id (World.record_id gives the oldest of an item)."""
        before = self.record_ids(key)
        self.w.push(caller, catalog_record(item, source_id, org(key), **over))
        [new] = self.record_ids(key) - before
        return new

    def record_ids(self, key: str) -> set[int]:
        archive = self.client.get(
            f"/api/v1/subjects/{key}/archive",
            params={"purpose": "核查"},
            headers=self.w.authority.headers,
        ).json()
        return {int(r["id"]) for records in archive["categories"].values() for r in records}

    def documents(self, caller: Caller | None = None) -> list[dict]:
        answer = self.client.get(
            f"/api/v1/subjects/{ACME}/documents", headers=(caller or self.acme).headers
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def tasks(self, caller: Caller, **params: Any) -> list[dict]:
        answer = self.client.get("/api/v1/tasks", params=params, headers=caller.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()["tasks"]


def subject_caller(w: World, key: str) -> Caller:
    with w.db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == key)).scalar_one()
    return make_caller(w.db, w.clock, role=Role.subject, subject_id=sid)


def error(answer) -> dict:  # type: ignore[no-untyped-def]
    return answer.json()["error"]


def day_after(day: str) -> date:
    return date.fromisoformat(day) + timedelta(days=1)
