"""The catalog through the API: read by anyone, drafted and published by the authority."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from xinyong.catalog.schemas import CatalogIn, CatalogItemOut, CatalogOut, CatalogVersionOut
from xinyong.catalog.service import draft_version, get_version, list_versions, publish_version
from xinyong.core.api import MAX_INT32, Int32Id, clock, current_principal, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.models import CatalogItem, CatalogVersion, Role

router = APIRouter(tags=["catalog"])
EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)


def _out(version: CatalogVersion, items: list[CatalogItem]) -> CatalogOut:
    return CatalogOut(
        number=version.number,
        title=version.title,
        status=version.status.value,
        created_at=version.created_at,
        published_at=version.published_at,
        notes=version.notes,
        items=[CatalogItemOut.model_validate(i, from_attributes=True) for i in items],
    )


@router.get(
    "/catalog",
    response_model=CatalogOut,
    **endpoint(
        *EVERYONE, errors={404: ["not_found"]}, summary="The published catalog (公共信用信息目录)"
    ),
)
def get_catalog(
    version: int | None = Query(
        default=None,
        ge=1,
        le=MAX_INT32,
        description="a version number; default: the published one",
    ),
    session: Session = db_session,
) -> CatalogOut:
    """Measures art. 8: what may be collected, its category, disclosure class, sources,
    update cycle, validity, retention and legal basis."""
    return _out(*get_version(session, version))


@router.get(
    "/catalog/versions",
    response_model=list[CatalogVersionOut],
    **endpoint(*EVERYONE, summary="Catalog versions"),
)
def list_catalog_versions(session: Session = db_session) -> list[CatalogVersionOut]:
    return [
        CatalogVersionOut(
            number=v.number,
            title=v.title,
            status=v.status.value,
            created_at=v.created_at,
            published_at=v.published_at,
            notes=v.notes,
        )
        for v in list_versions(session)
    ]


@router.post(
    "/catalog/versions",
    response_model=CatalogOut,
    status_code=201,
    **endpoint(Role.authority, summary="Draft a new catalog version"),
)
def draft_catalog_version(
    data: CatalogIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CatalogOut:
    """A change to the catalog is a new version; items naming forbidden data (Measures
    art. 14) are refused."""
    version = draft_version(session, data, actor=principal.actor, now=clock(request).now())
    return _out(*get_version(session, version.number))


@router.post(
    "/catalog/versions/{number}/publish",
    response_model=CatalogOut,
    **endpoint(
        Role.authority,
        errors={404: ["not_found"], 409: ["catalog_not_draft"]},
        summary="Publish a drafted catalog version",
    ),
)
def publish_catalog_version(
    number: Int32Id,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CatalogOut:
    """The published version is what new records are collected under; records keep the
    version they came under."""
    publish_version(session, number, actor=principal.actor, now=clock(request).now())
    return _out(*get_version(session, number))
