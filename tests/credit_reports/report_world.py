"""The credit report tests' world: the list tests' departments (tests/fixtures/lists.py), a bank,
ACME with a public penalty, a government-shared arrears record and an authorised donation, a
person on record, and shortcuts through the API."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fixtures.helpers import Caller, catalog_record, make_caller, org, penalty, person
from fixtures.lists import ACME, BETA, CITIZEN, World, make_world
from xinyong.models import Role
from xinyong.subjects.service import find_subject

ACME_NAME = "南京艾克米科技有限公司"


@dataclass
class ReportWorld(World):
    bank: Caller
    hr: Caller
    civil: Caller

    def issue(self, caller: Caller, *keys: str, **body: Any):  # type: ignore[no-untyped-def]
        payload = {"purpose": "政府采购 NJ-2026-001", **body}
        if keys:
            payload["subjects"] = list(keys)
        return self.client.post("/api/v1/reports", json=payload, headers=caller.headers)

    def issued(self, caller: Caller, *keys: str, **body: Any) -> list[dict]:
        answer = self.issue(caller, *keys, **body)
        assert answer.status_code == 201, answer.text
        return answer.json()["reports"]

    def document(self, caller: Caller, number: str) -> dict:
        answer = self.client.get(f"/api/v1/reports/{number}", headers=caller.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def pdf(self, caller: Caller, number: str) -> bytes:
        answer = self.client.get(
            f"/api/v1/reports/{number}", headers={**caller.headers, "Accept": "application/pdf"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        return answer.content

    def subject_token(self, key: str = ACME) -> Caller:
        return make_caller(self.db, self.clock, role=Role.subject, subject_id=self.subject_id(key))

    def subject_id(self, key: str) -> int:
        with self.db.transaction() as session:
            return find_subject(session, key, cipher=self.db.cipher).id


def make_report_world(client, db, clock) -> ReportWorld:  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    rw = ReportWorld(
        **vars(w),
        bank=make_caller(db, clock, role=Role.user_department, kind="banking", code="bank"),
        hr=make_caller(db, clock, role=Role.provider, kind="human_resources", code="hr"),
        civil=make_caller(db, clock, role=Role.provider, kind="civil_affairs", code="civil"),
    )
    rw.push(rw.market, penalty("p-1", ACME, ACME_NAME))
    rw.push(rw.hr, catalog_record("social_insurance_arrears", "si-1", org(ACME, ACME_NAME)))
    rw.push(rw.civil, catalog_record("charitable_donation", "d-1", org(ACME, ACME_NAME)))
    rw.push(rw.market, penalty("p-2", BETA, "南京贝塔贸易有限公司"))
    rw.push(rw.court, catalog_record("court_judgment_defaulter", "c-1", person(CITIZEN)))
    return rw


def entries(content: dict, section: str) -> list[dict]:
    return next(s for s in content["sections"] if s["code"] == section)["entries"]


def titles(content: dict) -> dict[str, list[str]]:
    return {s["code"]: [e["title"] for e in s["entries"]] for s in content["sections"]}


def zip_names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def zip_member(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def pdf_pages_png(pdf: bytes, out: Path, *, dpi: int = 150) -> list[Path]:
    """The PDF's pages rendered by pdftoppm (poppler-utils, `make pdf`), as PNG files."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (make pdf)")
    out.mkdir(parents=True, exist_ok=True)
    source = out / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(source), str(out / "page")],
        check=True,
        capture_output=True,
    )
    return sorted(out.glob("page-*.png"))


def pdf_text(pdf: bytes, tmp: Path) -> str:
    """The PDF's text as pdftotext reads it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (make pdf)")
    source = tmp / "text.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True
    )
    return done.stdout.decode()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
