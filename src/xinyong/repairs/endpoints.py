"""repairs under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["repairs"])
