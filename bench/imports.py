"""The import's speed and memory (issue 10's benchmark).

    DATABASE_URL=postgres://… python bench/imports.py [--versions 100000]

Writes a partner's archive as a CSV of versions (``claims.demo.archive``: about two versions a
claim, shared articles and speakers, half the claims with a verdict) at two sizes, a tenth
and the whole, and imports each with ``manage.py import_claims`` in a process of its own, into
the database ``DATABASE_URL`` names (use an empty one: it is filled). Prints, for each, the
versions imported per second and the process's peak memory: flat memory means the whole
file's peak is about the tenth's. Then imports the whole file again: nothing changes, and
how fast that is.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from claims.demo.archive import write_archive  # noqa: E402


def imported(path: Path) -> tuple[float, float, str]:
    """(seconds, peak memory in MB, summary) of one ``import_claims`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    # As in production: DEBUG keeps every query's SQL, which a big import fills.
    production = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench", "ALLOWED_HOSTS": "localhost"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_claims", str(path)],
        capture_output=True,
        text=True,
        env=production,
    )
    if result.returncode:
        sys.exit(f"The import failed:\n{result.stderr[-3000:]}")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        print("  (peak memory not above an earlier run's: shown as that one's)")
    lines = result.stdout.replace("\r", "\n").splitlines()
    summary = next(line for line in lines if "created" in line)
    return seconds, peak / 1024, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        runs = []
        for seed, versions in ((2, options.versions // 10), (3, options.versions)):
            path = Path(folder) / f"archive-{versions}.csv"
            write_archive(path, versions, seed=seed)
            size = path.stat().st_size / 1e6
            seconds, peak, summary = imported(path)
            runs.append((versions, seconds, peak))
            print(
                f"{versions:>9,} versions ({size:.0f} MB): {seconds:6.1f} s, "
                f"{versions / seconds:6,.0f} versions/s, peak memory {peak:.0f} MB"
            )
            print(f"  {summary}")
        seconds, _peak, summary = imported(path)
        print(f"again:    {seconds:6.1f} s, {options.versions / seconds:6,.0f} versions/s")
        print(f"  {summary}")
        (small, _s, small_peak), (large, _l, large_peak) = runs
        print(f"memory, {large:,} against {small:,} versions: {large_peak / small_peak:.2f}×")


if __name__ == "__main__":
    main()
