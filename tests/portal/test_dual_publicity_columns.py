"""/dual-publicity (双公示, 000 §（十五））: licences and penalties, public and active, newest
decision first, filtered by department, decision date and type; bad filters re-render with
the field's message."""

from __future__ import annotations

import re

import pytest
from portal_world import assert_no_id_number

from fixtures.helpers import catalog_record, credit_code, penalty
from fixtures.lists import CITIZEN, make_world, person

A = credit_code("91320100MA1D2P3A4")
B = credit_code("91320100MA1D2P3B4")


def licence(source: str, code: str, name: str, decided_on: str, category: str) -> dict:
    record = catalog_record("administrative_licensing", source, {"credit_code": code, "name": name})
    record["fields"].update(
        decision_number=f"许可〔2026〕{source}号",
        decided_on=decided_on,
        valid_from=decided_on,
        licence_category=category,
        certificate_name="食品经营许可证",
    )
    return record


def fined(source: str, code: str, name: str, decided_on: str, category: str, **over) -> dict:  # type: ignore[no-untyped-def]
    record = penalty(source, code, name, determined_on=decided_on, **over)
    record["fields"].update(
        decision_number=f"处罚〔{decided_on[:4]}〕{source}号",
        decided_on=decided_on,
        penalty_category=category,
    )
    return record


@pytest.fixture
def world(client, db, clock):  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    w.push(
        w.market,
        licence("L1", A, "南京甲食品有限公司", "2026-05-01", "普通"),
        fined("P1", A, "南京甲食品有限公司", "2026-05-10", "罚款"),
        fined("P3", A, "南京甲食品有限公司", "2024-01-10", "罚款"),  # past its validity
        fined("P4", A, "", "2026-04-01", "警告", subject=person(CITIZEN, "郑个人")),
    )
    w.push(
        w.tax,
        licence("L2", B, "南京乙贸易有限公司", "2026-06-01", "特许"),
        fined("P2", B, "南京乙贸易有限公司", "2026-06-10", "警告"),
    )
    return w


def numbers(html: str) -> list[str]:
    """The decision numbers in the column, in order."""
    return re.findall(r"<td>((?:许可|处罚)〔\d{4}〕\w+号)</td>", html)


def get(client, **params):  # type: ignore[no-untyped-def]
    return client.get("/dual-publicity", params=params)


def test_licences_and_penalties_newest_decision_first(world) -> None:  # type: ignore[no-untyped-def]
    licences = get(world.client)
    assert licences.status_code == 200
    assert numbers(licences.text) == ["许可〔2026〕L2号", "许可〔2026〕L1号"]
    assert "行政许可决定文书号" in licences.text and "许可类别" in licences.text
    assert "食品经营许可证" in licences.text
    penalties = get(world.client, tab="penalty")
    # P3 is past its validity (Measures art. 30): no longer published.
    assert numbers(penalties.text) == ["处罚〔2026〕P2号", "处罚〔2026〕P1号", "处罚〔2026〕P4号"]
    assert "行政处罚决定书文号" in penalties.text and "处罚类别" in penalties.text
    assert "违法事实" in penalties.text  # every field by its Chinese label
    # A person's penalty: public by the catalog, masked, and no page to link to.
    assert "郑个人" in penalties.text
    assert CITIZEN[:6] + "********" + CITIZEN[14:] in penalties.text
    assert_no_id_number(penalties.text, CITIZEN)
    assert f'href="/subjects/{A}"' in penalties.text
    assert 'href="/subjects/p' not in penalties.text


def test_filters(world) -> None:  # type: ignore[no-untyped-def]
    c = world.client
    assert numbers(get(c, department="amr").text) == ["许可〔2026〕L1号"]
    assert numbers(get(c, department="tax").text) == ["许可〔2026〕L2号"]
    assert numbers(get(c, date_from="2026-05-15").text) == ["许可〔2026〕L2号"]
    assert numbers(get(c, date_to="2026-05-31").text) == ["许可〔2026〕L1号"]
    assert numbers(get(c, date_from="2026-05-01", date_to="2026-05-01").text) == [
        "许可〔2026〕L1号"
    ]
    assert numbers(get(c, category="特许").text) == ["许可〔2026〕L2号"]
    assert numbers(get(c, tab="penalty", category="警告").text) == [
        "处罚〔2026〕P2号",
        "处罚〔2026〕P4号",
    ]
    assert numbers(get(c, tab="penalty", department="amr", date_from="2026-05-01").text) == [
        "处罚〔2026〕P1号"
    ]
    assert numbers(get(c, tab="penalty", item="administrative_penalty").text)[0] == (
        "处罚〔2026〕P2号"
    )
    assert numbers(get(c, tab="nonsense").text) == ["许可〔2026〕L2号", "许可〔2026〕L1号"]


BAD_FILTERS = [
    ({"date_from": "2026-13-01"}, "日期格式应为"),
    ({"date_to": "yesterday"}, "日期格式应为"),
    ({"date_from": "2026-06-02", "date_to": "2026-06-01"}, "截止日期早于起始日期"),
    ({"department": "no-such"}, "没有这个部门"),
    ({"category": "罚款"}, "没有这个类别"),  # a penalty type on the licence column
    ({"item": "administrative_penalty"}, "没有这个事项"),
]


def test_bad_filters_re_render_with_the_field_message(world) -> None:  # type: ignore[no-untyped-def]
    for params, message in BAD_FILTERS:
        answer = get(world.client, **params)
        assert answer.status_code == 400, params
        assert message in answer.text
        assert 'aria-invalid="true"' in answer.text or "item" in params
        assert numbers(answer.text) == []
        # The form keeps what was typed: a date as typed; in a list, what was typed is none of
        # its options, so none of them is selected (nor is the list there at all, for 事项 on a
        # column of one item).
        for name, value in params.items():
            if name.startswith("date_"):
                assert f'name="{name}" value="{value}"' in answer.text, params
            else:
                select = re.search(rf'<select name="{name}".*?</select>', answer.text, re.S)
                assert select is None or " selected" not in select.group(), params


def test_odd_input_is_still_a_page(world) -> None:  # type: ignore[no-untyped-def]
    for params in (
        {"page": "-3"},
        {"page": "x" * 5000},
        {"department": "'; DROP TABLE records; --"},
        {"category": "%"},
        {"date_from": "\x00"},
    ):
        answer = get(world.client, **params)
        assert answer.status_code in (200, 400), params
        assert "<html" in answer.text
