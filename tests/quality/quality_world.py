"""A small world for the data-quality tests: tests/fixtures/lists.py's departments (a market
regulator, a tax bureau, a court, a user department, the authority), with helpers to put
records on file, to run the checks as the daily job does and to read the findings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fixtures.helpers import Caller, catalog_record, penalty
from fixtures.lists import World
from xinyong.core.auth import SYSTEM
from xinyong.core.locks import advisory_xact_lock
from xinyong.departments.service import create_department, create_token
from xinyong.models import Department, Role
from xinyong.quality.run import RunResult, check
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step

REGISTERED = "南京艾克米科技有限公司"


class QualityWorld(World):
    def record(
        self, caller: Caller, item: str, subject: dict, source_id: str, **fields: Any
    ) -> None:
        body = catalog_record(item, source_id, subject)
        body["fields"].update(fields)
        self.push(caller, body)

    def penalty(self, caller: Caller, source_id: str, key: str, name: str, **fields: Any) -> None:
        body = penalty(source_id, key, name)
        body["fields"].update(fields)
        self.push(caller, body)

    def check(self, kind: str = "incremental") -> RunResult:
        """A run as the job does it: under its lock, in one transaction, now."""
        with self.db.transaction() as session:
            advisory_xact_lock(session, "job:quality")
            return check(
                session, Step(CollectionContext(self.db), SYSTEM, self.clock.now()), kind=kind
            )

    def findings(self, caller: Caller, **params: Any) -> list[dict]:
        answer = self.client.get("/api/v1/quality/findings", params=params, headers=caller.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()["findings"]

    def department_id(self, code: str) -> int:
        with self.db.transaction() as session:
            return session.execute(
                select(Department.id).where(Department.code == code)
            ).scalar_one()

    def local_provider(self, code: str, region: str, kind: str = "market_regulation") -> Caller:
        """A provider of a city or county, with its token."""
        with self.db.transaction() as session:
            dept = create_department(
                session,
                code=code,
                name=f"测试{region}",
                region_code=region,
                kind=kind,
                actor="test",
                now=self.clock.now(),
            )
            _, token = create_token(
                session,
                role=Role.provider,
                name="test",
                department=dept,
                actor="test",
                now=self.clock.now(),
            )
        return Caller(token, code)
