"""Import speed: seeded synthetic MEDLINE and RIS exports, imported into a fresh review.

For each size (default 10k and 100k records) and format it prints records/s and peak memory
of ``screener.searches.import_file`` (parse + store in the database), and, on the same file,
the records/s of a reference parser alone (Bio.Medline for MEDLINE, rispy for RIS), with the
ratio. Memory is measured with tracemalloc (Python allocations; the peak shows whether memory
stays flat as files grow). Run:
``.venv/bin/python bench/import_speed.py [--sizes 10000 100000] [--formats medline ris]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
import tracemalloc
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


def measure(run: Callable[[], int]) -> tuple[int, float, float]:
    """(records, seconds, peak MiB) of one run."""
    tracemalloc.start()
    start = time.perf_counter()
    count = run()
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, seconds, peak / 2**20


def timed(run: Callable[[], int]) -> tuple[int, float, float]:
    """(records, wall seconds, CPU seconds of this process), without tracemalloc (its overhead
    would distort the rate). CPU time shows the cost when other work shares the machine."""
    start, cpu = time.perf_counter(), time.process_time()
    count = run()
    return count, time.perf_counter() - start, time.process_time() - cpu


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


def run_import(folder: Path, path: Path) -> int:
    from screener.db import init_review
    from screener.searches import import_file

    review = init_review(folder)
    try:
        return import_file(review, path).n_records
    finally:
        review.close()


def medline_alone(path: Path) -> int:
    from Bio import Medline

    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in Medline.parse(handle))


def rispy_alone(path: Path) -> int:
    import rispy

    return len(rispy.load(path, encoding="utf-8", enforce_list_tags=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["medline", "ris"])
    args = parser.parse_args()

    print(machine())
    print(
        f"{'format':8} {'records':>8} {'MB':>6} {'wall s':>7} {'cpu s':>6} {'rec/s':>7} "
        f"{'peak MiB':>8} | {'reference':>11} {'wall s':>7} {'cpu s':>6} {'cpu ratio':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.sizes:
            for fmt, write in (("medline", write_medline), ("ris", write_ris)):
                if fmt not in args.formats:
                    continue
                path = folder / f"bench_{n}.{'nbib' if fmt == 'medline' else 'ris'}"
                write(path, n)
                size_mb = path.stat().st_size / 1e6

                count, seconds, cpu = timed(partial(run_import, folder / f"a_{fmt}_{n}", path))
                _, _, peak = measure(partial(run_import, folder / f"b_{fmt}_{n}", path))
                ref_name = "Bio.Medline" if fmt == "medline" else "rispy"
                run_ref = partial(medline_alone if fmt == "medline" else rispy_alone, path)
                ref_count, ref_seconds, ref_cpu = timed(run_ref)
                assert ref_count == count == n, (ref_count, count, n)
                print(
                    f"{fmt:8} {n:>8} {size_mb:>6.1f} {seconds:>7.2f} {cpu:>6.2f} "
                    f"{n / seconds:>7.0f} {peak:>8.1f} | {ref_name:>11} {ref_seconds:>7.2f} "
                    f"{ref_cpu:>6.2f} {cpu / ref_cpu:>9.2f}",
                    flush=True,
                )
                path.unlink()


if __name__ == "__main__":
    main()
