"""Departments and their API tokens (tokens hashed at rest, shown once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.schemas import SECTORS
from xinyong.core import audit
from xinyong.core.crypto import new_token, token_hash
from xinyong.core.identifiers import IdentifierError, validate_credit_code
from xinyong.errors import Conflict, InvalidRequest, NotFound
from xinyong.feeds.changes import TOKEN, record_change
from xinyong.models import ApiToken, Department, Role

DEPARTMENT_ROLES = (Role.authority, Role.provider, Role.user_department)


def create_department(
    session: Session,
    *,
    code: str,
    name: str,
    region_code: str,
    kind: str,
    actor: str,
    now: datetime,
    credit_code: str | None = None,
) -> Department:
    if kind not in SECTORS:
        raise InvalidRequest(
            f"未知的部门类别 {kind}",
            f"unknown department kind {kind}",
            field="kind",
            code="invalid_kind",
        )
    if not (len(region_code) == 6 and region_code.isdigit()):
        raise InvalidRequest(
            "行政区划代码应为 6 位数字",
            "region_code must be 6 digits",
            field="region_code",
            code="invalid_region_code",
        )
    if session.execute(select(Department.id).where(Department.code == code)).first():
        raise Conflict(
            f"部门代码 {code} 已存在",
            f"department {code} exists",
            field="code",
            code="department_exists",
        )
    if credit_code is not None:
        credit_code = _own_credit_code(session, credit_code)
    dept = Department(
        code=code,
        name=name,
        region_code=region_code,
        kind=kind,
        created_at=now,
        credit_code=credit_code,
    )
    session.add(dept)
    session.flush()
    audit.log(
        session,
        actor=actor,
        action="department.created",
        at=now,
        target_type="department",
        target_id=dept.id,
        after_ref=f"department:{code}",
        detail={"name": name, "kind": kind, "region_code": region_code},
    )
    return dept


def _own_credit_code(session: Session, credit_code: str) -> str:
    try:
        code = validate_credit_code(credit_code)
    except IdentifierError as exc:
        raise InvalidRequest(
            exc.message, exc.message_en, field="credit_code", code=exc.code
        ) from None
    if session.execute(select(Department.id).where(Department.credit_code == code)).first():
        raise Conflict(
            f"统一社会信用代码 {code} 已属于另一个部门",
            f"another department has credit code {code}",
            field="credit_code",
            code="department_exists",
        )
    return code


def get_department(session: Session, code: str) -> Department:
    dept = session.execute(select(Department).where(Department.code == code)).scalar_one_or_none()
    if dept is None:
        raise NotFound(
            f"部门 {code} 不存在",
            f"no department {code}",
            field="department",
            code="department_not_found",
        )
    return dept


def list_departments(session: Session) -> list[Department]:
    return list(session.execute(select(Department).order_by(Department.code)).scalars())


def department_names(session: Session) -> dict[str, str]:
    """Each department's name by its code (a step's detail names a department by code)."""
    return {code: name for code, name in session.execute(select(Department.code, Department.name))}


def check_binding(role: Role, department: Department | None, subject_id: int | None) -> None:
    """A token or an account acts for a department (its roles) or for one subject; never for
    the public, which needs neither."""
    if role in DEPARTMENT_ROLES and department is None:
        raise InvalidRequest(
            "部门角色须指定所属部门",
            "a department's role needs its department",
            field="department",
            code="missing_field",
        )
    if role is Role.subject and subject_id is None:
        raise InvalidRequest(
            "主体角色须绑定信息主体（统一社会信用代码或身份证号）",
            "a subject's role needs its subject",
            field="subject",
            code="missing_field",
        )
    if role is Role.public:
        raise InvalidRequest(
            "公众无需令牌或账户",
            "the public needs no token or account",
            field="role",
            code="invalid_field",
        )


def create_token(
    session: Session,
    *,
    role: Role,
    name: str,
    actor: str,
    now: datetime,
    department: Department | None = None,
    subject_id: int | None = None,
) -> tuple[ApiToken, str]:
    """Returns the row and the token itself, which is not stored and cannot be shown again."""
    check_binding(role, department, subject_id)
    token = new_token()
    row = ApiToken(
        name=name,
        role=role,
        department_id=department.id if department else None,
        subject_id=subject_id,
        token_hash=token_hash(token),
        prefix=token[:10],
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.log(
        session,
        actor=actor,
        action="token.created",
        at=now,
        subject_id=subject_id,
        target_type="api_token",
        target_id=row.id,
        detail={
            "role": role.value,
            "department": department.code if department else None,
            "prefix": row.prefix,
        },
    )
    return row, token


def revoke_token(session: Session, token_id: int, *, actor: str, now: datetime) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("令牌不存在", "no such token", code="token_not_found")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.log(
            session,
            actor=actor,
            action="token.revoked",
            at=now,
            target_type="api_token",
            target_id=row.id,
        )
        # Processes that cache tokens (core/api.TokenCache) see the change and read again.
        record_change(session, at=now, topic=TOKEN, event="revoked", detail={"token": row.id})
    return row
