"""Fault injection: run a write command in a subprocess, SIGKILL it at a random instant, check.

Used by tests/test_faults.py (a few dozen kills) and bench/faults.py (many more). A review is
built once from generated exports (MEDLINE + RIS with overlapping records), copied per run,
and each command is checked against one uninterrupted run of the same command:

* after the kill: ``PRAGMA integrity_check`` is ok, the invariants hold (no partial search,
  no chained duplicate, PRISMA identities), and the review equals either its state before the
  command or the state after the uninterrupted run (all or nothing);
* after a rerun of the command: the review equals the uninterrupted run's.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from screener.cli import app
from screener.db import init_review, open_review
from screener.prisma.identities import checked_flow
from screener.searches import import_file

_TEXT = (
    "tacrolimus dermatomyositis polymyositis refractory interstitial lung disease cohort trial "
    "efficacy safety calcineurin inhibitor myositis outcome children adults survival randomised "
    "prospective retrospective case series treatment response creatine kinase"
)
WORDS = _TEXT.split()


def _title(rng: random.Random, i: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f" study {i}"


def write_exports(folder: Path, n: int, seed: int = 7) -> tuple[Path, Path]:
    """A MEDLINE file of ``n`` records and a RIS file holding a third of them plus new ones."""
    rng = random.Random(seed)
    medline, ris = [], []
    for i in range(n):
        title = _title(rng, i)
        year = 2000 + i % 21
        doi = f"10.1000/fault.{i}"
        medline.append(
            f"PMID- {30000000 + i}\nOWN - NLM\nDP  - {year} Jan\nTI  - {title}.\n"
            f"AB  - Abstract of record {i} about {rng.choice(WORDS)}.\nFAU - Smith, John\n"
            f"AU  - Smith J\nLA  - {'eng' if i % 7 else 'chi'}\nPT  - Journal Article\n"
            f"AID - {doi} [doi]\nJT  - Journal of Tests\nTA  - J Tests\nVI  - {i % 30}\n"
            f"PG  - {i}-{i + 5}\nSO  - J Tests. {year};{i % 30}:{i}-{i + 5}. doi: {doi}.\n"
        )
        if i % 3 == 0:
            ris.append(
                f"TY  - JOUR\nTI  - {title}\nAU  - Smith, John\nPY  - {year}\nDO  - {doi}\n"
                f"JO  - Journal of Tests\nVL  - {i % 30}\nSP  - {i}\nEP  - {i + 5}\nER  - \n"
            )
    for j in range(n // 6):
        ris.append(
            f"TY  - JOUR\nTI  - {_title(rng, n + j)}\nAU  - Jones, Ann\nPY  - 2012\n"
            f"DO  - 10.2000/other.{j}\nER  - \n"
        )
    a, b = folder / "pubmed.txt", folder / "embase.ris"
    a.write_text("\n".join(medline), encoding="utf-8")
    b.write_text("\n".join(ris), encoding="utf-8")
    return a, b


def snapshot(folder: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a command can write, without the clock columns."""
    conn = sqlite3.connect(folder / "review.db")
    try:
        queries = {
            "searches": "select id, database, round, file_name, sha256, format, n_records"
            " from searches order by id",
            "records": "select id, search_id, position, title, doi, pmid, duplicate_of, study_id"
            " from records order by id",
            "pairs": "select record_a, record_b, score, rule, status, reviewer"
            " from duplicate_pairs order by record_a, record_b",
            "decisions": "select id, record_id, stage, reviewer, decision, reason, note, source"
            " from decisions order by id",
            "retrieval": "select record_id, status, reason, reviewer from retrieval order by id",
            "settings": "select key, value from settings order by key",
        }
        return {name: conn.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        conn.close()


def invariants(folder: Path) -> None:
    """AssertionError when the review on disk is damaged or inconsistent."""
    conn = sqlite3.connect(folder / "review.db")
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        partial = conn.execute(
            "select s.id, s.n_records, (select count(*) from records r where r.search_id = s.id)"
            " from searches s"
        ).fetchall()
        assert all(n == count and n > 0 for _, n, count in partial), partial
        chained = conn.execute(
            "select count(*) from records r join records k on k.id = r.duplicate_of"
            " where k.duplicate_of is not null"
        ).fetchone()[0]
        assert chained == 0, "a duplicate points to another duplicate"
        unexplained = conn.execute(
            "select count(*) from records r where r.duplicate_of is not null and not exists"
            " (select 1 from duplicate_pairs p where p.status in ('auto', 'confirmed')"
            " and r.id in (p.record_a, p.record_b))"
        ).fetchone()[0]
        assert unexplained == 0, "a duplicate link with no pair behind it"
        has_searches = conn.execute("select count(*) from searches").fetchone()[0]
    finally:
        conn.close()
    if has_searches:
        review = open_review(folder)
        try:
            checked_flow(review, allow_incomplete=True)  # DataError when an identity breaks
        finally:
            review.close()


def run_cli(args: list[str], stdin: str | None = None, codes: tuple[int, ...] = (0,)) -> None:
    result = CliRunner().invoke(app, args, input=stdin)
    assert result.exit_code in codes, (args, result.output, result.exception)


@dataclass
class Case:
    """One write command: its arguments (``{review}`` is replaced) and how to judge a kill."""

    name: str
    args: list[str]
    stdin: str | None = None
    prefix_ok: bool = False  # interactive: each answer is its own transaction (a prefix is ok)
    rerun_codes: tuple[int, ...] = (0,)  # import: 1 when the killed run had finished


@dataclass
class Tally:
    runs: int = 0
    failures: list[str] = field(default_factory=list)
    mid_run: int = 0  # kills that landed while the command was still running
    partial: int = 0  # kills that left a state other than before/after (prefix_ok cases)


def _args(case: Case, review: Path) -> list[str]:
    return [a.replace("{review}", str(review)) for a in case.args]


def kill_once(case: Case, base: Path, work: Path, window: float, rng: random.Random) -> bool:
    """Copy ``base`` to ``work``, run the case in a forked child process (screener already
    imported, so no start-up cost), SIGKILL it after a random delay in ``window``.

    Returns whether the child was still running when killed.
    """
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(base, work)
    args = _args(case, work)
    ready, told = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run the command, never return into the caller
        code = 99
        try:
            os.close(ready)
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            os.write(told, b"r")
            code = CliRunner().invoke(app, args, input=case.stdin).exit_code
        finally:
            os._exit(code)
    os.close(told)
    os.read(ready, 1)
    os.close(ready)
    time.sleep(rng.uniform(0, window))
    finished, _status = os.waitpid(pid, os.WNOHANG)
    if finished:
        return False
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return True


def reference(case: Case, base: Path, work: Path) -> tuple[dict[str, Any], float]:
    """The uninterrupted run's state, and how long it took in process."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(base, work)
    started = time.perf_counter()
    run_cli(_args(case, work), case.stdin)
    return snapshot(work), time.perf_counter() - started


def judge(case: Case, before: dict[str, Any], after: dict[str, Any], work: Path) -> str | None:
    """None when the killed run left the review whole; else what went wrong."""
    try:
        invariants(work)
    except AssertionError as exc:
        return f"{case.name}: invariant broken after kill: {exc}"
    except Exception as exc:  # a broken identity (DataError) or a damaged file
        return f"{case.name}: {type(exc).__name__} after kill: {exc}"
    state = snapshot(work)
    if state not in (before, after) and not (case.prefix_ok and _is_prefix(state, before, after)):
        return f"{case.name}: the killed run left a partial state"
    run_cli(_args(case, work), case.stdin, case.rerun_codes)
    if snapshot(work) != after:
        return f"{case.name}: the rerun differs from one uninterrupted run"
    return None


def _is_prefix(state: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Interactive resolution: only decisions were added, and they begin the full run's."""
    if any(state[k] != before[k] for k in state if k != "decisions"):
        return False
    done = state["decisions"]
    return (
        before["decisions"] == done[: len(before["decisions"])]
        and done == after["decisions"][: len(done)]
    )


def build_bases(root: Path, n: int) -> dict[str, tuple[Path, Case]]:
    """The review each case starts from, and the cases."""
    medline, ris = write_exports(root, n)
    empty = root / "empty"
    init_review(empty, title="Faults").close()
    imported = root / "imported"
    shutil.copytree(empty, imported)
    review = open_review(imported)
    import_file(review, medline)
    import_file(review, ris)
    review.close()
    protocol = (imported / "review.toml").read_text(encoding="utf-8")
    (imported / "review.toml").write_text(
        protocol.replace("reviewers = 1", "reviewers = 2"), encoding="utf-8"
    )
    run_cli(["dedupe", "--review", str(imported)])
    decisions = root / "decisions.csv"
    lines = ["key,stage,reviewer,decision,reason,note"]
    for i in range(n):
        verdict = ("include", "exclude", "maybe")[i % 3]
        lines.append(f"pmid:{30000000 + i},title_abstract,alice,{verdict},,")
    decisions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bob = root / "bob.csv"
    bob.write_text(
        "\n".join(
            [lines[0]]
            + [
                f"pmid:{30000000 + i},title_abstract,bob,{('exclude', 'include')[i % 2]},,"
                for i in range(n)
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    deduped = root / "deduped"
    shutil.copytree(imported, deduped)
    criteria_base = root / "criteria"
    shutil.copytree(imported, criteria_base)
    toml = criteria_base / "review.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[limits]", "[limits]\nyear_min = 2010", 1), encoding="utf-8")
    other = root / "other"
    shutil.copytree(imported, other)
    run_cli(["decide", "--file", str(bob), "--review", str(other)])
    two = root / "two"
    shutil.copytree(imported, two)
    run_cli(["decide", "--file", str(decisions), "--review", str(two)])
    run_cli(["decide", "--file", str(bob), "--review", str(two)])
    run_cli(["unblind", "--reviewer", "lead", "--review", str(two)])  # reviewers = 2: blind
    grouped = open_review(deduped)
    member = grouped.db.execute(
        "select id from records where duplicate_of is not null order by id limit 1"
    ).fetchone()[0]
    grouped.close()
    n_conflicts = n  # at most one per record
    return {
        "import": (
            empty,
            Case("import", ["import", str(medline), "--review", "{review}"], rerun_codes=(0, 1)),
        ),
        "dedupe": (
            _undeduped(root, imported),
            Case("dedupe", ["dedupe", "--review", "{review}"]),
        ),
        "criteria": (criteria_base, Case("criteria", ["criteria", "--review", "{review}"])),
        "decide": (
            imported,
            Case("decide", ["decide", "--file", str(decisions), "--review", "{review}"]),
        ),
        "merge": (
            imported,
            Case("merge", ["merge", str(other), "--review", "{review}"]),
        ),
        "unlink": (
            deduped,
            Case(
                "unlink",
                ["dedupe", "--unlink", str(member), "--review", "{review}"],
                rerun_codes=(0, 1),
            ),
        ),
        "conflicts": (
            two,
            Case(
                "conflicts --resolve",
                ["conflicts", "--resolve", "--stage", "title-abstract", "--review", "{review}"],
                stdin="i\n" * n_conflicts,
                prefix_ok=True,
            ),
        ),
    }


def _undeduped(root: Path, imported: Path) -> Path:
    """The imported review before any dedupe run (imports only)."""
    folder = root / "undeduped"
    if not folder.exists():
        init_review(folder, title="Faults").close()
        review = open_review(folder)
        for name in ("pubmed.txt", "embase.ris"):
            import_file(review, root / name)
        review.close()
    return folder


def campaign(root: Path, n: int, kills: int, seed: int, only: list[str] | None = None) -> Tally:
    """``kills`` SIGKILLs per case at random instants; returns the tally."""
    rng = random.Random(seed)
    tally = Tally()
    for name, (base, case) in build_bases(root, n).items():
        if only and name not in only:
            continue
        before = snapshot(base)
        after, took = reference(case, base, root / f"ref-{name}")
        window = took * 1.5 + 0.05
        for k in range(kills):
            work = root / f"run-{name}-{k}"
            tally.runs += 1
            tally.mid_run += kill_once(case, base, work, window, rng)
            problem = judge(case, before, after, work)
            if problem:
                tally.failures.append(problem)
            shutil.rmtree(work, ignore_errors=True)
    return tally
