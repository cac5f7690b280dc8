"""ORM tables only, one module per aggregate. Importing this package registers them all."""

from xinyong.models.base import Base
from xinyong.models.calendar import CalendarDay, CalendarYear
from xinyong.models.catalog import CatalogItem, CatalogStatus, CatalogVersion, Category, Disclosure
from xinyong.models.core import ApiToken, AuditEntry, AuditHead, Department, IdNode, Role
from xinyong.models.feeds import Change, ChangeHead, Delivery, Subscription
from xinyong.models.lists import (
    LIVE_STATES,
    CreditList,
    EntryState,
    ExitReason,
    ListEntry,
    ListEntryStep,
    ListKind,
    ListObjection,
)
from xinyong.models.measures import Check, CheckFeedback, CheckHit, Measure
from xinyong.models.record import Batch, Channel, Record, RecordRevision, Severity, Standing
from xinyong.models.subject import LinkRole, Subject, SubjectKind, SubjectLink, SubjectName

__all__ = [
    "LIVE_STATES",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Batch",
    "CalendarDay",
    "CalendarYear",
    "CatalogItem",
    "CatalogStatus",
    "CatalogVersion",
    "Category",
    "Change",
    "ChangeHead",
    "Channel",
    "Check",
    "CheckFeedback",
    "CheckHit",
    "CreditList",
    "Delivery",
    "Department",
    "Disclosure",
    "EntryState",
    "ExitReason",
    "IdNode",
    "LinkRole",
    "ListEntry",
    "ListEntryStep",
    "ListKind",
    "ListObjection",
    "Measure",
    "Record",
    "RecordRevision",
    "Role",
    "Severity",
    "Standing",
    "Subject",
    "SubjectKind",
    "SubjectLink",
    "SubjectName",
    "Subscription",
]
