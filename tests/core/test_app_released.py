"""An app, once its server stopped, is freed with everything it holds: the tests make some
1,600 of them in a process, and a server restarted in-process must not keep the old one (a
worker of the suite once grew by 5 MB an app: FastAPI's lru_cache kept endpoints that were
closures over the app, and the check snapshot's gc.freeze kept every app's cyclic garbage)."""

from __future__ import annotations

import gc
import weakref

from fastapi.testclient import TestClient

from xinyong.app import create_app


def test_an_app_and_its_database_are_freed_after_its_lifespan(db, clock) -> None:  # type: ignore[no-untyped-def]
    app = create_app(db.settings, clock=clock, db=db)
    with TestClient(app) as client:
        assert client.get("/api/v1/live").status_code == 200
        assert client.get("/api/v1/health").json()["status"] == "ok"
        assert client.get("/api/v1/docs").status_code in (200, 303, 401)
    gone = weakref.ref(app)
    del app, client
    gc.collect()
    assert gone() is None
