"""review.toml: the template passes the loader; errors name the file and line; keywords; reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from screener.cli import app
from screener.db import Review
from screener.errors import ProtocolError
from screener.keywords import term_pattern
from screener.screening.protocol import (
    Protocol,
    load_protocol,
    parse_protocol,
    protocol_template,
    reason_text,
)

GOOD = """\
[review]
title = "Tacrolimus"
question = "Does it help?"

[criteria]
include = ["Adults"]
exclude = ["Animals"]

[limits]
year_min = 1980
yaer_max = 2020
languages = ["eng", "chi"]
"""


def _error(text: str, tmp_path: Path) -> ProtocolError:
    path = tmp_path / "review.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProtocolError) as caught:
        load_protocol(path)
    return caught.value


def test_template_passes_the_loader_and_keeps_the_title() -> None:
    protocol = parse_protocol(protocol_template('Tacrolimus "FK506" \\ review'))
    assert protocol.title == 'Tacrolimus "FK506" \\ review'
    assert protocol.reasons["full_text"][2] == "Wrong outcomes"
    assert (protocol.reviewers, protocol.blind) == (1, False)
    assert protocol.limits.is_empty()


def test_blind_defaults_to_true_with_two_reviewers() -> None:
    assert parse_protocol("[screening]\nreviewers = 2\n").blind is True
    assert parse_protocol("[screening]\nreviewers = 3\nblind = false\n").blind is False
    assert parse_protocol("[screening]\nblind = true\n").blind is True
    assert parse_protocol("").blind is False


def test_uncommenting_the_template_limits_gives_the_values() -> None:
    text = (
        protocol_template("x").replace("# year_min", "year_min").replace("# languages", "languages")
    )
    protocol = parse_protocol(text)
    assert (protocol.limits.year_min, protocol.limits.languages) == (1980, ["eng"])


def test_init_writes_a_protocol_that_loads(review: Review) -> None:
    assert load_protocol(review.protocol_path).title == "Test review"


def test_unknown_key_names_file_line_and_table(tmp_path: Path) -> None:
    err = _error(GOOD, tmp_path)
    assert err.message == f"{tmp_path / 'review.toml'} line 11: unknown key 'yaer_max' in [limits]."
    assert err.hint is not None and "Did you mean 'year_max'?" in err.hint


def test_wrong_type_names_the_line(tmp_path: Path) -> None:
    text = GOOD.replace("yaer_max = 2020", 'year_max = "2020"')
    err = _error(text, tmp_path)
    assert err.message.endswith(
        "review.toml line 11: 'year_max' in [limits] must be a whole number,"
        ' not "2020" (a string).'
    )
    text = GOOD.replace("yaer_max = 2020\n", "").replace('["eng", "chi"]', '["eng", 3]')
    assert (
        " line 11: 'languages' in [limits] must be a list of strings"
        in _error(text, tmp_path).message
    )
    text = GOOD.replace("yaer_max = 2020", "year_max = true")
    assert (
        "line 11: 'year_max' in [limits] must be a whole number, not true"
        in _error(text, tmp_path).message
    )


def test_unknown_table_and_syntax_error_lines(tmp_path: Path) -> None:
    err = _error(GOOD.replace("[criteria]", "[critera]"), tmp_path)
    assert err.message.endswith("review.toml line 5: unknown table [critera].")
    err = _error(GOOD.replace('question = "Does it help?"', "question = Does it help"), tmp_path)
    assert err.message.startswith(f"{tmp_path / 'review.toml'} line 3: invalid value")


def test_a_key_outside_any_table(tmp_path: Path) -> None:
    err = _error('# comment\ntitle = "x"\n', tmp_path)
    assert err.message.endswith("review.toml line 2: unknown key 'title' outside any table.")


def test_dotted_and_multiline_values_keep_lines_right(tmp_path: Path) -> None:
    text = (
        '[review]\ntitle = """\nfirst\nyear_min = 1\n"""\n'
        '[reasons]\nfull_text = [\n  "A",\n  "B",\n]\n'
        "screening.reviewer = 2\n"
    )
    err = _error(text, tmp_path)
    assert err.message.endswith("review.toml line 11: unknown key 'screening' in [reasons].")


def test_year_range_and_reviewers_are_checked(tmp_path: Path) -> None:
    text = "[limits]\nyear_min = 2020\nyear_max = 2000\n"
    assert _error(text, tmp_path).message.endswith("line 3: year_max 2000 is before year_min 2020.")
    text = "[screening]\nreviewers = 0\n"
    assert "line 2: reviewers must be 1 to 10 (got 0)" in _error(text, tmp_path).message
    assert parse_protocol("[screening]\nreviewers = 2\nblind = false\n").reviewers == 2


def test_bad_protocol_is_one_sentence_on_the_command_line(
    review: Review, runner: CliRunner
) -> None:
    review.protocol_path.write_text("[limits]\nyaer_min = 1980\n", encoding="utf-8")
    result = runner.invoke(app, ["criteria", "--review", str(review.path)])
    assert result.exit_code == 1
    assert "review.toml line 2: unknown key 'yaer_min' in [limits]." in result.stderr
    assert "Traceback" not in result.stderr


def test_keyword_pattern_words_wildcards_and_case() -> None:
    pattern = term_pattern(["tacrolim*", "FK 506", "review", "*mab", "C++"])
    assert pattern is not None
    text = "Tacrolimus (FK  506) reviewed; a Review of rituximab and C++ code; tacrolim"
    assert pattern.findall(text) == [
        "Tacrolimus",
        "FK  506",
        "Review",
        "rituximab",
        "C++",
        "tacrolim",
    ]
    assert term_pattern([]) is None
    assert term_pattern(["  "]) is None
    both = term_pattern(["heart", "heart failure"])
    assert both is not None
    assert [m.group(0) for m in both.finditer("Heart failure and heart")] == [
        "Heart failure",
        "heart",
    ]
    chinese = term_pattern(["他克莫司", "皮肌炎"])
    assert chinese is not None
    assert chinese.findall("他克莫司治疗难治性皮肌炎") == ["他克莫司", "皮肌炎"]


def test_reason_text_numbers_text_and_errors() -> None:
    protocol = Protocol(
        reasons={"title_abstract": ["Wrong population", "Not a study"], "full_text": []}
    )
    assert reason_text(protocol, "title_abstract", "2") == "Not a study"
    assert reason_text(protocol, "title_abstract", 1) == "Wrong population"
    assert reason_text(protocol, "title_abstract", "not A study") == "Not a study"
    assert reason_text(protocol, "title_abstract", "Conference abstract") == "Conference abstract"
    assert reason_text(protocol, "title_abstract", " ") is None
    with pytest.raises(ProtocolError, match=r"no exclusion reason 3 for title_abstract .*1-2"):
        reason_text(protocol, "title_abstract", "3")
    with pytest.raises(ProtocolError, match=r"no exclusion reason 1 for full_text .*none"):
        reason_text(protocol, "full_text", "1")
