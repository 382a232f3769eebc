"""Screening app latency: start-up, key press -> next record drawn, quit, memory (Pilot, tmux).

Builds reviews of N records directly in a review.db (synthetic titles/abstracts/keywords from
bench/ranking_speed.py, 3 % includes; built in a child process, so this process's peak memory is
the app's), then runs ``ScreenApp`` headless with ``app.run_test()``. In relevance order the
reviewer presses ``i`` on true includes and ``e 1`` on the others, as fast as the screen is
drawn, while the ranking process fits (``fits_during_presses`` counts the orders that arrived
and were applied while the keys were pressed). Prints one line per measurement (press
p50/p95/max, start-up, quit, RSS, load average) and, under it, the ratios to the references
measured earlier in the same run: file order at the same size, and the same run kind at the
first (smallest) size. ``--tmux K`` also runs the real ``screener screen`` K times per order in
tmux at 80x24 (launch to the first record on screen; ``q`` to the shell's next line).

    .venv/bin/python bench/screen_latency.py --sizes 1000 100000 --shares 0 --presses 300 \
        --tmux 5 --workdir /tmp/benchwork
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textual import events

from screener.db import DB_NAME, connect, init_review, open_review
from screener.screening.session import Session
from screener.tui.app import ScreenApp

sys.path.insert(0, str(Path(__file__).parent))
from ranking_speed import synthetic_records

VOCABULARY = """tacrolimus myositis dermatomyositis polymyositis patients trial cohort adults
muscle strength skin lesions lung disease treatment placebo dose outcome mice case report
randomised control follow-up months years remission relapse review"""
WORDS = VOCABULARY.split()


class TimedApp(ScreenApp):
    """Sets ``drawn`` once the screen has been refreshed after a record change."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.drawn = asyncio.Event()
        self.first_frame = asyncio.Event()

    def on_mount(self) -> None:  # Textual calls ScreenApp.on_mount as well
        self.call_after_refresh(self.first_frame.set)

    def _decide(self, decision: str, reason: str | None = None, shown: int | None = None) -> None:
        super()._decide(decision, reason, shown)
        self.call_after_refresh(self.drawn.set)

    async def key(self, key: str) -> tuple[float, float]:
        """Send one key as the terminal driver would; seconds until the next record is drawn."""
        self.drawn.clear()
        event = events.Key(key, key)
        event.set_sender(self)
        start, cpu = time.perf_counter(), time.process_time()
        assert self._driver is not None
        self._driver.send_message(event)
        await asyncio.wait_for(self.drawn.wait(), 10)
        return time.perf_counter() - start, time.process_time() - cpu


def build(folder: Path, n: int, decided: int, seed: int = 1) -> None:
    review = init_review(folder, title=f"bench {n}")
    review.protocol_path.write_text(
        '[review]\ntitle = "bench"\n[keywords]\ninclude = ["w1234", "w2345*"]\n'
        'exclude = ["w3456"]\n[reasons]\ntitle_abstract = ["Wrong population"]\n'
        'full_text = ["Wrong outcomes"]\n',
        encoding="utf-8",
    )
    texts, labels = synthetic_records(n, seed)
    db = review.db
    rows = []
    for i, (title, abstract, keywords) in enumerate(texts):
        authors = json.dumps([f"Author{i % 977} A", f"Writer{i % 631} B"])
        rows.append(
            (title, abstract, keywords, authors, 1990 + i % 35, f"10.9/b.{i}", str(30000000 + i))
        )
    with db.conn:
        db.conn.executemany(
            "insert into records (title, abstract, keywords, authors, year, doi, pmid,"
            " publication_types, authors_translated, accessions, raw)"
            " values (?, ?, ?, ?, ?, ?, ?, '[]', '[]', '{}', '{}')",
            rows,
        )
        db.conn.executemany(
            "insert into decisions (record_id, stage, reviewer, decision, source, created_at)"
            " values (?, 'title_abstract', 'ann', ?, 'human', '2026-01-01T00:00:00+00:00')",
            [(i + 1, "include" if labels[i] else "exclude") for i in range(decided)],
        )
    review.close()
    (folder / "labels.json").write_text(json.dumps([bool(x) for x in labels]))


def memory_mb() -> tuple[float, float]:
    """This process's resident memory now and its peak (VmRSS, VmHWM), in MB."""
    fields = {}
    for row in Path("/proc/self/status").read_text().splitlines():
        key, _, value = row.partition(":")
        fields[key] = value
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


async def measure(folder: Path, order: str, presses: int, stage: str) -> dict[str, float]:
    truth = json.loads((folder / "labels.json").read_text())
    t0 = time.perf_counter()
    review = open_review(folder)
    session = Session(review, stage, "ann", order=order)
    t_session = time.perf_counter() - t0
    app = TimedApp(session)
    out: dict[str, float] = {"session_s": t_session}
    applied = 0
    original = app._apply

    def counting(ranked: list[int], trained_on: int, lead: bool = False) -> None:
        nonlocal applied
        applied += 1
        if lead:  # (an earlier app's _apply has no lead: the bench runs against both)
            original(ranked, trained_on, lead)
        else:
            original(ranked, trained_on)

    app._apply = counting  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await app.first_frame.wait()
        out["startup_s"] = time.perf_counter() - t0  # to the first record drawn
        if order == "relevance":
            t1 = time.perf_counter()
            while app.ranker is None:
                await asyncio.sleep(0.02)
            out["first_order_s"] = time.perf_counter() - t1
            while app.training:  # features built and the first fit on the labels returned
                await asyncio.sleep(0.05)
            out["model_ready_s"] = time.perf_counter() - t1
            out["trained"] = float(app.model_trained)
        times: list[float] = []
        cpus: list[float] = []
        applied = 0
        for _k in range(presses):
            before = session.current
            assert before is not None
            if truth[before - 1]:
                wall, cpu = await app.key("i")
            else:  # exclude: e opens the reason dialog; timed from the digit
                await pilot.press("e")
                wall, cpu = await app.key("1")
            times.append(wall)
            cpus.append(cpu)
            assert session.current != before
        out["fits_during_presses"] = applied
        out["includes_found"] = sum(
            1 for d in session.decisions.values() if d.decision == "include"
        )
        out["press_cpu_median_ms"] = 1000 * statistics.median(cpus)
        times.sort()
        out["press_median_ms"] = 1000 * statistics.median(times)
        out["press_p95_ms"] = 1000 * times[int(0.95 * (len(times) - 1))]
        out["press_max_ms"] = 1000 * times[-1]
        out["rss_mb"], out["peak_rss_mb"] = memory_mb()
        t_quit = time.perf_counter()
        await pilot.press("q")
    out["quit_s"] = time.perf_counter() - t_quit
    review.close()
    return out


def report(label: str, figures: dict[str, float]) -> None:
    figures["load"] = os.getloadavg()[0]
    print(label + "  " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()), flush=True)


def fresh(pristine: Path, scratch: Path) -> Path:
    """A copy of a built review, so every measurement starts from the same state."""
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(pristine, scratch)
    return scratch


def tmux_run(folder: Path, order: str, settle: float = 1.0) -> dict[str, float]:
    """The real ``screener screen`` in tmux at 80x24: seconds from the command line sent to the
    first record on screen, and from ``q`` to the shell's next line (summary printed)."""
    exe = Path(sys.executable).with_name("screener")
    socket = f"latency{os.getpid()}-{time.monotonic_ns()}"  # one server per run

    def tmux(*args: str) -> str:
        done = subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True)
        if done.returncode:
            raise OSError(f"tmux {args[0]}: {done.stderr.strip()}")
        return done.stdout

    tmux("new-session", "-d", "-s", "s", "-x", "80", "-y", "24", "bash --norc --noprofile")
    try:
        time.sleep(0.5)
        command = f"{exe} screen --review {folder} --reviewer ann --order {order}; echo EXITED"
        t0 = time.perf_counter()
        tmux("send-keys", "-t", "s", command, "Enter")
        while "PMID" not in tmux("capture-pane", "-p", "-t", "s"):
            if time.perf_counter() - t0 > 120:
                raise TimeoutError(tmux("capture-pane", "-p", "-t", "s"))
            time.sleep(0.01)
        startup = time.perf_counter() - t0
        time.sleep(settle)  # (relevance: the ranking process is running)
        t1 = time.perf_counter()
        tmux("send-keys", "-t", "s", "q")
        while "EXITED" not in tmux("capture-pane", "-p", "-t", "s"):
            if time.perf_counter() - t1 > 60:
                raise TimeoutError("the app did not quit within 60 s")
            time.sleep(0.01)
        return {"startup_s": startup, "quit_s": time.perf_counter() - t1}
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


def import_seconds(runs: int = 3) -> dict[str, float]:
    """Reference for the real start-up: a process that only imports the CLI and the app (the
    fixed cost of any ``screener screen``, whatever the review's size), median of ``runs``."""
    out: dict[str, float] = {}
    for what, code in (
        ("python_s", "pass"),
        ("imports_s", "import screener.cli, screener.tui.app"),
    ):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - t)
        out[what] = statistics.median(times)
    return out


def ratios(figures: dict[str, float], reference: dict[str, float], keys: list[str]) -> str:
    return "  ".join(
        f"{k} x{figures[k] / reference[k]:.2f}" for k in keys if reference.get(k) and k in figures
    )


def pristine_review(work: Path, n: int, share: float) -> Path:
    pristine = work / f"r{n}_{int(share * 100)}"
    if not (pristine / DB_NAME).exists():
        t = time.perf_counter()
        code = (
            f"import screen_latency as s; s.build(s.Path({str(pristine)!r}), {n}, {int(n * share)})"
        )
        subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent)
        print(f"# built {pristine.name} in {time.perf_counter() - t:.1f} s")
    return pristine


PRESS_KEYS = ["press_median_ms", "press_p95_ms", "press_max_ms", "startup_s", "quit_s", "rss_mb"]


def compare(label: str, figures: dict[str, float], refs: dict[str, dict[str, float]]) -> None:
    """Print the figures and their ratios to the references measured earlier in this run."""
    report(label, figures)
    for name, reference in refs.items():
        print(f"    vs {name}: {ratios(figures, reference, PRESS_KEYS)}", flush=True)


def pilot_runs(folder: Path, n: int, share: float, order: str, presses: int) -> list[Any]:
    """(label, figures) of the Pilot runs of one order (relevance: cold, then warm cache)."""
    head = f"{n:>7} records  decided {share:.0%}  order {order}"
    runs = [(head, asyncio.run(measure(folder, order, presses, "title_abstract")))]
    if order == "relevance":  # again, with the features cached by that run
        warm = asyncio.run(measure(folder, order, presses, "title_abstract"))
        runs.append((head + ", warm", warm))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--orders", nargs="+", default=["file", "relevance"])
    parser.add_argument("--shares", type=float, nargs="+", default=[0.0, 0.5])
    parser.add_argument("--tmux", type=int, default=0, help="real-process runs per order in tmux")
    parser.add_argument(
        "--workdir", type=Path, help="keep the built reviews here and reuse them on later runs"
    )
    args = parser.parse_args()
    print(f"# load average at start {os.getloadavg()}, nproc {os.cpu_count()}", flush=True)
    smallest = f"{args.sizes[0]} records"
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        first: dict[str, dict[str, float]] = {}  # the smallest size's figures, per run kind
        for n in args.sizes:
            for share in args.shares:
                pristine = pristine_review(work, n, share)
                size_mb = (pristine / DB_NAME).stat().st_size / 1e6
                print(f"# {n} records, {int(n * share)} decided ({size_mb:.0f} MB)")
                file_order: dict[str, float] = {}
                for order in args.orders:
                    folder = fresh(pristine, Path(tmp) / "scratch")
                    for label, figures in pilot_runs(folder, n, share, order, args.presses):
                        kind = label.split("decided")[1]
                        refs = {"file order, same size": file_order} if file_order else {}
                        if kind in first:
                            refs[smallest] = first[kind]
                        compare(label, figures, refs)
                        first.setdefault(kind, figures)
                        file_order = file_order or figures
                    if not args.tmux:
                        continue
                    folder = fresh(pristine, Path(tmp) / "scratch")
                    runs = []
                    for _ in range(args.tmux):
                        try:
                            runs.append(tmux_run(folder, order))
                        except (TimeoutError, OSError) as exc:  # said, and the run goes on
                            print(f"# tmux run failed: {exc!r}", flush=True)
                    if not runs:
                        continue
                    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                    median.update(import_seconds())
                    kind = f"tmux {share} {order}"
                    label = f"{n:>7} records  decided {share:.0%}  tmux {order}, median of"
                    label += f" {len(runs)}: " + ", ".join(f"{r['startup_s']:.2f}" for r in runs)
                    compare(label, median, {smallest: first[kind]} if kind in first else {})
                    first.setdefault(kind, median)
                if share and "file" in args.orders:
                    folder = fresh(pristine, Path(tmp) / "scratch")
                    db = connect(folder / DB_NAME)
                    db.execute("update decisions set decision = 'include' where id % 2 = 0")
                    db.close()
                    figures = asyncio.run(measure(folder, "file", 20, "full_text"))
                    report(f"{n:>7} records  full_text stage       order file     ", figures)


if __name__ == "__main__":
    main()
