"""The demo's government integrity (政务诚信, docs/government.md): records of government bodies
and civil servants, 政务失信 with unpaid bills, and local debt indicators."""

from __future__ import annotations

import random

from xinyong.demo import names as N
from xinyong.demo.codes import OrgCodes
from xinyong.demo.departments import Dept

# The catalog items of government integrity (003 政务诚信 §二（三））: made here, coherently, for
# the demo's bodies (credit codes 11…/12…) and their staff — never drawn for any subject by the
# generator's item pools.
GOVERNMENT_PREFIXES = ("government_", "civil_servant_")
# Organisation-code indices of the departments added here: the top of the 8-digit codes'
# range, which the subjects' indices (counted up from the departments') never reach.
_CODE_INDEX_TOP = 10_000 * 10_000 - 1


def is_government_item(item: dict) -> bool:
    return str(item.get("code", "")).startswith(GOVERNMENT_PREFIXES)


def government_departments(
    items: list[dict], depts: list[tuple[Dept, str, str]], codes: OrgCodes, seed: int
) -> list[tuple[Dept, str, str]]:
    """The provincial departments of the sectors government integrity's items name and the
    other items do not (纪检监察, 组织人事, 审计 …), after all the others: (dept, region, role)."""
    have = {d.kind for d, _region, _role in depts}
    wanted: list[str] = []
    for item in items:
        if is_government_item(item):
            for sector in item.get("sources") or ():
                if sector not in have and sector not in wanted:
                    wanted.append(sector)
    rng = random.Random(seed * 7919 + 29)
    out = []
    for index, sector in enumerate(wanted):
        info = N.SECTORS.get(sector, N.DEFAULT_SECTOR)
        credit = codes.credit_code("11", "320000", old=True, index=_CODE_INDEX_TOP - index)
        dept = Dept(f"js-{sector}", info["name"], sector, info["abbr"], credit, rng, "320000")
        out.append((dept, "320000", "provider"))
    return out
