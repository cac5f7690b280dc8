"""Pages: 待审核 of the department (issue 14) — decisions one person prepared, which a 审核
of the department approves (the step is then taken) or returns to the preparer; the preparer
may withdraw its own. The pages are web/staffing.py's, shared by both consoles; the service
is approvals/service.py.

- ``GET /department/approvals``: waiting decisions, and the visitor's own.
- ``POST /department/approvals/{decision_id}/approve|return|withdraw``.
"""

from __future__ import annotations

from xinyong.web.department.common import DEPARTMENTS
from xinyong.web.staffing import approvals_routes

router = approvals_routes("department", DEPARTMENTS, "provider and user_department")
