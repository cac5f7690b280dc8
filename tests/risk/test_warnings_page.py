"""The subject's console shows its warnings with why (/me/warnings; issue 17 part 2 § 3: a
subject can see why it was warned)."""

from __future__ import annotations

from risk_world import RiskWorld

from fixtures.lists import ACME, BETA, org
from subject_console.subject_pages import log_in_subject, text_of


def test_the_subject_reads_its_warnings_and_why_on_its_console(rw: RiskWorld) -> None:
    rw.record(rw.market, "administrative_licensing", org(ACME), "lic", valid_to="2026-07-01",
              decision_number="宁许〔2026〕1号")  # fmt: skip
    rw.record(rw.market, "administrative_licensing", org(BETA, "南京乙公司"), "lic-b",
              valid_to="2026-07-02")  # fmt: skip
    rw.sweep()
    assert rw.client.get("/me/warnings", follow_redirects=False).status_code in (302, 303)
    log_in_subject(rw, ACME, "acme")
    page = rw.client.get("/me/warnings")
    assert page.status_code == 200
    assert 'href="/me/warnings" aria-current="page"' in page.text
    text = text_of(page.text)
    assert "行政许可将在30日内到期" in text
    assert "行政许可信息的「有效期至」为 2026-07-01，即将届满（还有 16 日）" in text
    assert "文书号：宁许〔2026〕1号" in text
    assert "《2022年江苏省社会信用体系建设工作要点》（苏信用办〔2022〕8号）第7项" in text
    assert "2026-07-02" not in text  # another subject's warning
    assert "共 1 条" in text
