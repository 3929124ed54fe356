"""`GET /health`: the server is up, and which store version it answers from."""
from __future__ import annotations

from fastapi import APIRouter

from citykg.api.cache import OrjsonResponse
from citykg.api.deps import Holder
from citykg.api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Is the server up?",
            description="`status` is `ok` when the server answers; `store_version` changes "
                        "with every build of the store (responses are cached per version).")
async def health(holder: Holder) -> OrjsonResponse:
    return OrjsonResponse({"status": "ok", "store_version": holder.version})
