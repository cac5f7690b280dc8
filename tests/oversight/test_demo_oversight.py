"""Acceptance (issue 18 part 2): from the demo data, last month's notice names a late
department — an HTML document and a PDF, sent to it and acknowledged by it, while another
department's acknowledgement is refused (`notice_not_addressed`) — and the year's assessment
ranks the departments, each with its breakdown."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from fixtures.demo import SMALL, kept_demo
from fixtures.helpers import Caller


def test_the_demo_yields_a_notice_naming_a_late_department_and_an_assessment(
    client, db, clock, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    result = kept_demo(client, db, clock, **SMALL)
    assert result.notices == 3  # May 2026's, as the monthly job sends them
    caller = {code: Caller(t["token"], code) for code, t in result.tokens.items()}
    authority = caller["js-credit_authority"]
    listed = client.get("/api/v1/notices", headers=authority.headers).json()["notices"]
    assert {n["period"] for n in listed} == {"2026-05"}
    notice = next(n for n in listed if n["kind"] == "collection_monthly")
    late = notice["recipients"][0]
    assert notice["recipient_count"] >= 1 and late["acknowledged_at"] is None

    body = client.get(f"/api/v1/notices/{notice['id']}", headers=authority.headers).json()
    assert body["title"] == "2026年5月公共信用信息归集情况通报"
    assert f"{late['department_name']}（逾期" in body["body_html"]
    pdf = client.get(
        f"/api/v1/notices/{notice['id']}/pdf", headers=caller[late["department"]].headers
    )
    assert pdf.content.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        (tmp_path / "notice.pdf").write_bytes(pdf.content)
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "notice.pdf"), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert late["department_name"] in text.replace("\n", "")

    # The late department acknowledges; one the notice does not name is refused.
    addressed = {r["department"] for r in notice["recipients"]}
    other = next(code for code in caller if code not in addressed and code != authority.department)
    refused = client.post(
        f"/api/v1/notices/{notice['id']}/acknowledgement", headers=caller[other].headers
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "notice_not_addressed")
    done = client.post(
        f"/api/v1/notices/{notice['id']}/acknowledgement",
        headers=caller[late["department"]].headers,
    )
    assert done.status_code == 200 and done.json()["acknowledged_at"] is not None
    # The use notice names the user department that feeds back late (demo/oversight.py).
    use = next(n for n in listed if n["kind"] == "use_monthly")
    assert [r["department"] for r in use["recipients"]] == ["js-trading_center"]

    assessment = client.get(
        "/api/v1/oversight/assessment", params={"year": 2026}, headers=authority.headers
    ).json()
    assert assessment["months"] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    ranked = assessment["departments"]
    assert len(ranked) > 10 and ranked[0]["rank"] == 1
    assert [d["rank"] for d in ranked if d["rank"]] == sorted(
        d["rank"] for d in ranked if d["rank"]
    )
    breakdown = {i["code"]: i for i in ranked[0]["indicators"]}
    assert set(breakdown) == {
        "collection_completeness",
        "collection_timeliness",
        "dual_publicity_timeliness",
        "rejection_rate",
        "upheld_objections",
        "data_quality",
        "feedback_timeliness",
    }
    # A department reads its own figures and rank, year to date.
    own = client.get(
        "/api/v1/oversight/assessment",
        params={"year": 2026},
        headers=caller[late["department"]].headers,
    ).json()
    [mine] = own["departments"]
    assert mine == next(d for d in ranked if d["department"] == late["department"])
    first = ranked[0]["department"]
    shown = run(
        "oversight", "assess", "--year", "2026", "--department", first,
        XINYONG_FIXED_TODAY="2026-06-15",
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "2026 年度考核（截至 2026-05" in shown.output and first in shown.output
    assert "归集完整率" in shown.output and "第 1 名" in shown.output
