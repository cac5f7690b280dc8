"""ORM tables only, one module per aggregate. Importing this package registers them all."""

from xinyong.models.base import Base
from xinyong.models.catalog import CatalogItem, CatalogStatus, CatalogVersion, Category, Disclosure
from xinyong.models.core import ApiToken, AuditEntry, AuditHead, Department, IdNode, Role
from xinyong.models.record import Batch, Channel, Record, RecordRevision, Severity, Standing
from xinyong.models.subject import LinkRole, Subject, SubjectKind, SubjectLink, SubjectName

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Batch",
    "CatalogItem",
    "CatalogStatus",
    "CatalogVersion",
    "Category",
    "Channel",
    "Department",
    "Disclosure",
    "IdNode",
    "LinkRole",
    "Record",
    "RecordRevision",
    "Role",
    "Severity",
    "Standing",
    "Subject",
    "SubjectKind",
    "SubjectLink",
    "SubjectName",
]
