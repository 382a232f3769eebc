"""Issue 12: every write is one transaction; bad review.db, FIFO and review.toml get a sentence.

A fault is injected with an SQLite trigger that aborts the N-th insert: the command fails half
way through its writes, and the review must hold none of them (the SIGKILL campaign is in
test_faults.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest
from builders import add_search
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review, init_review, open_review, transaction
from screener.errors import InputError, ProtocolError, ReviewError
from screener.record import Record
from screener.screening.protocol import load_protocol, parse_protocol
from screener.screening.verdict import record_decision

N = 450


def _records(n: int = N) -> list[Record]:
    return [
        Record(title=f"Record number {i}", year=2000 + i % 20, pmid=str(1000 + i)) for i in range(n)
    ]


def _fail_after(folder: Path, table: str, rows: int) -> None:
    """A trigger that aborts any insert into ``table`` once it holds ``rows`` rows."""
    conn = sqlite3.connect(folder / "review.db")
    conn.execute(
        f"create trigger injected_fault before insert on {table} "
        f"when (select count(*) from {table}) >= {rows} "
        "begin select raise(abort, 'injected fault'); end"
    )
    conn.commit()
    conn.close()


def _count(folder: Path, table: str) -> int:
    conn = sqlite3.connect(folder / "review.db")
    try:
        return int(conn.execute(f"select count(*) from {table}").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template") / "r"
    review = init_review(folder, title="t")
    with transaction(review.db):
        add_search(review.db, _records())
    review.db.execute("pragma wal_checkpoint(truncate)")
    review.close()
    return folder


@pytest.fixture
def filled(template: Path, tmp_path: Path) -> Path:
    shutil.copytree(template, tmp_path / "r")
    return tmp_path / "r"


def _decisions_file(tmp_path: Path, reviewer: str = "alice") -> Path:
    lines = ["key,stage,reviewer,decision,reason,note"]
    lines += [f"pmid:{1000 + i},title_abstract,{reviewer},include,," for i in range(N)]
    path = tmp_path / f"{reviewer}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_decide_file_failing_half_way_stores_nothing(filled: Path, tmp_path: Path) -> None:
    _fail_after(filled, "decisions", 250)
    result = CliRunner().invoke(
        app, ["decide", "--file", str(_decisions_file(tmp_path)), "--review", str(filled)]
    )
    assert result.exit_code != 0
    assert _count(filled, "decisions") == 0


def test_criteria_failing_half_way_stores_nothing(filled: Path) -> None:
    toml = filled / "review.toml"
    toml.write_text(toml.read_text().replace("[limits]", "[limits]\nyear_min = 2010", 1))
    _fail_after(filled, "decisions", 100)
    result = CliRunner().invoke(app, ["criteria", "--review", str(filled)])
    assert result.exit_code != 0
    assert _count(filled, "decisions") == 0


def test_merge_failing_half_way_stores_nothing(filled: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(filled, other)
    result = CliRunner().invoke(
        app, ["decide", "--file", str(_decisions_file(tmp_path, "bob")), "--review", str(other)]
    )
    assert result.exit_code == 0, result.output
    _fail_after(filled, "decisions", 250)
    result = CliRunner().invoke(app, ["merge", str(other), "--review", str(filled)])
    assert result.exit_code != 0
    assert _count(filled, "decisions") == 0


def test_import_failing_half_way_stores_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    init_review(folder).close()
    export = tmp_path / "pubmed.txt"
    export.write_text(
        "\n".join(f"PMID- {1000 + i}\nTI  - Title {i}.\nDP  - 2010\n" for i in range(3000)),
        encoding="utf-8",
    )
    _fail_after(folder, "records", 2500)
    result = CliRunner().invoke(app, ["import", str(export), "--review", str(folder)])
    assert result.exit_code != 0
    assert (_count(folder, "searches"), _count(folder, "records")) == (0, 0)


def test_dedupe_failing_half_way_stores_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    review = init_review(folder)
    with transaction(review.db):
        add_search(review.db, _records(200))
        add_search(review.db, _records(200), database="Embase")
    review.close()
    conn = sqlite3.connect(folder / "review.db")
    conn.execute(
        "create trigger injected_fault before update of duplicate_of on records "
        "when new.id > 350 begin select raise(abort, 'injected fault'); end"
    )
    conn.commit()
    conn.close()
    result = CliRunner().invoke(app, ["dedupe", "--review", str(folder)])
    assert result.exit_code != 0
    assert _count(folder, "duplicate_pairs") == 0
    conn = sqlite3.connect(folder / "review.db")
    linked = conn.execute("select count(*) from records where duplicate_of is not null").fetchone()
    conn.close()
    assert linked[0] == 0


def test_record_decision_inside_a_transaction_does_not_commit_it(review: Review) -> None:
    (rid,) = add_search(review.db, _records(1))
    with pytest.raises(RuntimeError), transaction(review.db):
        record_decision(review.db, rid, "title_abstract", "ann", "include")
        record_decision(review.db, rid, "title_abstract", "ann", "exclude")
        raise RuntimeError("stop")
    assert review.db.execute("select count(*) from decisions").fetchone()[0] == 0


def test_transaction_refuses_an_early_commit(review: Review) -> None:
    with pytest.raises(RuntimeError, match="committed on its own"), transaction(review.db):
        review.db.conn.execute("commit")


# -- defect 2: a FIFO (or device, or folder) is refused before it is opened


def _hung(signum: int, frame: object) -> None:
    raise TimeoutError("import of a FIFO hung")


def test_import_of_a_fifo_is_refused_not_hung(tmp_path: Path, review: Review) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    signal.signal(signal.SIGALRM, _hung)
    signal.alarm(20)  # before the fix, open() blocked for ever
    try:
        result = CliRunner().invoke(app, ["import", str(fifo), "--review", str(review.path)])
    finally:
        signal.alarm(0)
    assert result.exit_code == 1
    assert (
        "is a named pipe (FIFO), not an export file: screener reads only regular files."
        in result.output
    )


def test_devices_and_fifos_are_refused_everywhere(tmp_path: Path, review: Review) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    result = CliRunner().invoke(app, ["import", "/dev/zero", "--review", str(review.path)])
    assert "/dev/zero is a device, not an export file" in result.output
    result = CliRunner().invoke(app, ["decide", "--file", str(fifo), "--review", str(review.path)])
    assert result.exit_code == 1 and "named pipe (FIFO), not a decisions file" in result.output
    review.protocol_path.unlink()
    os.mkfifo(review.protocol_path)
    with pytest.raises(InputError, match="named pipe"):
        load_protocol(review.protocol_path)


# -- defect 6: corrupt, empty or foreign review.db, deep review.toml


def _spoil(folder: Path, how: str) -> None:
    db = folder / "review.db"
    for extra in ("review.db-wal", "review.db-shm"):
        (folder / extra).unlink(missing_ok=True)
    if how == "empty":
        db.write_bytes(b"")
    elif how == "garbage":
        db.write_bytes(b"this is not a database at all\n" * 200)
    elif how == "foreign":
        db.unlink()
        conn = sqlite3.connect(db)
        conn.execute("create table notes (id integer primary key, body text)")
        conn.commit()
        conn.close()
    elif how == "corrupt":
        data = bytearray(db.read_bytes())
        for offset in range(4096, len(data), 7):
            data[offset] = 0xA5
        db.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["empty", "garbage", "foreign", "corrupt"])
def test_a_bad_review_db_gets_one_sentence(filled: Path, how: str) -> None:
    review = open_review(filled)  # checkpoint the WAL so the file holds everything
    review.db.execute("pragma wal_checkpoint(truncate)")
    review.close()
    _spoil(filled, how)
    before = (filled / "review.db").read_bytes()
    for args in (["status"], ["searches"], ["prisma"], ["criteria"], ["export", "--format", "csv"]):
        result = CliRunner().invoke(app, [*args, "--review", str(filled)])
        assert result.exit_code == 1, (args, result.output)
        assert "is not a screener review (or is damaged): " in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert (filled / "review.db").read_bytes() == before  # a foreign database is left unchanged


@pytest.mark.parametrize("how", ["empty", "garbage", "foreign", "corrupt"])
def test_merge_with_a_bad_other_review_gets_one_sentence(
    filled: Path, tmp_path: Path, how: str
) -> None:
    other = tmp_path / "other"
    shutil.copytree(filled, other)
    review = open_review(other)
    review.db.execute("pragma wal_checkpoint(truncate)")
    review.close()
    _spoil(other, how)
    result = CliRunner().invoke(app, ["merge", str(other), "--review", str(filled)])
    assert result.exit_code == 1, result.output
    assert f"{other / 'review.db'} is not a screener review (or is damaged): " in result.output


def test_merge_of_a_different_review_is_refused(filled: Path, tmp_path: Path) -> None:
    other = init_review(tmp_path / "other")
    add_search(other.db, _records(5), sha256="another-file")
    other.close()
    result = CliRunner().invoke(app, ["merge", str(tmp_path / "other"), "--review", str(filled)])
    assert result.exit_code == 1
    assert (
        "is not a copy of this review: none of its 1 imported file(s) is among the 1"
        in result.output
    )


def test_merge_warns_when_the_copies_hold_different_searches(filled: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(filled, other)
    review = open_review(other)
    add_search(
        review.db, [Record(title="Only there", year=2001)], sha256="extra", file_name="update.ris"
    )
    review.close()
    result = CliRunner().invoke(app, ["merge", str(other), "--review", str(filled)])
    assert result.exit_code == 0
    assert (
        "Warning: " in result.output
        and "holds 1 import(s) this review lacks (update.ris)" in result.output
    )


def test_deeply_nested_review_toml_is_a_sentence() -> None:
    text = "[review]\ntitle = " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(ProtocolError, match="nested too deeply"):
        parse_protocol(text)


def test_huge_review_toml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "review.toml"
    path.write_text('[review]\ntitle = "' + "x" * (2 << 20) + '"\n')
    with pytest.raises(ProtocolError, match="at most 1,048,576"):
        load_protocol(path)


# -- defect 9: [screening] reviewers bounded


def test_reviewers_is_bounded() -> None:
    with pytest.raises(ProtocolError, match="reviewers must be 1 to 10"):
        parse_protocol("[screening]\nreviewers = 99999999999999999999\n")
    assert parse_protocol("[screening]\nreviewers = 10\n").reviewers == 10


def test_open_review_of_a_folder_named_review_db(tmp_path: Path) -> None:
    (tmp_path / "review.db").mkdir()
    with pytest.raises(ReviewError):
        open_review(tmp_path)
