"""The actors of a page or a CSV export as people read them (accounts/service.actor_labels):
persons by name, department and staff role, API tokens as the system interfaces they are —
looked up in one read of each table, on both databases."""

from __future__ import annotations

from sqlalchemy import select

from fixtures.helpers import make_caller
from xinyong.accounts.service import actor_labels, actor_name, create_user
from xinyong.departments.service import get_department
from xinyong.models import ApiToken, Role, StaffRole


def test_people_and_tokens_are_named(db, clock) -> None:  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.provider, code="nj-amr")
    with db.transaction() as session:
        dept = get_department(session, "nj-amr")
        create_user(
            session,
            username="nj-amr.zhangsan",
            display_name="张三",
            password=None,
            role=Role.provider,
            department=dept,
            staff_role=StaffRole.handler,
            actor="test",
            now=clock.now(),
        )
        token = session.execute(select(ApiToken.id)).scalar_one()
        token_actor = f"provider:nj-amr#t{token}"
        names = actor_labels(
            session, ["user:nj-amr.zhangsan", token_actor, "system", None, "user:nobody"]
        )
        assert names == {
            "user:nj-amr.zhangsan": "张三（测试market_regulation·经办）",
            token_actor: f"系统接口（令牌 {token}，测试market_regulation）",
            "system": "系统",
            "user:nobody": "平台用户",
        }
        assert actor_name(session, "user:nj-amr.zhangsan") == "张三（测试market_regulation·经办）"
