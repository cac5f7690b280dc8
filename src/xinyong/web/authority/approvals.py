"""Pages: 待审核 of the authority (issue 14) — decisions one person prepared, which a 审核
of the department approves (the step is then taken) or returns to the preparer; the preparer
may withdraw its own. The pages are web/staffing.py's, shared by both consoles; the service
is approvals/service.py.

- ``GET /authority/approvals``: waiting decisions, and the visitor's own.
- ``POST /authority/approvals/{decision_id}/approve|return|withdraw``.
"""

from __future__ import annotations

from xinyong.web.authority.common import AUTHORITY
from xinyong.web.staffing import approvals_routes

router = approvals_routes("authority", AUTHORITY, "authority")
