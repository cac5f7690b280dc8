"""The authority's forms (issue 5 § 5): catalog versions, the measures list, calendar years,
departments and tokens — each through the same service as the API, each POST with the
session's CSRF token, and bad input re-rendered with the field's message, never a 500."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from authority_pages import csrf_of
from sqlalchemy import select

from xinyong.catalog.service import default_catalog
from xinyong.measures.service import default_measures
from xinyong.models import ApiToken, AuditEntry, CatalogStatus, CatalogVersion

YEAR_2027 = (Path(__file__).parents[1] / "calendar" / "year_2027.json").read_text("utf-8")


def post(client, form_page: str, action: str, data: dict, files: dict | None = None):  # type: ignore[no-untyped-def]
    """Submit a form as a browser would: with the CSRF token of the page it is on."""
    token = csrf_of(client.get(form_page).text)
    return client.post(
        action, data={"csrf_token": token, **data}, files=files, follow_redirects=False
    )


def catalog_json(**change: object) -> str:
    body = default_catalog().model_dump(mode="json")
    body.update(change)
    return json.dumps(body, ensure_ascii=False)


# ---- catalog


def test_a_catalog_version_is_drafted_from_pasted_json_and_published(authority, db) -> None:  # type: ignore[no-untyped-def]
    drafted = post(
        authority, "/authority/catalog", "/authority/catalog",
        {"catalog_json": catalog_json(title="江苏省公共信用信息目录（2027 年版）")},
    )  # fmt: skip
    assert drafted.status_code == 303, drafted.text
    assert drafted.headers["location"] == "/authority/catalog?drafted=2"
    page = authority.get("/authority/catalog?drafted=2").text
    assert "已起草目录第 2 版" in page and "发布第 2 版" in page
    published = post(authority, "/authority/catalog", "/authority/catalog/2/publish", {})
    assert published.status_code == 303
    with db.transaction() as session:
        versions = dict(session.execute(select(CatalogVersion.number, CatalogVersion.status)).all())
        actors = session.execute(
            select(AuditEntry.actor).where(AuditEntry.action == "catalog.published")
        ).scalars()
        assert "user:authority-person" in list(actors)
    assert versions == {1: CatalogStatus.superseded, 2: CatalogStatus.published}


def test_a_catalog_file_can_be_uploaded(authority) -> None:  # type: ignore[no-untyped-def]
    upload = catalog_json(title="上传的目录").encode("utf-8-sig")  # with a BOM, as Windows saves
    answer = post(
        authority, "/authority/catalog", "/authority/catalog", {},
        files={"catalog_file": ("catalog.json", upload, "application/json")},
    )  # fmt: skip
    assert answer.status_code == 303, answer.text


def test_a_bad_catalog_names_each_field_at_fault_and_keeps_the_text(authority, db) -> None:  # type: ignore[no-untyped-def]
    body = json.loads(catalog_json())
    penalty = next(i for i in body["items"] if i["code"] == "administrative_penalty")
    penalty["fields"].append({"name": "religion", "label": "宗教信仰", "type": "string"})
    body["items"][0]["category"] = "excellent"
    text = json.dumps(body, ensure_ascii=False)
    answer = post(authority, "/authority/catalog", "/authority/catalog", {"catalog_json": text})
    assert answer.status_code == 422
    page = answer.text
    assert "提交的内容有误，未作任何更改" in page
    assert "<code>items[0].category（org_registration）</code>：取值无效" in page
    index = body["items"].index(penalty)
    field = len(penalty["fields"]) - 1
    assert f"<code>items[{index}].fields[{field}]（administrative_penalty）</code>" in page
    assert "forbidden data" in page  # the rule's own words (Measures art. 14)
    assert "宗教信仰" in page  # the pasted text is back in the form, escaped
    with db.transaction() as session:
        assert session.execute(select(CatalogVersion.number)).scalars().all() == [1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请粘贴 JSON 内容或选择文件"),
        ('{"title": "x", "items": [', "不是有效的 JSON：第 1 行"),
        ("[1, 2]", "应为对象"),
    ],
)
def test_empty_or_broken_json_is_a_message(authority, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    answer = post(authority, "/authority/catalog", "/authority/catalog", {"catalog_json": text})
    assert answer.status_code == 422
    assert message in answer.text


def test_publishing_a_version_that_is_not_a_draft_is_a_message(authority) -> None:  # type: ignore[no-untyped-def]
    again = post(authority, "/authority/catalog", "/authority/catalog/1/publish", {})
    assert again.status_code == 409
    assert "目录版本 1 不是草稿，不能发布" in again.text
    missing = post(authority, "/authority/catalog", "/authority/catalog/9/publish", {})
    assert missing.status_code == 404 and "目录版本 9 不存在" in missing.text


# ---- measures


def test_a_revised_measures_list_is_published_and_a_bad_one_refused(authority) -> None:  # type: ignore[no-untyped-def]
    body = default_measures().model_dump(mode="json")
    retired = body["measures"].pop()
    body["measures"][0]["name"] += "（修订）"
    answer = post(
        authority, "/authority/measures", "/authority/measures",
        {"measures_json": json.dumps(body, ensure_ascii=False)},
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    page = authority.get(answer.headers["location"]).text
    assert "新增 0 项，修订 1 项，停用 1 项" in page
    assert retired["code"] not in page
    assert body["measures"][0]["name"] in page

    body["measures"][0]["trigger_lists"] = ["no_such_list"]
    bad = post(
        authority, "/authority/measures", "/authority/measures",
        {"measures_json": json.dumps(body, ensure_ascii=False)},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "measures[0].trigger_lists" in bad.text and "no_such_list" in bad.text


# ---- calendar


def test_a_calendar_year_is_loaded_and_a_bad_or_known_year_explained(
    authority, client, world
) -> None:  # type: ignore[no-untyped-def]
    broken = json.loads(YEAR_2027)
    broken["working_weekends"] = [{"date": "2027-02-22", "name": "春节调休"}]  # a Monday
    bad = post(
        authority, "/authority/calendar", "/authority/calendar", {"year_json": json.dumps(broken)}
    )
    assert bad.status_code == 422
    assert "<code>working_weekends</code>" in bad.text and "make-up working day" in bad.text
    assert client.get("/api/v1/calendar/2027").status_code == 409

    loaded = post(authority, "/authority/calendar", "/authority/calendar", {"year_json": YEAR_2027})
    assert loaded.status_code == 303, loaded.text
    page = authority.get(loaded.headers["location"]).text
    assert "已载入 2027 年节假日安排" in page and "主管部门载入" in page
    assert client.get("/api/v1/calendar/2027").json()["source"] == "authority"
    # Now the notice of a month of 2027 can be counted.
    assert authority.get("/authority/dual-publicity?month=2027-01").status_code == 200

    again = post(authority, "/authority/calendar", "/authority/calendar", {"year_json": YEAR_2027})
    assert again.status_code == 409
    assert "工作日历已有 2027 年的安排" in again.text and "替换已有年度" in again.text
    replaced = post(
        authority, "/authority/calendar", "/authority/calendar",
        {"year_json": YEAR_2027, "replace": "true"},
    )  # fmt: skip
    assert replaced.status_code == 303


# ---- departments and tokens


def test_a_department_is_created_and_bad_input_is_shown_by_its_field(authority, db) -> None:  # type: ignore[no-untyped-def]
    form = {
        "code": "nj-env",
        "name": "南京市生态环境局",
        "region_code": "320100",
        "kind": "ecology_environment",
    }
    created = post(authority, "/authority/departments", "/authority/departments", form)
    assert created.status_code == 303, created.text
    page = authority.get(created.headers["location"]).text
    assert "已登记部门 nj-env" in page and "南京市生态环境局" in page

    bad_region = post(
        authority, "/authority/departments", "/authority/departments",
        {**form, "code": "nj-env2", "region_code": "3201"},
    )  # fmt: skip
    assert bad_region.status_code == 422
    assert 'id="department-region_code-error"' in bad_region.text
    assert "行政区划代码应为 6 位数字" in bad_region.text
    assert 'value="nj-env2"' in bad_region.text  # what was typed is kept
    bad_code = post(
        authority, "/authority/departments", "/authority/departments", {**form, "code": "NJ ENV"}
    )
    assert bad_code.status_code == 422 and 'id="department-code-error"' in bad_code.text
    taken = post(authority, "/authority/departments", "/authority/departments", form)
    assert taken.status_code == 409 and "部门代码 nj-env 已存在" in taken.text
    # However long a value is sent, the form comes back with the field's message.
    too_long = post(
        authority, "/authority/departments", "/authority/departments",
        {**form, "code": "nj-env3", "name": "局" * 5000},
    )  # fmt: skip
    assert too_long.status_code == 422 and 'id="department-name-error"' in too_long.text
    long_token = post(
        authority, "/authority/departments", "/authority/tokens",
        {"name": "系" * 5000, "role": "provider", "department": "amr"},
    )  # fmt: skip
    assert long_token.status_code == 422 and "令牌只显示这一次" not in long_token.text


def test_a_token_is_shown_once_works_and_is_revoked(authority, client, db) -> None:  # type: ignore[no-untyped-def]
    issued = post(
        authority, "/authority/departments", "/authority/tokens",
        {"name": "市场监管业务系统", "role": "provider", "department": "amr"},
    )  # fmt: skip
    assert issued.status_code == 201, issued.text
    assert "令牌只显示这一次" in issued.text
    token = issued.text.split('<code class="token" id="new-token">')[1].split("</code>")[0]
    assert token.startswith("xy_")
    api = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/departments", headers=api).status_code == 200
    # Never again: the list shows only its prefix.
    page = authority.get("/authority/departments").text
    assert token not in page and token[:10] in page
    with db.transaction() as session:
        token_id = session.execute(
            select(ApiToken.id).where(ApiToken.name == "市场监管业务系统")
        ).scalar_one()
    revoked = post(authority, "/authority/departments", f"/authority/tokens/{token_id}/revoke", {})
    assert revoked.status_code == 303
    assert f"令牌 #{token_id} 已吊销" in authority.get(revoked.headers["location"]).text
    assert client.get("/api/v1/departments", headers=api).status_code == 401


def test_bad_token_requests_are_shown_by_their_field(authority) -> None:  # type: ignore[no-untyped-def]
    homeless = post(
        authority, "/authority/departments", "/authority/tokens",
        {"name": "无部门", "role": "provider", "department": ""},
    )  # fmt: skip
    assert homeless.status_code == 422
    assert (
        'id="token-department-error"' in homeless.text and "部门角色须指定所属部门" in homeless.text
    )
    nameless = post(
        authority, "/authority/departments", "/authority/tokens",
        {"name": "", "role": "provider", "department": "amr"},
    )  # fmt: skip
    assert nameless.status_code == 422 and 'id="token-name-error"' in nameless.text
    nobody = post(
        authority, "/authority/departments", "/authority/tokens",
        {"name": "主体", "role": "subject", "subject": "91320100MA1X2Y3W4Z"},
    )  # fmt: skip
    assert nobody.status_code == 422 and 'id="token-subject-error"' in nobody.text
    unknown = post(authority, "/authority/departments", "/authority/tokens/99999/revoke", {})
    assert unknown.status_code == 404 and "令牌不存在" in unknown.text


# ---- CSRF


FORMS = [
    ("/authority/catalog", {"catalog_json": "{}"}),
    ("/authority/catalog/1/publish", {}),
    ("/authority/measures", {"measures_json": "{}"}),
    ("/authority/calendar", {"year_json": "{}"}),
    ("/authority/departments", {"code": "x1", "name": "x", "region_code": "320100", "kind": "tax"}),
    ("/authority/tokens", {"name": "x", "role": "provider", "department": "amr"}),
    ("/authority/tokens/1/revoke", {}),
]


def test_every_form_without_its_csrf_token_is_refused(authority, db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        tokens_before = session.execute(select(ApiToken.id, ApiToken.revoked_at)).all()
    for action, data in FORMS:
        for token in (None, "forged"):
            form = dict(data) if token is None else {**data, "csrf_token": token}
            answer = authority.post(action, data=form, follow_redirects=False)
            assert answer.status_code == 403, (action, token)
            assert "页面已过期" in answer.text and "<html" in answer.text
    with db.transaction() as session:
        assert session.execute(select(ApiToken.id, ApiToken.revoked_at)).all() == tokens_before
        assert session.execute(select(CatalogVersion.number)).scalars().all() == [1]


def test_the_forms_carry_the_token_of_the_session(authority) -> None:  # type: ignore[no-untyped-def]
    for page in (
        "/authority/catalog",
        "/authority/measures",
        "/authority/calendar",
        "/authority/departments",
    ):
        text = authority.get(page).text
        assert text.count('name="csrf_token"') >= 2  # the page's forms and the log-out button
        assert len({csrf_of(text)}) == 1
