"""screener criteria: limits as automation exclusions, never over a person, idempotent, undoable."""

from __future__ import annotations

from builders import add_search
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.record import Record
from screener.screening.criteria import apply_criteria, undo_criteria
from screener.screening.protocol import Limits
from screener.screening.verdict import current_decisions, record_decision, verdicts

TA = "title_abstract"
LIMITS = Limits(
    year_min=1980, year_max=2020, languages=["eng", "chi"], exclude_publication_types=["Editorial"]
)


def sample(review: Review) -> list[int]:
    return add_search(
        review.db,
        [
            Record(title="Old", year=1975, language="eng"),  # 1: before 1980
            Record(title="Fine", year=1990, language="eng"),  # 2: passes
            Record(title="No year", year=None, language=None),  # 3: unknown stays unknown
            Record(title="German", year=2001, language="ger"),  # 4: language
            Record(title="Chinese", year=2005, language="Chinese"),  # 5: alias of chi: passes
            Record(
                title="Editorial", year=2010, publication_types=["Journal Article", "editorial"]
            ),
            Record(title="New", year=2024, language="eng"),  # 7: after 2020
            Record(title="Old, decided", year=1970),  # 8: a person decided it
            Record(title="Old duplicate", year=1960),  # 9: a duplicate: not at the stage
        ],
    )


def excluded(review: Review) -> dict[int, str | None]:
    return {
        rid: v.reason
        for rid, v in verdicts(review.db, TA).items()
        if v.decision == "exclude" and v.source == "criteria"
    }


def count(review: Review) -> int:
    return int(review.db.execute("select count(*) from decisions").fetchone()[0])


def test_limits_exclude_with_reasons_and_leave_unknown_and_people_alone(review: Review) -> None:
    ids = sample(review)
    review.db.execute("update records set duplicate_of = 2 where id = 9")
    record_decision(review.db, ids[7], TA, "ann", "include")
    result = apply_criteria(review.db, LIMITS)
    assert excluded(review) == {
        1: "Published before 1980 (limit year_min)",
        4: "Language: ger (limit languages)",
        6: "Publication type: Editorial",
        7: "Published after 2020 (limit year_max)",
    }
    assert (result.checked, sum(result.excluded.values()), result.skipped_human) == (8, 4, 1)
    assert verdicts(review.db, TA)[8].decision == "include"
    rows = review.db.execute(
        "select distinct reviewer, source, decision from decisions where reviewer != 'ann'"
    ).fetchall()
    assert rows == [("criteria", "criteria", "exclude")]


def test_running_twice_adds_nothing(review: Review) -> None:
    sample(review)
    apply_criteria(review.db, LIMITS)
    before = count(review)
    again = apply_criteria(review.db, LIMITS)
    assert count(review) == before == 6
    assert (sum(again.excluded.values()), again.already, again.total_excluded) == (0, 6, 6)


def test_a_later_human_decision_wins_and_is_not_overridden(review: Review) -> None:
    ids = sample(review)
    apply_criteria(review.db, LIMITS)
    record_decision(review.db, ids[0], TA, "bob", "include")
    before = count(review)
    apply_criteria(review.db, LIMITS)
    assert count(review) == before
    assert verdicts(review.db, TA)[ids[0]].decision == "include"


def test_undo_appends_rows_and_a_rerun_excludes_again(review: Review) -> None:
    sample(review)
    apply_criteria(review.db, LIMITS)
    assert undo_criteria(review.db).lifted == 6
    assert excluded(review) == {}
    assert count(review) == 12  # 6 exclusions + 6 undo rows: nothing deleted
    assert undo_criteria(review.db).lifted == 0
    apply_criteria(review.db, LIMITS)
    assert len(excluded(review)) == 6


def test_changed_limits_lift_or_change_the_reason(review: Review) -> None:
    sample(review)
    apply_criteria(review.db, LIMITS)
    relaxed = Limits(year_min=1972, languages=["eng", "chi", "ger"])
    result = apply_criteria(review.db, relaxed)
    assert result.lifted == 4  # 1 (1975), 4 (German), 6 (Editorial), 7 (2024) no longer fail
    assert excluded(review) == {
        8: "Published before 1972 (limit year_min)",
        9: "Published before 1972 (limit year_min)",
    }
    mine = current_decisions(review.db, TA)[8]["criteria"]
    assert (mine.decision, mine.reason) == ("exclude", "Published before 1972 (limit year_min)")
    # undo + new exclusion for 8 and 9, undo for the 4 lifted: 6 + 4 + 4 rows
    assert count(review) == 14


def test_cli_prints_counts_per_reason_and_undo(review: Review, runner: CliRunner) -> None:
    sample(review)
    review.protocol_path.write_text(
        '[limits]\nyear_min = 1980\nlanguages = ["eng", "chi"]\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["criteria", "--review", str(review.path)])
    assert result.exit_code == 0, result.output
    assert "excluded 3: Published before 1980 (limit year_min)" in result.output
    assert "excluded 1: Language: ger (limit languages)" in result.output
    assert "Newly excluded: 4" in result.output
    result = runner.invoke(app, ["criteria", "--review", str(review.path)])
    assert (
        "Newly excluded: 0" in result.output and "Already excluded (unchanged): 4" in result.output
    )
    result = runner.invoke(app, ["criteria", "--undo", "--review", str(review.path)])
    assert result.output.strip() == "Undid 4 automation exclusions."
