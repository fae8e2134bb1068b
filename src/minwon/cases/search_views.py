"""Case lists: Korean-aware search, filters, pagination and export (/api/v1/cases)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["search"])
