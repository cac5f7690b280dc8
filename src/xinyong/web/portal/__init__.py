"""The public portal (信用门户, issue 5 §1): search, a subject's public page, the 双公示 columns,
the lists' publications, the 信用承诺专栏, 双随机、一公开 (plans, draws, results), the catalog,
the measures list, the verification of credit reports (/verify) and complaints (/complaints,
docs/complaints.md). docs/portal.md.

Every page here is for everyone, and every page shows what the public sees: the data are read
as the public principal (``PUBLIC``) even when a logged-in user looks, through the same
service functions the API uses for the public.

A module per page or group of pages (search, subject, dual_publicity, lists, catalog, measures),
each with its router, assembled here into the one router of the audience; what they share is in
common."""

from __future__ import annotations

from fastapi import APIRouter

from xinyong.web.portal import (
    catalog,
    commitments,
    complaints,
    dual_publicity,
    government,
    inspections,
    lists,
    measures,
    search,
    subject,
    verify,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for module in (
    search,
    subject,
    dual_publicity,
    lists,
    commitments,
    inspections,
    government,
    catalog,
    measures,
    verify,
    complaints,
):
    router.include_router(module.router)
