"""Highlight terms added from the app are written into review.toml, comments kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.errors import ProtocolError
from screener.screening.highlights import add_highlight
from screener.screening.protocol import load_protocol, protocol_template


def test_a_term_is_inserted_and_everything_else_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "review.toml"
    path.write_text(
        '[review]\ntitle = "t"  # a comment\n\n[keywords]\n# our terms\n'
        'include = [\n  "tacrolimus",  # the drug\n  "myositis*",\n]\nexclude = ["mice"]\n'
        "\n[screening]\nreviewers = 2\n",
        encoding="utf-8",
    )
    assert add_highlight(path, "include", "他克莫司")
    assert add_highlight(path, "exclude", 'rat "model"')
    assert not add_highlight(path, "include", "TACROLIMUS")  # already there
    assert path.read_text(encoding="utf-8") == (
        '[review]\ntitle = "t"  # a comment\n\n[keywords]\n# our terms\n'
        'include = [\n  "tacrolimus",  # the drug\n  "myositis*", "他克莫司",\n]\n'
        'exclude = ["mice", "rat \\"model\\""]\n'
        "\n[screening]\nreviewers = 2\n"
    )
    protocol = load_protocol(path)
    assert protocol.include_keywords == ["tacrolimus", "myositis*", "他克莫司"]
    assert protocol.exclude_keywords == ["mice", 'rat "model"']
    assert protocol.reviewers == 2


def test_empty_lists_missing_keys_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "review.toml"
    path.write_text(protocol_template("x"), encoding="utf-8")
    assert add_highlight(path, "exclude", "case report")
    assert 'exclude = ["case report"]' in path.read_text(encoding="utf-8")
    assert "# Highlighted while screening" in path.read_text(encoding="utf-8")
    bare = tmp_path / "bare.toml"
    bare.write_text('[review]\ntitle = "x"\n', encoding="utf-8")
    assert add_highlight(bare, "include", "tacrolimus")
    assert load_protocol(bare).include_keywords == ["tacrolimus"]
    keys_only = tmp_path / "keys.toml"
    keys_only.write_text("[keywords]\nexclude = []\n[limits]\nyear_min = 2000\n", encoding="utf-8")
    assert add_highlight(keys_only, "include", "fk506")
    assert load_protocol(keys_only).include_keywords == ["fk506"]
    assert load_protocol(keys_only).limits.year_min == 2000


def test_a_broken_protocol_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "review.toml"
    path.write_text("[keywords]\ninclude = [\n", encoding="utf-8")
    with pytest.raises(ProtocolError):
        add_highlight(path, "include", "x")
    assert path.read_text(encoding="utf-8") == "[keywords]\ninclude = [\n"
