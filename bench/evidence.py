#!/usr/bin/env python
"""Evidence benchmark: sanitising a phone photo, and storing it encrypted.

    .venv/bin/python bench/evidence.py [--runs 20] [--check]

Makes a 12 MP (4,032 x 3,024) photo of a printed page (uneven light, text, sensor noise; EXIF
with GPS and orientation 6), saved as a JPEG and as a HEIC as phones do, then times
`filetypes.sniff` + `sanitise.sanitise` (decode, orientation, metadata gone, scaled to 4,000 px,
JPEG out, 400 px thumbnail) for each, and the encrypted local storage's save + read of the
original. Targets: JPEG p95 <= 300 ms, HEIC p95 <= 600 ms (wall-clock time). The CPU time
beside it (all threads) shows how much of the wall time was waiting for a busy machine's CPUs.
--check exits with 1 when over target.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

TARGET_JPEG_MS = 300
TARGET_HEIC_MS = 600
WIDTH, HEIGHT = 4032, 3024


def percentile(ordered: list[float], percent: int) -> float:
    return ordered[round(percent / 100 * (len(ordered) - 1))]


def photo():
    """A phone photo of a printed page: uneven light, lines of text, a little sensor noise."""
    import random

    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    rng = random.Random(7)
    light = Image.radial_gradient("L").resize((WIDTH, HEIGHT)).point(lambda v: 235 - v // 4)
    page = Image.merge("RGB", (light, light, light.point(lambda v: max(0, v - 12))))
    draw = ImageDraw.Draw(page)
    for top in range(260, HEIGHT - 260, 56):
        left = 300
        while left < WIDTH - 400:
            word = rng.randint(40, 260)
            draw.rectangle((left, top, left + word, top + 30), fill=(35, 35, 45))
            left += word + rng.randint(18, 30)
    page = page.filter(ImageFilter.GaussianBlur(1.2))
    noise = Image.effect_noise((WIDTH, HEIGHT), 2)
    noise = Image.merge("RGB", (noise, noise, noise))
    return ImageChops.add(page, noise, scale=1.0, offset=-128)


def exif_bytes() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "PhoneMaker", "Phone 15", 6
    exif[0x8825] = {1: "N", 2: (51.0, 32.0, 42.0), 3: "W", 4: (0.0, 3.0, 20.0)}
    return exif.tobytes()


def timed(function, runs: int) -> tuple[list[float], list[float]]:
    function()  # warm-up: imports, codec set-up
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return sorted(wall), sorted(cpu)


def row(label: str, times: tuple[list[float], list[float]], target: float | None) -> bool:
    wall, cpu = times
    p50, p95 = statistics.median(wall), percentile(wall, 95)
    ok = target is None or p95 <= target
    verdict = "" if target is None else f"  target p95 <= {target} ms: {'ok' if ok else 'OVER'}"
    print(
        f"{label:<46} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (CPU p50 {statistics.median(cpu):6.1f}"
        f" ms){verdict}"
    )
    return ok


def run(args) -> int:
    import django

    django.setup()
    import pillow_heif

    from doorstep.evidence.filetypes import sniff
    from doorstep.evidence.sanitise import sanitise
    from doorstep.evidence.storage import evidence_storage

    pillow_heif.register_heif_opener()
    picture, exif = photo(), exif_bytes()
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=92, exif=exif)
    jpeg = out.getvalue()
    out = io.BytesIO()
    # 512 px tiles, as iPhones store them.
    picture.save(
        out, format="HEIF", quality=70, exif=exif, enc_params={"preset": "fast"}, tile_size=512
    )
    heic = out.getvalue()
    print(
        f"12 MP photo {WIDTH} x {HEIGHT}: JPEG {len(jpeg) / 1e6:.1f} MB, HEIC "
        f"{len(heic) / 1e6:.1f} MB; {args.runs} runs each, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} before"
    )

    def clean(data: bytes, name: str):
        result = sanitise(data, sniff(data, filename=name), filename=name)
        assert result.thumbnail and max(result.width, result.height) <= 4000
        return result

    sample = clean(jpeg, "IMG_0001.JPG")
    print(
        f"  sanitised JPEG {sample.width} x {sample.height}, {len(sample.content) / 1e6:.1f} MB;"
        f" thumbnail {len(sample.thumbnail) / 1e3:.0f} kB"
    )
    ok = row("JPEG -> sanitised JPEG + thumbnail", timed(lambda: clean(jpeg, "a.jpg"), args.runs),
             TARGET_JPEG_MS)  # fmt: skip
    ok &= row("HEIC -> sanitised JPEG + thumbnail", timed(lambda: clean(heic, "a.heic"), args.runs),
              TARGET_HEIC_MS)  # fmt: skip

    storage = evidence_storage()

    def store():
        name = storage.save_bytes(jpeg, folder="bench")
        assert storage.read_bytes(name) == jpeg
        storage.delete(name)

    row("store original encrypted (save + read), local", timed(store, args.runs), None)
    print(f"load average {os.getloadavg()[0]:.1f} after")
    return 0 if ok or not args.check else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--check", action="store_true", help="exit 1 when over target")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="doorstep-bench-evidence-") as folder:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doorstep.settings")
        os.environ["DOORSTEP_DATA_DIR"] = folder
        os.environ.pop("EVIDENCE_STORAGE", None)
        return run(args)


if __name__ == "__main__":
    sys.exit(main())
