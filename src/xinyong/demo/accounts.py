"""Log-in accounts for the demo: each demo department's people under their own names — an
administrator (管理员), two 经办 and one 审核, with plausible Chinese names and user names
``<department code>.<pinyin>`` (``js-trading_center.zhangwei``) — and two subjects' own
accounts, an organisation on a list (``demo-company``) and a natural person
(``demo-person``), so that every console, and two-person approval, can be tried at once.
Passwords are random and written, with the tokens, under ./var/ (readable by the owner only);
the people of one department share their department's password, so that the demo hashes one
password per department (argon2 is slow by design)."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.accounts.service import create_user, hash_password
from xinyong.core.clock import Clock
from xinyong.models import Department, ListEntry, Role, StaffRole, Subject, SubjectKind, User

# (name, pinyin): four in a row are a department's people.
PEOPLE = (
    ("张伟", "zhangwei"), ("王芳", "wangfang"), ("李娜", "lina"), ("刘洋", "liuyang"),
    ("陈静", "chenjing"), ("杨磊", "yanglei"), ("赵敏", "zhaomin"), ("黄涛", "huangtao"),
    ("周杰", "zhoujie"), ("吴霞", "wuxia"), ("徐明", "xuming"), ("孙丽", "sunli"),
    ("胡军", "hujun"), ("朱婷", "zhuting"), ("高峰", "gaofeng"), ("林晓", "linxiao"),
    ("何勇", "heyong"), ("郭静", "guojing"), ("马超", "machao"), ("罗燕", "luoyan"),
    ("梁斌", "liangbin"), ("宋佳", "songjia"), ("郑浩", "zhenghao"), ("谢娟", "xiejuan"),
    ("韩冰", "hanbing"), ("唐亮", "tangliang"), ("冯雪", "fengxue"), ("于洋", "yuyang"),
    ("董丽", "dongli"), ("程刚", "chenggang"), ("曹颖", "caoying"), ("袁野", "yuanye"),
    ("邓超", "dengchao"), ("许晴", "xuqing"), ("傅强", "fuqiang"), ("沈悦", "shenyue"),
    ("曾敏", "zengmin"), ("彭飞", "pengfei"), ("吕萍", "lvping"), ("苏航", "suhang"),
)  # fmt: skip
# A department's people, in order: who does what.
STAFF = (StaffRole.admin, StaffRole.handler, StaffRole.handler, StaffRole.reviewer)
# The authority has a second 审核: an appeal is heard by others than those who decided the
# objection appealed against (Measures art. 33) — one 审核 approves the objection's decision,
# the other the appeal's.
STAFF_OF_ROLE = {Role.authority: (*STAFF, StaffRole.reviewer)}


def create_demo_accounts(session: Session, clock: Clock, roles: dict[str, str]) -> dict:
    """``roles`` maps each demo department's code to its role. Returns username → account
    (role, name, password; a department's person also its department and staff role)."""
    accounts: dict[str, dict[str, str]] = {}
    taken = set(session.execute(select(User.username)).scalars())

    def add(
        username: str,
        name: str,
        role: Role,
        *,
        password: str,
        hashed: str,
        department: Department | None = None,
        subject_id: int | None = None,
        staff_role: StaffRole | None = None,
    ) -> None:
        if username in taken:
            return
        user = create_user(
            session,
            username=username,
            display_name=name,
            password=None,
            role=role,
            actor="demo",
            now=clock.now(),
            department=department,
            subject_id=subject_id,
            staff_role=staff_role,
        )
        user.password_hash = hashed
        accounts[username] = {"role": role.value, "name": name, "password": password}
        if department is not None and staff_role is not None:
            accounts[username]["department"] = department.code
            accounts[username]["staff_role"] = staff_role.value

    number = 0
    for dept in session.execute(select(Department).order_by(Department.id)).scalars():
        if dept.code not in roles:
            continue
        password = secrets.token_urlsafe(12)
        hashed = hash_password(password)
        for staff_role in STAFF_OF_ROLE.get(Role(roles[dept.code]), STAFF):
            name, pinyin = PEOPLE[number % len(PEOPLE)]
            number += 1
            add(
                f"{dept.code}.{pinyin}",
                name,
                Role(roles[dept.code]),
                password=password,
                hashed=hashed,
                department=dept,
                staff_role=staff_role,
            )
    listed = session.execute(
        select(Subject)
        .join(ListEntry, ListEntry.subject_id == Subject.id)
        .where(Subject.kind != SubjectKind.natural_person)
        .order_by(ListEntry.id)
        .limit(1)
    ).scalar_one_or_none()
    person = session.execute(
        select(Subject)
        .where(Subject.kind == SubjectKind.natural_person)
        .order_by(Subject.id)
        .limit(1)
    ).scalar_one_or_none()
    for username, subject in (("demo-company", listed), ("demo-person", person)):
        if subject is not None:
            password = secrets.token_urlsafe(12)
            add(
                username,
                subject.name,
                Role.subject,
                password=password,
                hashed=hash_password(password),
                subject_id=subject.id,
            )
    return accounts
