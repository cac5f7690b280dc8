"""Pages: the department's people (issue 14) — its administrator lists its staff, adds a
person (a one-time set-up link to set the password), changes a staff role, disables an
account or sends a new link. The pages are web/staffing.py's, shared by both consoles; the
service is accounts/service.py.

- ``GET, POST /department/staff``: the people and the form to add one.
- ``POST /department/staff/{user_id}/role|disable|link``.
"""

from __future__ import annotations

from xinyong.web.department.common import DEPARTMENTS
from xinyong.web.staffing import staff_routes

router = staff_routes("department", DEPARTMENTS, "provider and user_department")
