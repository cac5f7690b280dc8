"""A world for the commitment tests: the list world's departments (amr: market regulation,
which accepts the 容缺受理 of enterprise registration), ACME's and CITIZEN's subject tokens,
and shortcuts through the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from fixtures.helpers import Caller, make_caller
from fixtures.lists import ACME, CITIZEN, World
from xinyong.models import Role, Subject
from xinyong.subjects.service import find_subject

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# 容缺受理 of enterprise registration: 10 working days, market regulation accepts.
MISSING = "enterprise_registration_missing"
# The documents a 容缺受理 is accepted without (by default).
DOCUMENTS = ["住所使用证明", "法定代表人任职文件"]
# 仅销售预包装食品 告知承诺: for every kind of subject, market regulation accepts.
NOTICE = "food_business_prepackaged_notice"


@dataclass
class CommitmentWorld:
    w: World
    acme: Caller
    citizen: Caller
    acme_id: int

    @classmethod
    def make(cls, w: World) -> CommitmentWorld:
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

    def sign(self, caller: Caller | None = None, **over: Any):  # type: ignore[no-untyped-def]
        """ACME signs online (the default), or a department records on paper (give
        ``caller`` and ``subject``)."""
        caller = caller or self.acme
        body: dict[str, Any] = {"item": MISSING, "template_version": 1, "reference": "受理-001"}
        if caller is self.acme or caller is self.citizen:
            body.update(department="amr", confirmed=True)
        body.update(over)
        if body["item"] == MISSING:  # a 容缺受理 names the documents missing
            body.setdefault("missing_documents", DOCUMENTS)
        return self.client.post("/api/v1/commitments", json=body, headers=caller.headers)

    def signed(self, caller: Caller | None = None, **over: Any) -> dict:
        answer = self.sign(caller, **over)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def paper(self, **over: Any) -> dict:
        """A paper commitment amr records for ACME: accepted at once."""
        return self.signed(self.w.market, subject=ACME, **over)

    def step(self, caller: Caller, cid: str, action: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(
            f"/api/v1/commitments/{cid}/{action}", json=body, headers=caller.headers
        )

    def fulfil(self, cid: str, outcome: str, caller: Caller | None = None, **over: Any):  # type: ignore[no-untyped-def]
        body = {"outcome": outcome, "note": "经核查", **over}
        if outcome != "fulfilled":
            body.setdefault("decision_number", "苏市监信认〔2026〕1号")
        return self.step(caller or self.w.market, cid, "fulfilment", body)

    def upload(self, caller: Caller) -> str:
        answer = self.client.post(
            "/api/v1/evidence", files={"file": ("承诺书.pdf", PDF)}, headers=caller.headers
        )
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]


def error(answer) -> dict:  # type: ignore[no-untyped-def]
    return answer.json()["error"]
