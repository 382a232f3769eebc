"""screener decide --file: keys, reasons, consensus, retrieval, replay, errors; the export."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from builders import add_search
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review, init_review
from screener.errors import InputError
from screener.record import Record
from screener.screening.decisionfile import decide_from_file, write_decisions_csv
from screener.screening.verdict import current_decisions, not_retrieved, record_decision

PROTOCOL = """\
[reasons]
title_abstract = ["Wrong population", "Not a study"]
full_text = ["Wrong population", "Wrong intervention", "Wrong outcomes"]
"""
HEADER = "key,stage,reviewer,decision,reason,note\n"


def records() -> list[Record]:
    return [
        Record(title="Tacrolimus in polymyositis", year=2012, pmid="90000001", doi="10.1000/a1"),
        Record(title="Mice and myositis", year=2010, doi="10.1000/A2"),
        Record(
            title="A CENTRAL trial, with a comma", year=2014, accessions={"central": "CN-00778158"}
        ),
        Record(
            title="Embase copy of record 1",
            year=2012,
            accessions={"embase": "L2029880245"},
            doi="10.1000/a1",
        ),
        Record(title="No ids at all", year=2001),
    ]


def build(folder: Path, rows: list[Record], order: list[int] | None = None) -> Review:
    review = init_review(folder, title="t")
    review.protocol_path.write_text(PROTOCOL, encoding="utf-8")
    positions = order or range(len(rows))
    add_search(review.db, [rows[i] for i in positions], positions=positions)
    return review


@pytest.fixture
def rev(tmp_path: Path) -> Review:
    review = build(tmp_path / "rev", records())
    review.db.execute("update records set duplicate_of = 1 where id = 4")  # Embase copy of 1
    return review


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "decisions.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def table(review: Review) -> list[tuple[object, ...]]:
    return review.db.execute(
        "select record_id, stage, reviewer, decision, reason, note, source"
        " from decisions order by id"
    ).fetchall()


def test_every_key_kind_resolves_to_the_canonical_record(rev: Review, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pmid:90000001,title_abstract,ann,include,,\n"
        "doi:https://doi.org/10.1000/a2,ta,ann,exclude,1,mice\n"
        "accession:cn-00778158,title-abstract,ann,maybe,,\n"
        '"title:A CENTRAL trial, with a comma",title_abstract,bob,exclude,not a study,\n'
        "accession:L2029880245,title_abstract,bob,include,,\n"
        "id:5,title_abstract,consensus,exclude,Conference abstract,agreed\n",
    )
    result = decide_from_file(rev, path)
    assert (result.added, result.already) == (6, 0)
    assert table(rev) == [
        (1, "title_abstract", "ann", "include", None, None, "import"),
        (2, "title_abstract", "ann", "exclude", "Wrong population", "mice", "import"),
        (3, "title_abstract", "ann", "maybe", None, None, "import"),
        (3, "title_abstract", "bob", "exclude", "Not a study", None, "import"),
        (1, "title_abstract", "bob", "include", None, None, "import"),  # 4 is a duplicate of 1
        (5, "title_abstract", "consensus", "exclude", "Conference abstract", "agreed", "consensus"),
    ]


def test_replaying_the_same_file_adds_nothing(
    rev: Review, tmp_path: Path, runner: CliRunner
) -> None:
    path = write(
        tmp_path,
        "pmid:90000001,title_abstract,ann,include,,\n"
        "pmid:90000001,full_text,ann,exclude,3,\n"
        "pmid:90000001,full_text,ann,exclude,Wrong outcomes,\n"  # the same again in one file
        "doi:10.1000/a2,title_abstract,ann,maybe,,\n"
        "doi:10.1000/a2,full_text,lib,not_retrieved,No library access,\n",
    )
    args = ["decide", "--file", str(path), "--review", str(rev.path)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.output.strip() == f"{path}: added 4 decisions, 1 already present."
    second = runner.invoke(app, args)
    assert second.output.strip() == f"{path}: added 0 decisions, 5 already present."
    assert len(table(rev)) == 3
    assert not_retrieved(rev.db) == {2: "No library access"}
    # record 3 never passed title/abstract: its full-text row is stored but noted
    late = write(tmp_path, "id:3,full_text,ann,include,,\n")
    result = runner.invoke(app, ["decide", "--file", str(late), "--review", str(rev.path)])
    assert result.output.splitlines()[1] == (
        "Note: 1 record with full-text rows did not pass title/abstract; those rows count once"
        " they do."
    )


def test_a_changed_decision_is_appended_not_overwritten(rev: Review, tmp_path: Path) -> None:
    record_decision(rev.db, 1, "title_abstract", "ann", "exclude", reason="Wrong population")
    decide_from_file(rev, write(tmp_path, "id:1,title_abstract,ann,include,,\n"))
    assert [r[3] for r in table(rev)] == ["exclude", "include"]
    assert current_decisions(rev.db, "title_abstract")[1]["ann"].decision == "include"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("pmid:123,title_abstract,ann,include,,\n", "row 3, column 'key': no record has PMID 123."),
        (
            "pmid 1,title_abstract,ann,include,,\n",
            "row 3, column 'key': 'pmid 1' is not a record key.",
        ),
        ("id:1,abstract,ann,include,,\n", "row 3, column 'stage': unknown stage 'abstract'."),
        (
            "id:1,title_abstract,ann,yes,,\n",
            "row 3, column 'decision': unknown decision 'yes' at title_abstract.",
        ),
        (
            "id:1,title_abstract,ann,not_retrieved,,\n",
            "row 3, column 'decision': unknown decision 'not_retrieved' at title_abstract.",
        ),
        (
            "id:1,full_text,ann,exclude,7,\n",
            "row 3, column 'reason': there is no exclusion reason 7 for full_text"
            " in review.toml (numbers 1-3).",
        ),
        (
            "id:1,full_text,ann,exclude,,\n",
            "row 3, column 'reason': a full-text exclusion needs a reason.",
        ),
        ("id:1,title_abstract,,include,,\n", "row 3, column 'reviewer': the reviewer is empty."),
        (
            "title:Nothing like it,title_abstract,ann,include,,\n",
            "row 3, column 'key': no record has the title 'Nothing like it'.",
        ),
        ("id:1,title_abstract,ann,include,,,extra\n", "row 3: more values than columns."),
    ],
)
def test_errors_name_row_and_column_and_store_nothing(
    rev: Review, tmp_path: Path, body: str, message: str
) -> None:
    path = write(tmp_path, "id:2,title_abstract,ann,include,,\n" + body)
    with pytest.raises(InputError) as caught:
        decide_from_file(rev, path)
    assert caught.value.message == f"{path} {message}"
    assert table(rev) == []


def test_header_errors_and_cli_exit_code(rev: Review, tmp_path: Path, runner: CliRunner) -> None:
    path = write(
        tmp_path,
        "id:1,title_abstract,ann,include,,\n",
        header="key,stage,reviewer,decison,reason,note\n",
    )
    result = runner.invoke(app, ["decide", "-f", str(path), "--review", str(rev.path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path} row 1: missing column 'decision'.")
    path = write(
        tmp_path,
        "id:1,title_abstract,ann,include,,,human\n",
        header="key,stage,reviewer,decision,reason,note,sauce\n",
    )
    with pytest.raises(InputError, match="row 1: unknown column 'sauce'"):
        decide_from_file(rev, path)


def test_source_column_and_consensus(rev: Review, tmp_path: Path) -> None:
    header = "key,stage,reviewer,decision,reason,note,source\n"
    decide_from_file(rev, write(tmp_path, "id:1,title_abstract,ann,include,,,human\n", header))
    assert table(rev)[-1][-1] == "human"
    path = write(tmp_path, "id:1,title_abstract,consensus,include,,,human\n", header)
    with pytest.raises(
        InputError, match="column 'source': reviewer consensus needs source consensus"
    ):
        decide_from_file(rev, path)


def test_export_replays_into_a_copy_with_other_ids(rev: Review, tmp_path: Path) -> None:
    db = rev.db
    record_decision(db, 1, "title_abstract", "ann", "include")
    record_decision(
        db, 3, "title_abstract", "ann", "exclude", reason="Not a study", note='said "no"'
    )
    record_decision(db, 5, "title_abstract", "ann", "maybe")
    record_decision(db, 1, "full_text", "ann", "include")
    db["retrieval"].insert(
        {"record_id": 5, "status": "not_retrieved", "reason": "Not found", "reviewer": "ann"}
    )
    out = io.StringIO()
    assert write_decisions_csv(rev, out) == 5
    text = out.getvalue()
    assert text.splitlines() == [
        "key,stage,reviewer,decision,reason,note,source",
        "pmid:90000001,title_abstract,ann,include,,,human",
        'accession:CN-00778158,title_abstract,ann,exclude,Not a study,"said ""no""",human',
        "id:5,title_abstract,ann,maybe,,,human",
        "pmid:90000001,full_text,ann,include,,,human",
        "id:5,full_text,ann,not_retrieved,Not found,,human",
    ]
    # a copy built from the same imports in another order: ids differ; the keys still match
    copy = build(tmp_path / "copy", records(), order=[4, 2, 0, 1, 3])
    copy.db.execute("update records set duplicate_of = 3 where id = 5")
    path = tmp_path / "export.csv"
    path.write_text(text.replace("id:5", "title:No ids at all"), encoding="utf-8")
    assert decide_from_file(copy, path).added == 5
    now = current_decisions(copy.db, "title_abstract")
    assert {rid: d["ann"].decision for rid, d in now.items()} == {
        3: "include",
        2: "exclude",
        1: "maybe",
    }
    assert not_retrieved(copy.db) == {1: "Not found"}
    write_decisions_csv(copy, tmp_path / "again.csv")
    assert decide_from_file(copy, tmp_path / "again.csv").added == 0
