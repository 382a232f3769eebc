"""End to end in a real terminal (tmux, 80x24): attach PDFs with the CLI, read and decide in the
full-text view, quit; the decisions are in the database. Skipped when tmux is not installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fulltext_helpers import build_review, make_pdfs

from screener.db import connect

SCREENER = Path(sys.executable).with_name("screener")
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "ft")

    def wait_for(self, text: str, seconds: float = 20) -> str:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self("send-keys", "-t", "ft", key)
            time.sleep(0.1)


def test_attach_then_read_and_decide_in_tmux(tmp_path: Path) -> None:
    review = build_review(tmp_path / "review")
    review.close()
    make_pdfs(tmp_path / "pdfs")
    attached = subprocess.run(
        [str(SCREENER), "fulltext", "attach", str(tmp_path / "pdfs"), "-r", str(review.path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "7 attached to 6 records at full text" in attached.stdout
    tmux = Tmux(f"ft{time.monotonic_ns()}")
    command = (
        f"{SCREENER} screen --review {review.path} --stage full-text --reviewer ann --order file"
    )
    tmux("new-session", "-d", "-s", "ft", "-x", "80", "-y", "24", command)
    try:
        tmux.wait_for("page 1/3 · oddis1999.pdf · matched by doi")
        tmux.keys("Right")
        tmux.wait_for("page 2/3")
        tmux.keys("/")
        time.sleep(0.3)
        tmux("send-keys", "-t", "ft", "-l", "tacrolimus")
        tmux.keys("Enter")
        shown = tmux.wait_for("match 3/4")
        assert "Tacrolimus helped." in shown
        tmux.keys("a")
        tmux.wait_for("Ten patients with refractory polymyositis received tacrolimus.")
        tmux.keys("t", "i")
        tmux.wait_for("#2 Tacrolimus in antisynthetase")
        tmux.keys("j", "j", "j")
        shown = tmux.wait_for("#6 ")
        assert "No PDF is attached to this record." in shown
        tmux.keys("r")
        tmux.wait_for("not retrieved")
        tmux("send-keys", "-t", "ft", "-l", "no copy")
        tmux.keys("Enter")
        tmux.wait_for("#7 ")
        tmux.keys("q")
        time.sleep(0.5)
    finally:
        tmux("kill-server")
    db = connect(review.path / "review.db")
    assert db.execute(
        "select record_id, decision from decisions where stage = 'full_text'"
    ).fetchall() == [(1, "include")]
    assert db.execute("select record_id, status, reason from retrieval").fetchall() == [
        (6, "not_retrieved", "no copy")
    ]
