"""Related parties: how far the platform looks, and how a path reads (pure).

000 §（十七）and 002 §（十六）ask for related-party risk (关联关系风险) in credit-based supervision;
the issue's rule is two links — an organisation, the person who represents or controls it, and
that person's other organisations (“张三 is 法定代表人 of A (黑名单) and of B”). The links are
those of the registration (Measures art. 29 names the legal representative, principal and
actual controller of a listed organisation) and, where collected, corporate shareholders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xinyong.core.labels import LINKED_ROLES

# Two links: an organisation's persons, and their other organisations.
DEPTH = 2
# An edge's role, by the small number the graph keeps for it: a registration link (holder =
# the person, of = the organisation) or a shareholding (holder = the shareholder).
ROLES: tuple[str, ...] = (*LINKED_ROLES, "shareholder")
ROLE_NAMES: dict[str, str] = {**LINKED_ROLES, "shareholder": "股东"}


def role_number(role: str) -> int:
    return ROLES.index(role)


def describe_path(
    edges: Sequence[tuple[int, int, str]],
    names: Mapping[int, str],
    marks: Mapping[int, str],
) -> str:
    """The path as a department reads it, each subject on a list marked (``marks``: subject →
    「黑名单」…): 「张三是南京甲公司（黑名单）的法定代表人，也是南京乙公司的法定代表人」."""

    def name(subject_id: int) -> str:
        shown = names.get(subject_id, f"主体{subject_id}")
        return f"{shown}（{marks[subject_id]}）" if subject_id in marks else shown

    parts: list[str] = []
    previous_holder: int | None = None
    for holder, of, role in edges:
        role_name = ROLE_NAMES.get(role, role)
        if holder == previous_holder:
            parts.append(f"也是{name(of)}的{role_name}")
        else:
            parts.append(f"{name(holder)}是{name(of)}的{role_name}")
        previous_holder = holder
    return "，".join(parts)
