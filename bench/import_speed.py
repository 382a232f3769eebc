"""Import speed: seeded synthetic MEDLINE and RIS exports, imported into a fresh review.

For each size (default 10k and 100k records) and format it times, in this one process and
interleaved (reference, import, reference, import, ...), a reference parser alone on the file
(Bio.Medline for MEDLINE, rispy for RIS) and what ``screener import`` does with a new, empty
review (made by ``init_review`` before the clock starts): open it, ``import_file`` (check,
fingerprint, parse, normalise, store, commit) and close it; and prints the medians and
their ratio (wall and CPU time: user + system, from ``getrusage``; the import's user and
system times apart, and the reference's system time), the size of review.db against the
export, and the peak resident memory of one more import run in a process of its own (max
RSS: Python, SQLite's page cache and all; it shows whether memory stays flat as files
grow). The load average is printed with each row: wall times depend on it. Run:
``.venv/bin/python bench/import_speed.py [--sizes 10000 100000] [--formats medline ris]
[--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

WORDS = tuple(
    [
        "tacrolimus",
        "dermatomyositis",
        "polymyositis",
        "refractory",
        "myositis",
        "interstitial",
        "lung",
        "disease",
        "calcineurin",
        "inhibitor",
        "randomised",
        "controlled",
        "trial",
        "cohort",
        "retrospective",
        "outcome",
        "muscle",
        "strength",
        "creatine",
        "kinase",
        "remission",
        "relapse",
        "prednisone",
        "methotrexate",
        "azathioprine",
        "immunosuppression",
        "safety",
        "efficacy",
        "adverse",
        "events",
        "follow-up",
        "patients",
        "treatment",
        "response",
    ]
)
SYLLABLES = (
    "li",
    "wang",
    "od",
    "dis",
    "ag",
    "gar",
    "cia",
    "kim",
    "ge",
    "zhang",
    "son",
    "ber",
    "ta",
)
JOURNALS = ("Rheumatology (Oxford)", "Arthritis Rheum", "J Rheumatol", "Clin Rheumatol")


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _surname(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))).capitalize()


def _wrap(text: str, indent: str) -> str:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) > 70:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return f"\n{indent}".join(lines)


def write_medline(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            pmid = 10_000_000 + i
            out.write(f"PMID- {pmid}\nOWN - NLM\nSTAT- MEDLINE\n")
            out.write(f"IS  - {rng.randint(1000, 9999)}-{rng.randint(1000, 9999)} (Linking)\n")
            out.write(f"VI  - {rng.randint(1, 80)}\nIP  - {rng.randint(1, 12)}\n")
            out.write(f"DP  - {rng.randint(1990, 2024)} Sep\n")
            out.write(f"TI  - {_wrap(_words(rng, 14).capitalize() + '.', '      ')}\n")
            first = rng.randint(1, 900)
            out.write(f"PG  - {first}-{first + rng.randint(2, 20)}\n")
            out.write(f"LID - 10.1000/bench.{pmid} [doi]\n")
            out.write(f"AB  - {_wrap(_words(rng, 180), '      ')}\n")
            for _ in range(rng.randint(1, 8)):
                surname, given = _surname(rng), _surname(rng)
                out.write(f"FAU - {surname}, {given} B\nAU  - {surname} {given[0]}B\n")
            out.write("LA  - eng\nPT  - Journal Article\n")
            journal = rng.choice(JOURNALS)
            out.write(f"TA  - {journal}\nJT  - {journal}\n")
            for _ in range(rng.randint(3, 10)):
                out.write(f"MH  - {_words(rng, 2).capitalize()}\n")
            out.write(f"AID - 10.1000/bench.{pmid} [doi]\n\n")


def write_ris(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write("TY  - JOUR\n")
            out.write(f"T1  - {_words(rng, 14).capitalize()}\n")
            for _ in range(rng.randint(1, 8)):
                out.write(f"A1  - {_surname(rng)}, {_surname(rng)[0]}.B.\n")
            out.write(f"Y1  - {rng.randint(1990, 2024)}\n")
            out.write(f"N2  - {_words(rng, 180)}\n")
            journal = rng.choice(JOURNALS)
            out.write(f"JF  - {journal}\nVL  - {rng.randint(1, 80)}\nIS  - {rng.randint(1, 12)}\n")
            first = rng.randint(1, 900)
            out.write(f"SP  - {first}\nEP  - {first + rng.randint(2, 20)}\n")
            out.write(f"DO  - 10.1000/bench.{i}\nU2  - L{600_000_000 + i}\nDB  - Embase\n")
            out.write(f"C5  - {20_000_000 + i}\nLA  - English\nM3  - Article\n")
            for _ in range(rng.randint(3, 10)):
                out.write(f"KW  - {_words(rng, 2)}\n")
            out.write("ER  - \n\n")


def own_peak_mib() -> float:
    """This process's peak RSS in MiB: ``VmHWM`` (reset by exec) where Linux gives it, since
    ``ru_maxrss`` survives exec and so holds the parent's RSS at the fork (the bench process
    after rispy loaded 100k records: 509 MiB printed for any import until 2026-12-03)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss(path: Path, folder: Path) -> float:
    """Max RSS (MiB) of a fresh interpreter that imports ``path`` into a review at ``folder``."""
    done = subprocess.run(
        [sys.executable, __file__, "--peak-of", str(path), str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip())


def timed(run: Callable[[], int]) -> tuple[int, float, float, float]:
    """(records, wall seconds, user and system CPU seconds of this process). CPU time shows
    the cost when other work shares the machine; system time is the kernel's share (writing
    review.db's pages into the page cache, mostly), which moves with the machine's state."""
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    count = run()
    after = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter() - start
    return count, wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs, {model}, Python {platform.python_version()}, load {load}"


def new_review(folder: Path) -> None:
    """An empty review at ``folder`` (``screener init``), made before the import is timed."""
    from screener.db import init_review

    init_review(folder).close()


def run_import(folder: Path, path: Path) -> int:
    """What ``screener import FILE --review folder`` does: open, import, close."""
    from screener.db import open_review
    from screener.searches import import_file

    review = open_review(folder)
    try:
        return import_file(review, path).n_records
    finally:
        review.close()


def database_bytes(folder: Path) -> int:
    """review.db and whatever SQLite left beside it (nothing once the review is closed)."""
    return sum(f.stat().st_size for f in folder.glob("review.db*"))


def medline_alone(path: Path) -> int:
    from Bio import Medline

    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in Medline.parse(handle))


def rispy_alone(path: Path) -> int:
    import rispy

    return len(rispy.load(path, encoding="utf-8", enforce_list_tags=False))


def compare(
    folder: Path, path: Path, reference: Callable[[], int], repeat: int
) -> dict[str, float]:
    """Median wall, CPU (user + system), user and system seconds of the reference and of the
    import, run in turns."""
    runs: dict[str, list[tuple[float, float, float]]] = {"ref": [], "import": []}
    for turn in range(repeat):
        ref_count, *ref_times = timed(reference)
        target = folder / f"import_{turn}"
        new_review(target)
        count, *times = timed(partial(run_import, target, path))
        assert ref_count == count, (ref_count, count)
        size = database_bytes(target)
        shutil.rmtree(target)
        runs["ref"].append((ref_times[0], ref_times[1], ref_times[2]))
        runs["import"].append((times[0], times[1], times[2]))
    out = {"records": float(count), "db_bytes": float(size)}
    for name, got in runs.items():
        out[f"{name}_wall"] = statistics.median(t[0] for t in got)
        out[f"{name}_cpu"] = statistics.median(t[1] + t[2] for t in got)
        out[f"{name}_user"] = statistics.median(t[1] for t in got)
        out[f"{name}_sys"] = statistics.median(t[2] for t in got)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["medline", "ris"])
    parser.add_argument("--repeat", type=int, default=3, help="turns of reference + import")
    parser.add_argument("--peak-of", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak_of:  # the child process of peak_rss()
        new_review(args.peak_of[1])
        run_import(args.peak_of[1], args.peak_of[0])
        print(own_peak_mib())
        return
    import screener.searches  # noqa: F401  (imported before timing: the first run pays no imports)

    print(machine())
    print(
        f"{'format':8} {'records':>8} {'MB':>6} {'load':>5} | {'import s':>8} {'cpu s':>6} "
        f"{'user':>5} {'sys':>5} {'rec/s':>7} | {'reference':>11} {'wall s':>6} {'cpu s':>6} "
        f"{'sys':>5} | {'ratio':>5} {'cpu':>5} | {'db MB':>6} {'db/exp':>6} | {'peak RSS MiB':>12}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.sizes:
            for fmt, write in (("medline", write_medline), ("ris", write_ris)):
                if fmt not in args.formats:
                    continue
                path = folder / f"bench_{n}.{'nbib' if fmt == 'medline' else 'ris'}"
                write(path, n)
                size = path.stat().st_size
                load = os.getloadavg()[0]
                ref_name = "Bio.Medline" if fmt == "medline" else "rispy"
                reference = partial(medline_alone if fmt == "medline" else rispy_alone, path)
                got = compare(folder, path, reference, args.repeat)
                assert got["records"] == n, (got["records"], n)
                peak = peak_rss(path, folder / f"peak_{fmt}_{n}")
                shutil.rmtree(folder / f"peak_{fmt}_{n}")
                print(
                    f"{fmt:8} {n:>8} {size / 1e6:>6.1f} {load:>5.1f} | "
                    f"{got['import_wall']:>8.2f} {got['import_cpu']:>6.2f} "
                    f"{got['import_user']:>5.2f} {got['import_sys']:>5.2f} "
                    f"{n / got['import_wall']:>7.0f} | {ref_name:>11} {got['ref_wall']:>6.2f} "
                    f"{got['ref_cpu']:>6.2f} {got['ref_sys']:>5.2f} | "
                    f"{got['import_wall'] / got['ref_wall']:>5.2f} "
                    f"{got['import_cpu'] / got['ref_cpu']:>5.2f} | {got['db_bytes'] / 1e6:>6.1f} "
                    f"{got['db_bytes'] / size:>6.2f} | {peak:>12.0f}",
                    flush=True,
                )
                path.unlink()
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
