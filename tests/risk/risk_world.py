"""A small world for the risk warning tests: tests/fixtures/lists.py's, with helpers to put
records on file, to run the sweep as the scheduled job does and to read warnings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fixtures.helpers import catalog_record, make_caller
from fixtures.lists import World
from xinyong.core.auth import SYSTEM
from xinyong.core.locks import advisory_xact_lock
from xinyong.models import Role, Subject
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step
from xinyong.risk.sweep import SweepResult, sweep


class RiskWorld(World):
    def record(self, caller, item: str, subject: dict, source_id: str, **fields: Any) -> None:  # type: ignore[no-untyped-def]
        body = catalog_record(item, source_id, subject, **fields.pop("_over", {}))
        body["fields"].update(fields)
        self.push(caller, body)

    def sweep(self, *, force: bool = True) -> SweepResult | None:
        """The sweep as the job runs it: under its lock, in one transaction."""
        with self.db.transaction() as session:
            advisory_xact_lock(session, "job:risk_sweep")
            return sweep(
                session, Step(CollectionContext(self.db), SYSTEM, self.clock.now()), force=force
            )

    def subject_id(self, key: str) -> int:
        with self.db.transaction() as session:
            return session.execute(
                select(Subject.id).where(Subject.credit_code == key)
            ).scalar_one()

    def subject_caller(self, key: str):  # type: ignore[no-untyped-def]
        return make_caller(self.db, self.clock, role=Role.subject, subject_id=self.subject_id(key))

    def warnings(self, caller) -> list[dict]:  # type: ignore[no-untyped-def]
        answer = self.client.get("/api/v1/warnings", headers=caller.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()["warnings"]

    def add_contact(self, key: str, channel: str, address: str) -> None:
        """The subject's address for its warnings, as it gives it through the API."""
        answer = self.client.post(
            "/api/v1/risk/contacts",
            json={"channel": channel, "address": address},
            headers=self.subject_caller(key).headers,
        )
        assert answer.status_code == 201, answer.text
