"""The consoles' data-quality pages (issue 18 part 3 § 3): the provider's /department/quality —
its score, its overdue items with 零报送, its findings, each settled on its own page through the
services the API calls — and the authority's /authority/quality, every provider's score and
findings by rule."""

from __future__ import annotations

import html
import re

from quality_world import REGISTERED, QualityWorld

from authority.authority_pages import log_in as authority_log_in
from department_console.department_pages import csrf_of, log_in
from fixtures.lists import ACME, BETA, org
from web.test_leak_crawl import SECTOR, SNAKE, STATUS
from xinyong.models import Role


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def no_codes(page: str) -> None:
    """Nothing a person reads on the page's own part is a machine code (the patterns of
    tests/web/test_leak_crawl.py; the header names the test's account by its role)."""
    text = text_of(page.split("<h1", 1)[1])
    for pattern in (SNAKE, SECTOR, STATUS):
        found = pattern.search(text)
        assert found is None, text[max(0, found.start() - 40) : found.end() + 40]


def findings_world(qw: QualityWorld) -> None:
    qw.record(qw.market, "org_registration", org(ACME, REGISTERED), "reg", name=REGISTERED)
    qw.penalty(qw.market, "p-wrong", ACME, "南京艾克米科技公司", legal_representative_name="张三")
    qw.penalty(qw.market, "p-beta", BETA, "南京乙公司")
    qw.pass_days(2)
    qw.check()


def test_the_provider_reads_its_score_items_and_findings(qw: QualityWorld) -> None:
    findings_world(qw)
    log_in(qw.client, qw.db, qw.clock, role=Role.provider, department="amr")
    page = qw.client.get("/department/quality")
    assert page.status_code == 200
    assert 'href="/department/quality" aria-current="page"' in page.text
    text = text_of(page.text)
    assert "2026年6月数据质量得分" in text
    assert "主体名称与登记名称不一致" in text and "南京艾克米科技公司" in text
    # The empty 双公示 field by its label, never its name.
    assert "法定代表人" in text and "legal_representative_name" not in text
    assert "逾期未报送的信息项" in text and "从未报送（自 2026-06-15 起算）" in text
    no_codes(page.text)
    only = text_of(qw.client.get("/department/quality", params={"rule": "name_mismatch"}).text)
    assert "共 1 条" in only
    # The task queue leads to them.
    tasks = qw.client.get("/department/tasks").text
    assert re.search(r'href="/department/quality/runs/\d+"', tasks)
    assert re.search(r'href="/department/quality/duties/\d+"', tasks)
    run = qw.client.get(
        re.search(r"/department/quality/runs/\d+", tasks).group(0), follow_redirects=False
    )  # type: ignore[union-attr]
    assert run.status_code == 303 and "/department/quality?run=" in run.headers["location"]


def test_the_provider_confirms_and_corrects_on_the_finding_page(qw: QualityWorld) -> None:
    findings_world(qw)
    [wrong] = qw.findings(qw.market, rule="name_mismatch")
    [beta] = [f for f in qw.findings(qw.market) if f["subject"] == BETA]
    log_in(qw.client, qw.db, qw.clock, role=Role.provider, department="amr")
    path = f"/department/quality/findings/{beta['id']}"
    page = qw.client.get(path)
    assert page.status_code == 200 and "确认无误" in page.text and "提交更正" in page.text
    no_codes(page.text)
    empty = qw.client.post(
        f"{path}/confirmation", data={"csrf_token": csrf_of(page.text), "reason": " "}
    )
    assert empty.status_code == 422 and "不能为空" in text_of(empty.text)
    done = qw.client.post(
        f"{path}/confirmation",
        data={"csrf_token": csrf_of(page.text), "reason": "个体户无法定代表人"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "已确认该信息无误" in qw.client.get(done.headers["location"]).text
    # The name corrected by the form: the record replaced, the finding closed.
    path = f"/department/quality/findings/{wrong['id']}"
    page = qw.client.get(path)
    form = dict(re.findall(r'name="(f\.[a-z_]+)" value="([^"]*)"', page.text))
    form.update(re.findall(r'<textarea name="(f\.[a-z_]+)" rows="2">([^<]*)</textarea>', page.text))
    form = {k: html.unescape(v) for k, v in form.items()}
    # What a browser sends of the rest: the severity selected, the determination day.
    form["severity"] = re.search(r'<option value="(\w+)" selected>', page.text).group(1)  # type: ignore[union-attr]
    form["determined_on"] = re.search(r'name="determined_on" value="([^"]*)"', page.text).group(1)  # type: ignore[union-attr]
    form.update(
        {
            "csrf_token": csrf_of(page.text),
            "credit_code": ACME,
            "name": REGISTERED,
            "reason": "名称录入有误",
        }
    )
    done = qw.client.post(f"{path}/correction", data=form, follow_redirects=False)
    assert done.status_code == 303, text_of(done.text)
    after = text_of(qw.client.get(done.headers["location"]).text)
    assert "更正后的信息已入库并替代原信息" in after and "已更正" in after


def test_a_nil_return_from_the_page_closes_the_overdue_item(qw: QualityWorld) -> None:
    qw.pass_days(2)
    qw.check()
    log_in(qw.client, qw.db, qw.clock, role=Role.provider, department="amr")
    page = qw.client.get("/department/quality")
    assert "行政处罚信息" in text_of(page.text)
    done = qw.client.post(
        "/department/quality/nil-returns",
        data={"csrf_token": csrf_of(page.text), "item_code": "administrative_penalty"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = qw.client.get(done.headers["location"]).text
    assert "零报送已登记" in after
    assert 'value="administrative_penalty">\n          <button' not in after
    refused = qw.client.post(
        "/department/quality/nil-returns",
        data={"csrf_token": csrf_of(page.text), "item_code": "court_judgment_defaulter"},
    )
    assert refused.status_code == 422 and "本部门不承担该信息项的报送责任" in text_of(refused.text)


def test_the_authority_reads_every_providers_score_and_findings(qw: QualityWorld) -> None:
    findings_world(qw)
    authority_log_in(qw.client, qw.db, qw.clock, role=Role.authority, department="cred")
    page = qw.client.get("/authority/quality", params={"month": "2026-06"})
    assert page.status_code == 200
    text = text_of(page.text)
    no_codes(page.text)
    assert "2026年6月各部门数据质量得分" in text and "测试market_regulation" in text
    assert "同一决定文书号重复报送" in text and "数据质量规则（第 1 版）" in text
    assert "《江苏省公共信用信息管理办法（试行）》（苏政发〔2018〕23号）第十六条" in text
    narrowed = text_of(qw.client.get("/authority/quality", params={"department": "tax"}).text)
    assert "南京艾克米科技公司" not in narrowed
    bad = qw.client.get("/authority/quality", params={"month": "June"})
    assert bad.status_code == 422 and "YYYY-MM" in text_of(bad.text)


def test_the_pages_are_for_their_audiences(qw: QualityWorld) -> None:
    assert qw.client.get("/department/quality", follow_redirects=False).status_code in (302, 303)
    log_in(qw.client, qw.db, qw.clock, role=Role.user_department, department="finance")
    assert qw.client.get("/department/quality").status_code == 403
