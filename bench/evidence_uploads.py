#!/usr/bin/env python
"""Document uploads benchmark: 50 residents uploading a phone photo at the same moment.

    .venv/bin/python bench/evidence_uploads.py
    .venv/bin/python bench/evidence_uploads.py --clients 50 --megabytes 3

Runs on the embedded defaults (SQLite in WAL mode, encrypted local files) through the real
pages: a fresh database, one request for documents per resident, `manage.py runserver`, and a
pool of HTTP clients. Each client opens its link, confirms the date of birth, then all upload
at once; the upload (the multipart POST until its answer) is timed. Afterwards every upload must
have its row and its stored original: the number lost must be 0. Prints p50, p95 and the worst.
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATE_OF_BIRTH = "1985-03-27"


def prepare(count: int, out: Path) -> None:
    """In the bench database: one resident with one request each; the links to a file."""
    import datetime

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from doorstep.core import roles
    from doorstep.core.models import Staff
    from doorstep.evidence import services
    from doorstep.evidence.models import DocumentType
    from doorstep.residents.models import Resident

    roles.sync_roles()
    officer = Staff.objects.create_user(email="bench@council.example", full_name="Bench Officer")
    officer.groups.add(Group.objects.get(name=roles.OFFICER))
    document_type, _ = DocumentType.objects.get_or_create(
        name="Bench payslips", defaults={"guidance": "A photo of each payslip.", "max_files": 5}
    )
    links = []
    for number in range(count):
        resident = Resident.objects.create(
            first_name=f"Resident{number}",
            last_name="Bench",
            date_of_birth=datetime.date.fromisoformat(DATE_OF_BIRTH),
        )
        sent = services.create_request(
            actor=officer,
            resident=resident,
            documents=[{"document_type": document_type}],
            due_date=timezone.localdate() + datetime.timedelta(days=14),
        )
        links.append(
            {"path": f"/evidence/d/{sent.token}/", "document": sent.evidence_request.items.get().pk}
        )
    out.write_text(json.dumps(links))


def count(out: Path) -> None:
    """Rows and readable stored originals, as JSON."""
    import django

    django.setup()
    from doorstep.evidence.models import UploadedFile
    from doorstep.evidence.storage import evidence_storage

    storage = evidence_storage()
    rows = list(UploadedFile.objects.all())
    readable = sum(1 for row in rows if len(storage.open(row.original_path).read()) == row.size)
    out.write_text(json.dumps({"rows": len(rows), "readable": readable}))


def photo(megabytes: float) -> bytes:
    """A JPEG about the size a phone sends (noise does not compress, so the size holds)."""
    import io

    from PIL import Image

    side = int((megabytes * 1024 * 1024 / 0.7) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def client_run(base: str, link: dict, data: bytes, start: threading.Barrier) -> tuple[bool, float]:
    import requests

    session = requests.Session()
    page = session.get(base + link["path"], timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    year, month, day = DATE_OF_BIRTH.split("-")
    confirmed = session.post(
        base + link["path"],
        data={"csrfmiddlewaretoken": token, "day": day, "month": month, "year": year},
        headers={"Referer": base + link["path"]},
        timeout=60,
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirmed.text).group(1)
    start.wait()
    began = time.perf_counter()
    response = session.post(
        f"{base}{link['path']}{link['document']}/upload/",
        data={"csrfmiddlewaretoken": token},
        files={"files": ("IMG_0042.JPG", data, "image/jpeg")},
        headers={"Referer": base + link["path"]},
        allow_redirects=False,
        timeout=300,
    )
    elapsed = time.perf_counter() - began
    return response.status_code == 302, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--megabytes", type=float, default=3.0, help="size of each photo")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--count", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.clients, Path(args.prepare))
        return
    if args.count:
        count(Path(args.count))
        return

    with tempfile.TemporaryDirectory(prefix="doorstep-bench-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "doorstep.settings",
            "DOORSTEP_DATA_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "SECRET_KEY": "bench-only",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO / "src"),
            "SMS_PROVIDER": "outbox",
            "SMS_QUIET_HOURS": "",
            "EVIDENCE_LINK_GUESS_LIMIT": "1000",
        }
        env.pop("REDIS_URL", None)
        manage = [sys.executable, str(REPO / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
        links_file = Path(folder) / "links.json"
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                __file__,
                "--clients",
                str(args.clients),
                "--prepare",
                str(links_file),
            ],
            env=env,
            check=True,
        )
        links = json.loads(links_file.read_text())
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base)
            data = photo(args.megabytes)
            barrier = threading.Barrier(len(links))
            with ThreadPoolExecutor(max_workers=len(links)) as pool:
                results = list(pool.map(lambda link: client_run(base, link, data, barrier), links))
        finally:
            server.terminate()
            server.wait(timeout=30)
        counted_file = Path(folder) / "counted.json"
        subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--count", str(counted_file)], env=env, check=True
        )
        counted = json.loads(counted_file.read_text())

    ok = sum(1 for accepted, _ in results if accepted)
    times = sorted(elapsed for _, elapsed in results)
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    lost = len(results) - counted["readable"]
    print(f"{len(results)} concurrent uploads of {len(data) / 1024 / 1024:.1f} MB photos")
    print(
        f"answered: {ok}/{len(results)}; rows: {counted['rows']}; originals readable: "
        f"{counted['readable']}; lost: {lost}"
    )
    print(
        f"upload time: p50 {statistics.median(times):.2f} s, p95 {p95:.2f} s, "
        f"worst {times[-1]:.2f} s"
    )
    if lost or ok != len(results):
        sys.exit(1)


def _wait_for(base: str) -> None:
    import requests

    for _ in range(200):
        try:
            requests.get(base + "/healthz", timeout=30)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise SystemExit("runserver did not start")


if __name__ == "__main__":
    main()
