"""Health checks for /healthz: can we reach the database, the file storage and the task queue?"""

import time
import uuid
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django_tasks import task_backends


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_storage() -> str:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise OSError("storage returned different bytes")
    finally:
        default_storage.delete(name)
    return type(default_storage).__name__


def check_task_queue() -> str:
    backend = task_backends["default"]
    name = type(backend).__name__
    if name == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(status="READY").count()
        return f"{name}, {waiting} waiting"
    if name == "RQBackend":
        import django_rq

        django_rq.get_connection("default").ping()
        return f"{name}, redis reachable"
    return name


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "storage": check_storage,
    "task_queue": check_task_queue,
}


def run_checks() -> tuple[bool, dict[str, dict]]:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as error:  # noqa: BLE001 - a health check reports every failure
            detail, ok = f"{type(error).__name__}: {error}", False
        results[name] = {
            "ok": ok,
            "detail": detail,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    return all(result["ok"] for result in results.values()), results
