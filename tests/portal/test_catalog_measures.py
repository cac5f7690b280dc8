"""/catalog and /measures: the published catalog (Measures art. 8) and measures list
(003 联合奖惩 §（十六）) as the public reads them."""

from __future__ import annotations


def test_the_catalog_page_shows_items_by_category_with_their_terms(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/catalog")
    assert answer.status_code == 200
    html = answer.text
    for text in (
        "基础信息",
        "负面信息",
        "法人和其他组织登记信息",
        "行政处罚信息",
        "欠缴社会保险费信息",
        "社会公开",
        "政府共享",
        "授权查询",
        "行政处罚决定书文号",  # a field's label
        "《江苏省公共信用信息管理办法（试行）》",  # legal basis
        "严重失信 3 年",  # validity of a negative item (the rule in force)
        "30 年",  # retention
    ):
        assert text in html, text


def test_the_measures_page_shows_each_measure_with_its_terms(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/measures")
    assert answer.status_code == 200
    html = answer.text
    for text in ("失信惩戒", "守信激励", "适用名单", "实施对象", "发起部门", "实施部门", "依据"):
        assert text in html, text
    assert "招标投标" in html and "自动拦截" in html
    assert "纳税信用A级纳税人名单" in html or "所有红名单" in html
