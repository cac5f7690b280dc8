"""The consistency checks through the API (issue 18 part 3 § 2; docs/quality.md): each rule finds
what it should and nothing else, once per record however often it runs; a provider reads its
own findings, the authority all; the provider confirms, corrects (a new record replaces the
old through a revision, the old one kept in its history) or withdraws."""

from __future__ import annotations

from quality_world import REGISTERED, QualityWorld
from sqlalchemy import select

from fixtures.helpers import credit_code, penalty
from fixtures.lists import ACME, BETA, GAMMA, org
from xinyong.models import AuditEntry, Record, RecordRevision, Standing, Task

SUZHOU = credit_code("91320500MA1B2C3D4")
INDIVIDUAL_CODE = credit_code("92320102MA1H2J3K4")  # 个体工商户: not a legal person


def by_rule(findings: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in findings:
        out.setdefault(f["rule"], []).append(f)
    return out


def registered(qw: QualityWorld) -> None:
    qw.record(qw.market, "org_registration", org(ACME, REGISTERED), "reg-acme", name=REGISTERED)


class TestTheChecksFind:
    def test_a_name_other_than_the_registered_one(self, qw: QualityWorld) -> None:
        registered(qw)
        qw.penalty(
            qw.market, "p-wrong", ACME, "南京艾克米科技公司", legal_representative_name="张三"
        )
        qw.penalty(qw.market, "p-right", ACME, REGISTERED, legal_representative_name="张三")
        # BETA was never registered: there is no registered name to differ from.
        qw.penalty(qw.market, "p-beta", BETA, "南京乙公司", legal_representative_name="李四")
        assert qw.check().found["name_mismatch"] == 1
        [found] = by_rule(qw.findings(qw.market))["name_mismatch"]
        assert (found["fact"], found["subject"], found["subject_name"]) == (
            "南京艾克米科技公司",
            ACME,
            REGISTERED,
        )
        assert found["state"] == "open" and found["rule_title"] == "主体名称与登记名称不一致"

    def test_a_former_name_is_no_mismatch(self, qw: QualityWorld) -> None:
        registered(qw)
        qw.record(
            qw.market,
            "org_registration",
            org(ACME, "南京艾克米新名称有限公司"),
            "reg-2",
            name="南京艾克米新名称有限公司",
        )
        qw.penalty(qw.market, "p-old-name", ACME, REGISTERED, legal_representative_name="张三")
        assert qw.check().found["name_mismatch"] == 0

    def test_the_same_decision_number_under_other_source_ids(self, qw: QualityWorld) -> None:
        number = "宁市监处罚〔2026〕88号"
        for source in ("dup-1", "dup-2", "dup-3"):
            qw.penalty(
                qw.market,
                source,
                ACME,
                REGISTERED,
                decision_number=number,
                legal_representative_name="张三",
            )
        # Another provider's decision of that number is its own.
        qw.penalty(
            qw.tax,
            "dup-tax",
            ACME,
            REGISTERED,
            decision_number=number,
            legal_representative_name="张三",
        )
        assert qw.check().found["duplicate_decision"] == 2
        copies = by_rule(qw.findings(qw.market))["duplicate_decision"]
        assert {f["fact"] for f in copies} == {number}
        assert not by_rule(qw.findings(qw.tax)).get("duplicate_decision")
        # A copy the next day is found by the day's run, against the copies of before.
        qw.pass_days(1)
        qw.penalty(
            qw.market,
            "dup-4",
            ACME,
            REGISTERED,
            decision_number=number,
            legal_representative_name="张三",
        )
        assert qw.check().found["duplicate_decision"] == 1

    def test_a_decision_dated_after_it_arrived(self, qw: QualityWorld) -> None:
        # 2026-06-15 is today: a ban decided on the 20th cannot have arrived today.
        qw.record(qw.market, "market_ban", org(ACME), "ban-late", decided_on="2026-06-20")
        qw.record(qw.market, "market_ban", org(BETA), "ban-today", decided_on="2026-06-15")
        assert qw.check().found["decision_after_arrival"] == 1
        [found] = by_rule(qw.findings(qw.market))["decision_after_arrival"]
        assert found["fact"] == "2026-06-20" and found["subject"] == ACME

    def test_a_code_outside_a_local_providers_region(self, qw: QualityWorld) -> None:
        nanjing = qw.local_provider("nj-amr", "320100")
        qw.record(nanjing, "org_registration", org(ACME), "reg-nj")  # 320100: Nanjing's
        qw.record(nanjing, "org_registration", org(SUZHOU), "reg-sz")  # 320500: Suzhou's
        # A penalty is where the violation was, not where the subject is registered.
        qw.penalty(nanjing, "p-sz", SUZHOU, "苏州测试有限公司", legal_representative_name="王五")
        # The province's regulator covers every code of the province.
        qw.record(qw.market, "org_registration", org(GAMMA), "reg-js")
        assert qw.check().found["region_mismatch"] == 1
        [found] = by_rule(qw.findings(nanjing))["region_mismatch"]
        assert (found["subject"], found["fact"], found["item"]) == (
            SUZHOU,
            "320500",
            "org_registration",
        )

    def test_the_empty_dual_publicity_fields(self, qw: QualityWorld) -> None:
        qw.penalty(qw.market, "p-no-rep", ACME, REGISTERED)  # a legal person's, no 法定代表人
        qw.penalty(
            qw.market,
            "p-none",
            BETA,
            "南京乙公司",
            violation_type="无",
            legal_representative_name="李四",
        )
        qw.penalty(qw.market, "p-ok", GAMMA, "南京丙公司", legal_representative_name="王五")
        qw.penalty(
            qw.market, "p-individual", INDIVIDUAL_CODE, "玄武区测试商店"
        )  # not a legal person
        assert qw.check().found["dual_publicity_fields_empty"] == 2
        facts = {
            f["subject"]: f["fact"]
            for f in by_rule(qw.findings(qw.market))["dual_publicity_fields_empty"]
        }
        assert facts == {ACME: "legal_representative_name", BETA: "violation_type"}

    def test_a_record_is_found_once_however_often_the_checks_run(self, qw: QualityWorld) -> None:
        registered(qw)
        qw.penalty(qw.market, "p-wrong", ACME, "南京艾克米科技公司")
        first = qw.check()
        assert sum(first.found.values()) == 2  # the name, the legal representative
        assert sum(qw.check().found.values()) == 0  # the window's overlap read it again
        assert sum(qw.check("full").found.values()) == 0
        assert len(qw.findings(qw.authority)) == 2


class TestWhoReadsWhat:
    def test_a_provider_reads_its_own_and_the_authority_all(self, qw: QualityWorld) -> None:
        qw.penalty(qw.market, "p-1", ACME, REGISTERED)
        qw.penalty(qw.tax, "p-2", BETA, "南京乙公司")
        qw.check()
        mine = qw.findings(qw.market)
        assert {f["department"] for f in mine} == {"amr"}
        assert {f["department"] for f in qw.findings(qw.authority)} == {"amr", "tax"}
        assert {f["department"] for f in qw.findings(qw.authority, department="tax")} == {"tax"}
        other = qw.client.get(f"/api/v1/quality/findings/{mine[0]['id']}", headers=qw.tax.headers)
        assert (other.status_code, other.json()["error"]["code"]) == (404, "unknown_finding")
        refused = qw.client.get("/api/v1/quality/findings", headers=qw.user.headers)
        assert refused.status_code == 403
        unknown = qw.client.get(
            "/api/v1/quality/findings",
            params={"department": "nobody"},
            headers=qw.authority.headers,
        )
        assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_department")

    def test_each_read_is_logged_with_its_purpose(self, qw: QualityWorld) -> None:
        qw.penalty(qw.market, "p-1", ACME, REGISTERED)
        qw.check()
        [found] = qw.findings(qw.authority)
        with qw.db.transaction() as session:
            reads = (
                session.execute(
                    select(AuditEntry).where(AuditEntry.action == "quality_finding.read")
                )
                .scalars()
                .all()
            )
        assert [(r.target_id, r.purpose) for r in reads] == [(found["id"], "数据质量核查")]


class TestTheProviderSettles:
    def test_confirm_closes_the_finding_once(self, qw: QualityWorld) -> None:
        qw.penalty(qw.market, "p-1", ACME, REGISTERED)
        qw.check()
        [found] = qw.findings(qw.market)
        url = f"/api/v1/quality/findings/{found['id']}/confirmation"
        body = {"reason": "该企业登记信息中无法定代表人（合伙企业）"}
        assert qw.client.post(url, json=body, headers=qw.authority.headers).status_code == 403
        assert qw.client.post(url, json=body, headers=qw.tax.headers).status_code == 404
        done = qw.client.post(url, json=body, headers=qw.market.headers)
        assert done.status_code == 200, done.text
        assert (done.json()["state"], done.json()["reason"]) == ("confirmed", body["reason"])
        again = qw.client.post(url, json=body, headers=qw.market.headers)
        assert (again.status_code, again.json()["error"]["code"]) == (409, "finding_closed")

    def test_a_correction_replaces_the_record_through_a_revision(self, qw: QualityWorld) -> None:
        registered(qw)
        qw.penalty(
            qw.market, "p-wrong", ACME, "南京艾克米科技公司", legal_representative_name="张三"
        )
        qw.check()
        [found] = qw.findings(qw.market, rule="name_mismatch")
        corrected = penalty_body("p-wrong", REGISTERED)
        url = f"/api/v1/quality/findings/{found['id']}/correction"
        done = qw.client.post(
            url, json={"record": corrected, "reason": "名称录入有误"}, headers=qw.market.headers
        )
        assert done.status_code == 200, done.text
        answer = done.json()
        assert answer["state"] == "corrected" and answer["new_record_id"]
        with qw.db.transaction() as session:
            old = session.execute(
                select(Record).where(Record.id == int(found["record_id"]))
            ).scalar_one()
            new = session.execute(
                select(Record).where(Record.id == int(answer["new_record_id"]))
            ).scalar_one()
            [revision] = (
                session.execute(select(RecordRevision).where(RecordRevision.record_id == old.id))
                .scalars()
                .all()
            )
            actions = set(session.execute(select(AuditEntry.action)).scalars())
        # The old record is never edited in place: only its standing moved, by a revision.
        assert old.standing is Standing.corrected and old.subject_name == "南京艾克米科技公司"
        assert (revision.standing, revision.procedure) == (Standing.corrected, "quality")
        assert new.standing is Standing.active and new.subject_name == REGISTERED
        assert new.source_id == "p-wrong#质量更正1"
        assert {"record.corrected", "quality_finding.corrected"} <= actions
        # The archive shows the correction; the new record is checked by the next run.
        assert sum(qw.check().found.values()) == 0
        archive = qw.client.get(
            f"/api/v1/subjects/{ACME}/archive",
            params={"purpose": "核查"},
            headers=qw.authority.headers,
        ).json()
        shown = {r["id"]: r["standing"] for recs in archive["categories"].values() for r in recs}
        assert shown.get(answer["new_record_id"]) == "active"

    def test_a_bad_correction_is_refused_as_a_bad_push_and_changes_nothing(
        self, qw: QualityWorld
    ) -> None:
        registered(qw)
        qw.penalty(
            qw.market, "p-wrong", ACME, "南京艾克米科技公司", legal_representative_name="张三"
        )
        qw.check()
        [found] = qw.findings(qw.market, rule="name_mismatch")
        url = f"/api/v1/quality/findings/{found['id']}/correction"
        missing = penalty_body("p-wrong", REGISTERED)
        del missing["fields"]["violation_facts"]
        refused = qw.client.post(
            url, json={"record": missing, "reason": "更正"}, headers=qw.market.headers
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, "missing_field")
        other_item = {**penalty_body("p-wrong", REGISTERED), "item": "market_ban"}
        refused = qw.client.post(
            url, json={"record": other_item, "reason": "更正"}, headers=qw.market.headers
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, "item_mismatch")
        assert qw.findings(qw.market, rule="name_mismatch")[0]["state"] == "open"
        with qw.db.transaction() as session:
            stored = session.execute(
                select(Record.standing).where(Record.id == int(found["record_id"]))
            )
            assert stored.scalar_one() is Standing.active

    def test_a_copy_withdrawn_is_revoked_and_its_task_done(self, qw: QualityWorld) -> None:
        number = "宁市监处罚〔2026〕88号"
        for source in ("dup-1", "dup-2"):
            qw.penalty(
                qw.market,
                source,
                ACME,
                REGISTERED,
                decision_number=number,
                legal_representative_name="张三",
            )
        run = qw.check()
        [found] = qw.findings(qw.market)
        tasks = qw.client.get(
            "/api/v1/tasks", params={"kind": "quality_finding"}, headers=qw.market.headers
        ).json()["tasks"]
        assert [(t["procedure"], t["procedure_id"]) for t in tasks] == [
            ("quality_run", str(run.run_id))
        ]
        done = qw.client.post(
            f"/api/v1/quality/findings/{found['id']}/withdrawal",
            json={"reason": "系统迁移后重复报送"},
            headers=qw.market.headers,
        )
        assert done.status_code == 200 and done.json()["state"] == "withdrawn"
        with qw.db.transaction() as session:
            copy = session.execute(
                select(Record.standing).where(Record.id == int(found["record_id"]))
            )
            assert copy.scalar_one() is Standing.revoked
            task = session.execute(select(Task).where(Task.kind == "quality_finding")).scalar_one()
        assert task.closed_at is not None
        again = qw.client.post(
            f"/api/v1/quality/findings/{found['id']}/withdrawal",
            json={"reason": "再次"},
            headers=qw.market.headers,
        )
        assert (again.status_code, again.json()["error"]["code"]) == (409, "finding_closed")


def penalty_body(source_id: str, name: str) -> dict:
    body = penalty(source_id, ACME, name)
    body["fields"]["legal_representative_name"] = "张三"
    return body
