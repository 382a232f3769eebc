"""Mutation run for the SQL of screener/verdict_tables.py (migration 006); not a test.

mutmut can only upper- or lower-case a string (SQLite ignores the case of keywords and names)
or wrap it in 'XX' (a syntax error every test sees), so its score for verdict_tables.py says
nothing about the logic of the SQL the module builds. This script mutates that SQL instead.
It records every statement the migration executes, its CREATE TABLE statements aside (the
initial fill's INSERT ... SELECT statements, SUMMARY_SELECT inside them, and every trigger),
and makes one mutant per site of each operator in ``OPERATORS``:

    =/<>         ``=`` -> ``<>`` (not the ``SET n =`` of a tally) and ``<>`` -> ``=``
    </<=         ``<`` -> ``<=`` and ``<=`` -> ``<``
    </>          ``<`` -> ``>``
    IS/IS NOT    ``IS`` -> ``IS NOT`` and back
    IN/NOT IN    ``IN`` -> ``NOT IN``
    min/max      ``min(`` <-> ``max(``
    sum/count    ``sum(`` -> ``count(``
    +/-          ``+`` <-> ``-`` (``n + 1`` / ``n - 1`` of the tallies, ``first * 2^32 + id``)
    AND/OR       ``AND`` -> ``OR``
    condition    one conjunct of a WHERE, join ON, CASE WHEN or trigger WHEN condition -> ``1``
    LEFT JOIN    ``LEFT JOIN`` -> ``JOIN``
    literal      a string literal changed: 'exclude' -> 'include', '' -> 'X', 'x' -> 'xX'
    0/1          the integer ``0`` -> ``1`` (``coalesce(x, 0)``, the first ``n`` of a tally cell)
    modulo       ``% 4294967296`` removed
    GROUP BY     one GROUP BY column removed
    UPDATE OF    ``AFTER UPDATE OF top`` -> ``OF first``, ``OF source`` -> ``OF decision``
    OR REPLACE   ``INSERT OR IGNORE`` -> ``INSERT OR REPLACE``
    dropped      one statement of a trigger's body removed (e.g. the DELETE of a refresh), or a
                 whole trigger or fill statement not run (``SELECT 0`` instead)

Each mutant is first run here on a small review (decisions, undo, consensus, automation, the
fill on that log, then edited rows): when SQLite refuses its SQL (``sqlite3.OperationalError``:
syntax, no such column, ...) it is *invalid*, counted as killed but reported apart. The others
run the fast tests that read these tables (``TESTS``, ``-x -q``, hypothesis derandomized and
without its example database) in a child process under ``nice -n 19``: exit 1 is *killed*,
0 *survived*, a timeout *timeout* (counted as killed), anything else *error*.

The mutant reaches the tests through this file loaded as a pytest plugin (``-p sql_mutation``,
bench/ on PYTHONPATH): with SCREENER_SQL_MUTANT naming a JSON file ``{"old": ..., "new": ...}``
it replaces migration 006 in ``screener.db.MIGRATIONS`` and
``screener.verdict_tables.m006_verdict_summary`` by the real function run through a connection
that executes ``new`` where the module gives ``old``. The production code has no hook.

Usage (from the repository's root, with the test extras installed):

    python bench/sql_mutation.py                  # every mutant, 2 workers (long: 631 took
                                                  # 50 min at load 2-3)
    python bench/sql_mutation.py --list           # the mutants and their diffs, nothing run
    python bench/sql_mutation.py --only 12 40     # some mutants by number
    python bench/sql_mutation.py --operator min/max --workers 1
    python bench/sql_mutation.py --only 194 --tests tests/test_finals.py   # other tests
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
ENV = "SCREENER_SQL_MUTANT"
# the fast tests that read the summary and the tallies (status, PRISMA counts, kappa, verdicts,
# the stopping aid); test_finals first: its property test compares the tables with a rebuild
TESTS = (
    "tests/test_finals.py",
    "tests/test_verdict.py",
    "tests/test_verdict_properties.py",
    "tests/test_prisma.py",
    "tests/test_prisma_verdict.py",
    "tests/test_agreement.py",
    "tests/test_agreement_boundaries.py",
    "tests/test_status.py",
)

# ---------------------------------------------------------------------------------------------
# applying a mutant (also the pytest plugin's work)


class _SwapConnection:
    """Stands for the ``sqlite_utils.Database`` migration 006 receives: ``.conn.execute`` runs
    ``new`` where the module gives ``old``, every other statement as given."""

    def __init__(self, conn: sqlite3.Connection, old: str, new: str, seen: list[str]) -> None:
        self.conn = self
        self._real, self._old, self._new, self._seen = conn, old, new, seen

    def execute(self, sql: str, *params: Any) -> sqlite3.Cursor:
        self._seen.append(sql)
        return self._real.execute(self._new if sql == self._old else sql, *params)


def install(old: str, new: str) -> tuple[list[str], Callable[[], None]]:
    """Put the mutant in place of migration 006; return the statements seen and an undo."""
    import screener.db
    import screener.verdict_tables

    real = screener.verdict_tables.m006_verdict_summary
    seen: list[str] = []

    def mutated(db: Any) -> None:
        real(cast(Any, _SwapConnection(db.conn, old, new, seen)))

    index = [i for i, (_, step) in enumerate(screener.db.MIGRATIONS) if step is real]
    if len(index) != 1:
        raise SystemExit("migration 006 (m006_verdict_summary) is not in screener.db.MIGRATIONS")
    name = screener.db.MIGRATIONS[index[0]][0]
    screener.db.MIGRATIONS[index[0]] = (name, mutated)
    screener.verdict_tables.m006_verdict_summary = mutated

    def restore() -> None:
        screener.db.MIGRATIONS[index[0]] = (name, real)
        screener.verdict_tables.m006_verdict_summary = real

    return seen, restore


_applied: list[str] = []


def pytest_configure(config: Any) -> None:
    """Plugin: apply the mutant named by SCREENER_SQL_MUTANT (nothing when it is unset)."""
    path = os.environ.get(ENV)
    if not path:
        return
    mutant = json.loads(Path(path).read_text(encoding="utf-8"))
    seen, _ = install(mutant["old"], mutant["new"])
    _applied.append(path)
    config._sql_mutation_seen = seen
    from hypothesis import Phase, settings

    # the same examples every run, none stored, no shrinking: the first failure kills
    phases = [Phase.explicit, Phase.generate]
    settings.register_profile("sql_mutation", database=None, derandomize=True, phases=phases)
    settings.load_profile("sql_mutation")


def pytest_unconfigure(config: Any) -> None:
    """Plugin: write down how often the mutated statement ran (0: the mutant never applied)."""
    if _applied:
        mutant = json.loads(Path(_applied[0]).read_text(encoding="utf-8"))
        seen = getattr(config, "_sql_mutation_seen", [])
        hits = sum(sql == mutant["old"] for sql in seen)
        Path(_applied[0] + ".hits").write_text(str(hits), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# the statements and their mutants

_TOKEN = re.compile(r"'(?:[^']|'')*'|\s+|[A-Za-z_][A-Za-z_0-9]*|\d+|<>|<=|>=|!=|==|\|\||.", re.S)


@dataclass(frozen=True)
class Token:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def up(self) -> str:
        return self.text.upper()


def tokens(sql: str) -> list[Token]:
    """The statement's tokens, whitespace left out."""
    return [Token(m.group(), m.start()) for m in _TOKEN.finditer(sql) if not m.group().isspace()]


Site = tuple[int, int, str]  # replace sql[start:end] by the text


def _word(toks: list[Token], i: int) -> str:
    return toks[i].up if 0 <= i < len(toks) else ""


def _eq_ne(sql: str, t: list[Token]) -> Iterator[Site]:
    for i, tok in enumerate(t):
        if tok.text == "=" and not (_word(t, i - 1) == "N" and _word(t, i - 2) == "SET"):
            yield tok.start, tok.end, "<>"
        elif tok.text == "<>":
            yield tok.start, tok.end, "="


def _swap(t: list[Token], pairs: dict[str, str], call: bool = False) -> Iterator[Site]:
    """Each token found in ``pairs`` (lower-cased when ``call``: a function name followed by
    its parenthesis) replaced by its partner."""
    for i, tok in enumerate(t):
        text = tok.text.lower() if call else tok.text
        if text in pairs and (not call or _word(t, i + 1) == "("):
            yield tok.start, tok.end, pairs[text]


def _lt_le(sql: str, t: list[Token]) -> Iterator[Site]:
    return _swap(t, {"<": "<=", "<=": "<"})


def _lt_gt(sql: str, t: list[Token]) -> Iterator[Site]:
    yield from ((tok.start, tok.end, ">") for tok in t if tok.text == "<")


def _is_not(sql: str, t: list[Token]) -> Iterator[Site]:
    for i, tok in enumerate(t):
        if tok.up == "IS":
            if _word(t, i + 1) == "NOT":
                yield tok.start, t[i + 1].end, "IS"
            else:
                yield tok.start, tok.end, "IS NOT"


def _in_not_in(sql: str, t: list[Token]) -> Iterator[Site]:
    for i, tok in enumerate(t):
        if tok.up == "IN" and _word(t, i - 1) != "NOT":
            yield tok.start, tok.end, "NOT IN"


def _min_max(sql: str, t: list[Token]) -> Iterator[Site]:
    return _swap(t, {"min": "max", "max": "min"}, call=True)


def _sum_count(sql: str, t: list[Token]) -> Iterator[Site]:
    return _swap(t, {"sum": "count"}, call=True)


def _plus_minus(sql: str, t: list[Token]) -> Iterator[Site]:
    return _swap(t, {"+": "-", "-": "+"})


def _and_or(sql: str, t: list[Token]) -> Iterator[Site]:
    yield from ((tok.start, tok.end, "OR") for tok in t if tok.up == "AND")


_STOP = {"AND", "OR", "WHEN", "THEN", "ELSE", "END", "GROUP", "ORDER", "LEFT", "JOIN", "BEGIN"}
_STOP |= {"WHERE", "FROM"}
_STOP |= {";", ","}


def _until(t: list[Token], i: int, stops: set[str]) -> int:
    """The index of the first token from ``i`` on, outside parentheses opened after ``i``, that
    is one of ``stops`` or closes a parenthesis opened before it (``len(t)`` if none)."""
    depth = 0
    while i < len(t):
        word = t[i].up
        if word == "(":
            depth += 1
        elif word == ")":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and word in stops:
            break
        i += 1
    return i


def _conjunct(t: list[Token], i: int) -> int:
    """The index after the conjunct that starts at token ``i``."""
    return _until(t, i, _STOP)


def _condition(sql: str, t: list[Token]) -> Iterator[Site]:
    for i, tok in enumerate(t):
        if tok.up in ("WHERE", "WHEN", "AND", "ON"):
            end = _conjunct(t, i + 1)
            part = t[i + 1 : end]
            # the ON of a trigger (AFTER INSERT ON table, UPDATE OF x ON table) is no condition
            trigger_on = (
                _word(t, i - 1) in ("INSERT", "UPDATE", "DELETE") or _word(t, i - 2) == "OF"
            )
            if part and not (tok.up == "ON" and trigger_on):
                yield part[0].start, part[-1].end, "1"


def _left_join(sql: str, t: list[Token]) -> Iterator[Site]:
    for i, tok in enumerate(t):
        if tok.up == "LEFT" and _word(t, i + 1) == "JOIN":
            yield tok.start, t[i + 1].start, ""


def _literal(sql: str, t: list[Token]) -> Iterator[Site]:
    for tok in t:
        if tok.text.startswith("'"):
            inner = tok.text[1:-1]
            new = "include" if inner == "exclude" else "X" if inner == "" else inner + "X"
            yield tok.start, tok.end, f"'{new}'"


def _zero_one(sql: str, t: list[Token]) -> Iterator[Site]:
    yield from ((tok.start, tok.end, "1") for tok in t if tok.text == "0")


def _modulo(sql: str, t: list[Token]) -> Iterator[Site]:
    for i, tok in enumerate(t):
        if tok.text == "%" and i + 1 < len(t):
            yield t[i - 1].end, t[i + 1].end, ""


def _group_by(sql: str, t: list[Token]) -> Iterator[Site]:
    for i, tok in enumerate(t):
        if tok.up != "GROUP" or _word(t, i + 1) != "BY":
            continue
        items: list[tuple[int, int]] = []  # token index ranges of the columns
        start = i + 2
        while True:
            end = _until(t, start, {",", ";"})
            items.append((start, end))
            if end == len(t) or t[end].text != ",":
                break
            start = end + 1
        for k, (a, b) in enumerate(items):
            if k == 0:
                yield t[a].start, t[items[1][0]].start, ""
            else:
                yield t[items[k - 1][1] - 1].end, t[b - 1].end, ""


_OTHER_COLUMN = {"top": "first", "source": "decision"}


def _update_of(sql: str, t: list[Token]) -> Iterator[Site]:
    for i, tok in enumerate(t):
        if tok.up == "OF" and _word(t, i - 1) == "UPDATE" and i + 1 < len(t):
            column = t[i + 1]
            if column.text.lower() in _OTHER_COLUMN:
                yield column.start, column.end, _OTHER_COLUMN[column.text.lower()]


def _or_replace(sql: str, t: list[Token]) -> Iterator[Site]:
    for i, tok in enumerate(t):
        if tok.up == "IGNORE" and _word(t, i - 1) == "OR":
            yield tok.start, tok.end, "REPLACE"


def _dropped(sql: str, t: list[Token]) -> Iterator[Site]:
    yield 0, len(sql), "SELECT 0"  # the whole statement not run
    begins = [i for i, tok in enumerate(t) if tok.up == "BEGIN"]
    if not begins:
        return
    body: list[tuple[int, int]] = []
    start, depth = begins[0] + 1, 0
    for j in range(begins[0] + 1, len(t)):
        if t[j].text == "(":
            depth += 1
        elif t[j].text == ")":
            depth -= 1
        elif t[j].text == ";" and depth == 0:
            body.append((t[start].start, t[j].end))
            start = j + 1
    if len(body) > 1:
        for a, b in body:
            yield a, b + 1 if sql[b : b + 1] == "\n" else b, ""


OPERATORS: dict[str, Callable[[str, list[Token]], Iterator[Site]]] = {
    "=/<>": _eq_ne,
    "</<=": _lt_le,
    "</>": _lt_gt,
    "IS/IS NOT": _is_not,
    "IN/NOT IN": _in_not_in,
    "min/max": _min_max,
    "sum/count": _sum_count,
    "+/-": _plus_minus,
    "AND/OR": _and_or,
    "condition": _condition,
    "LEFT JOIN": _left_join,
    "literal": _literal,
    "0/1": _zero_one,
    "modulo": _modulo,
    "GROUP BY": _group_by,
    "UPDATE OF": _update_of,
    "OR REPLACE": _or_replace,
    "dropped": _dropped,
}


@dataclass(frozen=True)
class Mutant:
    number: int
    operator: str
    where: str  # "trigger NAME" or "fill TABLE"
    old: str
    new: str
    start: int
    end: int
    text: str

    def diff(self, context: int = 70) -> str:
        """The changed place with some text either side, whitespace runs as one space."""

        def show(s: str) -> str:
            s = re.sub(r"\s+", " ", s)
            return s if len(s) <= 160 else f"{s[:70]} ... {s[-40:]}"

        before = show(self.old[max(0, self.start - context) : self.start])
        after = show(self.old[self.end : self.end + context])
        return (
            f"    - ...{before}[{show(self.old[self.start : self.end])}]{after}...\n"
            f"    + ...{before}[{show(self.text)}]{after}..."
        )


def _place(sql: str) -> str:
    words = sql.split()
    if words[:2] == ["CREATE", "TRIGGER"]:
        return f"trigger {words[2]}"
    return f"fill {words[2]}"


def executed_statements() -> list[str]:
    """What migration 006 executes, in order (on an empty review built by migrations 1-5)."""
    import sqlite_utils

    import screener.db
    from screener.verdict_tables import m006_verdict_summary

    db = sqlite_utils.Database(memory=True)
    for _, step in screener.db.MIGRATIONS:
        if step is m006_verdict_summary:
            break
        step(db)
    seen: list[str] = []
    m006_verdict_summary(cast(sqlite_utils.Database, _SwapConnection(db.conn, "", "", seen)))
    db.close()
    if len(set(seen)) != len(seen):
        raise SystemExit("migration 006 runs one statement twice: a mutant would change both")
    return seen


def mutants() -> list[Mutant]:
    out: list[Mutant] = []
    for sql in executed_statements():
        if sql.lstrip().upper().startswith("CREATE TABLE"):
            continue
        toks = tokens(sql)
        for name, operator in OPERATORS.items():
            for start, end, text in operator(sql, toks):
                new = sql[:start] + text + sql[end:]
                if new != sql:
                    out.append(Mutant(len(out) + 1, name, _place(sql), sql, new, start, end, text))
    return out


# ---------------------------------------------------------------------------------------------
# running them


def _small_review() -> None:
    """A small log through migrations 1-5, then migration 006 (its fill on that log), then
    more decisions and edited rows (its triggers): SQLite compiles and runs every statement."""
    import sqlite_utils

    import screener.db
    from screener.record import Record
    from screener.screening.verdict import record_decision

    sys.path.insert(0, str(ROOT / "tests"))
    from builders import add_search  # type: ignore[import-not-found]

    db = sqlite_utils.Database(memory=True)
    steps = [step for _, step in screener.db.MIGRATIONS]
    for step in steps[:-1]:
        step(db)
    ids = add_search(db, [Record(title=f"T{i}") for i in range(4)])
    ta, ft = "title_abstract", "full_text"

    def log(offset: int) -> list[int]:
        a, b, c, d = ids
        rows = [
            record_decision(db, a, ta, f"ann{offset}", "include"),
            record_decision(db, a, ta, f"bob{offset}", "exclude", "R1"),
            record_decision(db, b, ta, f"ann{offset}", "exclude", "R2"),
            record_decision(db, b, ta, f"bob{offset}", "maybe"),
            record_decision(db, b, ta, "consensus", "exclude", "R2", None, "consensus"),
            record_decision(db, c, ta, "criteria", "exclude", "Year", None, "criteria"),
            record_decision(db, d, ta, f"ann{offset}", "undo"),
            record_decision(db, a, ft, f"cat{offset}", "include", None, None, "import"),
        ]
        record_decision(db, a, ta, f"bob{offset}", "undo")
        return rows

    log(0)
    steps[-1](db)
    rows = log(1)
    db.execute("update decisions set decision = 'exclude', reason = 'R3' where id = ?", [rows[0]])
    db.execute("update decisions set source = 'human' where id = ?", [rows[5]])
    db.execute("update decisions set reason = 'R4' where id = ?", [rows[1]])
    db.close()


def invalid(mutant: Mutant) -> str | None:
    """SQLite's refusal of the mutant's SQL on a small review, or None when it runs."""
    _, restore = install(mutant.old, mutant.new)
    try:
        _small_review()
    except sqlite3.OperationalError as error:
        return str(error)
    except Exception:
        return None  # it runs; wrong results are for the tests to find
    finally:
        restore()
    return None


def _child(
    mutant: Mutant | None, folder: Path, timeout: float, tests: list[str]
) -> tuple[str, float, str]:
    """Run the tests with the mutant in place: (outcome, seconds, last lines of output)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "bench"), env.get("PYTHONPATH")]))
    path = folder / f"mutant-{mutant.number if mutant else 0}.json"
    if mutant is not None:
        path.write_text(json.dumps({"old": mutant.old, "new": mutant.new}), encoding="utf-8")
        env[ENV] = str(path)
    else:
        env.pop(ENV, None)
    nice = ["nice", "-n", "19"] if shutil.which("nice") else []
    command = [*nice, sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "sql_mutation", *tests]
    began = time.monotonic()
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - began, ""
    seconds = time.monotonic() - began
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-5:])
    hits = Path(str(path) + ".hits")
    if mutant is not None and (not hits.exists() or hits.read_text() == "0"):
        return "error", seconds, "the mutated statement never ran\n" + tail
    outcome = {0: "survived", 1: "killed"}.get(done.returncode, "error")
    return outcome, seconds, tail


def _check_setup() -> None:
    missing = [t for t in TESTS if not (ROOT / t).exists()]  # the default selection
    if missing:
        raise SystemExit(f"The tests this script runs are missing: {', '.join(missing)}.")
    try:
        import hypothesis  # noqa: F401
        import pytest  # noqa: F401
    except ImportError:
        raise SystemExit(
            "pytest or hypothesis is missing: install the test extras (pip install -e '.[test]')."
        ) from None


COLUMNS = ("mutants", "invalid", "killed", "timeout", "survived", "error")


def report(results: list[tuple[Mutant, str, str]]) -> None:
    by_op: dict[str, Counter[str]] = {}
    for mutant, outcome, _ in results:
        by_op.setdefault(mutant.operator, Counter())[outcome] += 1
    total: Counter[str] = Counter()
    print(f"\n{'operator':<12}" + "".join(f"{c:>10}" for c in COLUMNS) + f"{'score':>10}")
    for name in [*OPERATORS, "total"]:
        counts = total if name == "total" else by_op.get(name)
        if counts is None:
            continue
        if name != "total":
            total.update(counts)
        n = sum(counts.values())
        valid = n - counts["invalid"]
        killed = counts["killed"] + counts["timeout"]
        score = f"{100 * killed / valid:.1f} %" if valid else "-"
        row = [n, counts["invalid"], counts["killed"], counts["timeout"], counts["survived"]]
        row.append(counts["error"])
        print(f"{name:<12}" + "".join(f"{v:>10}" for v in row) + f"{score:>10}")
    print("score = (killed + timeout) / valid mutants (invalid ones left out)")
    for kind in ("survived", "error"):
        listed = [(m, detail) for m, outcome, detail in results if outcome == kind]
        if listed:
            print(f"\n{kind} ({len(listed)}):")
        for mutant, detail in listed:
            print(f"  #{mutant.number} {mutant.operator} in {mutant.where}\n{mutant.diff()}")
            if kind == "error":
                print("    " + detail.replace("\n", "\n    "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds per mutant")
    parser.add_argument("--operator", nargs="*", choices=list(OPERATORS), default=None)
    parser.add_argument("--only", nargs="*", type=int, default=None, help="mutant numbers")
    parser.add_argument("--list", action="store_true", help="print the mutants, run nothing")
    parser.add_argument("--json", type=Path, help="write the outcomes to this file")
    parser.add_argument(
        "--tests",
        nargs="*",
        default=list(TESTS),
        help="pytest arguments instead of the test files above (e.g. to rerun survivors"
        " against only the tests added since)",
    )
    args = parser.parse_args()
    _check_setup()
    chosen = [
        m
        for m in mutants()
        if (args.operator is None or m.operator in args.operator)
        and (args.only is None or m.number in args.only)
    ]
    if args.list:
        for m in chosen:
            print(f"#{m.number} {m.operator} in {m.where}\n{m.diff()}")
        print(f"{len(chosen)} mutants")
        return
    try:
        _small_review()
    except Exception as error:
        raise SystemExit(f"The small review fails without any mutant: {error!r}") from None
    began = time.monotonic()
    results: list[tuple[Mutant, str, str]] = []
    to_run: list[Mutant] = []
    for m in chosen:
        refusal = invalid(m)
        if refusal is None:
            to_run.append(m)
        else:
            results.append((m, "invalid", refusal))
    print(f"{len(chosen)} mutants, {len(chosen) - len(to_run)} invalid (SQLite refuses them)")
    with tempfile.TemporaryDirectory(prefix="sql-mutation-") as tmp:
        outcome, seconds, tail = _child(None, Path(tmp), args.timeout, args.tests)
        if outcome != "survived":
            raise SystemExit(f"The tests fail without any mutant ({outcome}):\n{tail}")
        print(f"tests without a mutant: {seconds:.1f} s; {len(to_run)} mutants to run")

        def one(m: Mutant) -> tuple[Mutant, str, str]:
            outcome, seconds, tail = _child(m, Path(tmp), args.timeout, args.tests)
            print(f"#{m.number} {m.operator} in {m.where}: {outcome} ({seconds:.0f} s)", flush=True)
            return m, outcome, tail

        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            results += list(pool.map(one, to_run))
    results.sort(key=lambda r: r[0].number)
    report(results)
    print(f"\n{time.monotonic() - began:.0f} s wall, {args.workers} workers")
    if args.json:
        rows = [
            {"number": m.number, "operator": m.operator, "where": m.where, "outcome": o}
            for m, o, _ in results
        ]
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
