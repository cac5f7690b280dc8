"""The demo's people: each demo department's administrator, two 经办 and one 审核 (the
authority two) under their own names, who log in to their console; the subjects' own accounts
as before."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select

from fixtures.demo import SMALL, kept_demo
from xinyong.models import Department, User


def test_each_demo_department_has_its_people(client, db, clock) -> None:  # type: ignore[no-untyped-def]
    accounts = kept_demo(client, db, clock, **SMALL).accounts
    assert {"demo-company", "demo-person"} <= set(accounts)
    with db.transaction() as session:
        departments = list(session.execute(select(Department.code)).scalars())
        users = list(session.execute(select(User)).scalars())
    staff = [u for u in users if u.department_id is not None]
    assert all(u.staff_role is not None for u in staff)
    per_department = Counter(accounts[u.username]["department"] for u in staff)
    assert set(per_department) == set(departments)
    # The authority has a second 审核 (its appeals are heard by others than the objection's).
    authority = [d for d, n in per_department.items() if n == 5]
    assert len(authority) == 1 and set(per_department.values()) == {4, 5}
    roles = Counter(u.staff_role.value for u in staff if u.staff_role)
    assert roles["handler"] == 2 * len(departments)
    assert roles["admin"] == len(departments) and roles["reviewer"] == len(departments) + 1
    trading = sorted(
        (a["staff_role"], name)
        for name, a in accounts.items()
        if name.startswith("js-trading_center.")
    )
    assert [r for r, _ in trading] == ["admin", "handler", "handler", "reviewer"]
    assert all(re.fullmatch(r"js-trading_center\.[a-z]+", n) for _, n in trading)

    handler = next(n for r, n in trading if r == "handler")
    form = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/login",
        data={"username": handler, "password": accounts[handler]["password"], "csrf_token": csrf},
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/department")
    assert accounts[handler]["name"] in client.get("/department").text
