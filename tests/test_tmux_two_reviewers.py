"""End to end in a real terminal (tmux, 80x24): two reviewers screen one review, one is killed
with kill -9 mid-way and resumes at the record that was on screen, then the conflicts are
resolved in the app. The database and ``screener status --json`` are checked after each step.

Skipped, with a message, when tmux is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_screening import build_review

ROOT = Path(__file__).resolve().parents[1]
SCREENER = ROOT / ".venv" / "bin" / "screener"

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed: the terminal check needs it"
)


class Tmux:
    """A tmux server of our own (its own socket), one session per reviewer."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return out.stdout

    def start(self, name: str, command: str) -> None:
        self.run("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
        self.run("set-option", "-t", name, "remain-on-exit", "on")

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name)

    def wait(self, name: str, text: str, seconds: float = 30) -> str:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            shown = self.screen(name)
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{name}: waited for {text!r}; the screen shows:\n{shown}")

    def keys(self, name: str, *keys: str, until: str | None = None) -> str:
        for key in keys:
            self.run("send-keys", "-t", name, key)
            time.sleep(0.05)
        return self.wait(name, until) if until else self.screen(name)

    def app_pid(self, name: str) -> int:
        pane = int(self.run("display", "-p", "-t", name, "#{pane_pid}").strip())
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(pane)], capture_output=True, text=True
        ).stdout.split()
        return int(children[0]) if children else pane


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    if not SCREENER.exists():
        pytest.skip(f"{SCREENER} is absent: the terminal check runs the installed command")
    server = Tmux(f"screener-test-{os.getpid()}")
    yield server
    subprocess.run(["tmux", "-L", server.socket, "kill-server"], capture_output=True)


READ = (
    "import json, sqlite3, sys; db = sqlite3.connect(sys.argv[1]);"
    " print(json.dumps(db.execute(sys.argv[2]).fetchall())); db.close()"
)


def decisions(folder: Path) -> list[tuple[object, ...]]:
    """The decision log, read by another process (as a second user of the review would).

    In-process reads are avoided on purpose: this process also opens the review (status), and
    SQLite shares its WAL index between the connections of one process.
    """
    sql = "select reviewer, record_id, decision, reason, source from decisions order by id"
    out = subprocess.run(
        [sys.executable, "-c", READ, str(folder / "review.db"), sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [tuple(row) for row in json.loads(out)]


def status(folder: Path, reviewer: str | None = None) -> dict[str, Any]:
    """``screener status --json [--reviewer NAME]``: the title/abstract stage."""
    who = ["--reviewer", reviewer] if reviewer else []
    out = subprocess.run(
        [str(SCREENER), "status", "--json", "--review", str(folder), *who],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SCREENER_REVIEWER": "lead"},
    ).stdout
    stage: dict[str, Any] = json.loads(out)["screening"]["stages"]["title_abstract"]
    return stage


def final(folder: Path) -> dict[str, int]:
    counts = status(folder)["final"]
    keys = ("included", "excluded", "maybe", "conflicts", "awaiting", "undecided")
    return {k: counts[k] for k in keys}


def test_two_reviewers_a_crash_and_conflicts_resolved_in_the_app(
    tmux: Tmux, tmp_path: Path
) -> None:
    review = build_review(tmp_path / "review")
    with review.protocol_path.open("a", encoding="utf-8") as f:
        f.write("\n[screening]\nreviewers = 2\n")
    review.close()
    folder = review.path

    def screen(reviewer: str, extra: str = "") -> str:
        return f"{SCREENER} screen --review {folder} --reviewer {reviewer} --order file {extra}"

    # 1. ann screens all eight records
    tmux.start("ann", screen("ann"))
    tmux.wait("ann", "0/8 done")
    tmux.run("send-keys", "-t", "ann", "i", "e", "1", "i", "m")  # typed in one burst
    tmux.wait("ann", "4/8 done")
    tmux.keys("ann", "i", "i", "e", until="why?")
    tmux.keys("ann", "Enter", "i", until="End of the queue")
    ann = ["include", "exclude", "include", "maybe", "include", "include", "exclude", "include"]
    assert [d[2] for d in decisions(folder)] == ann
    tmux.keys("ann", "q")
    assert final(folder)["awaiting"] == 8  # one reviewer of two: nothing is final yet
    assert status(folder, "ann")["reviewers"]["ann"]["left"] == 0

    # 2. bob screens three records, has the fourth on screen, and is killed with kill -9
    tmux.start("bob", screen("bob"))
    shown = tmux.wait("bob", "0/8 done")
    assert "ann" not in shown and "Your decision" not in shown  # blinded
    tmux.keys("bob", "e", until="why?")
    tmux.keys("bob", "3", "e", until="why?")
    tmux.keys("bob", "1", "i", until="3/8 done")
    tmux.wait("bob", "#4")
    os.kill(tmux.app_pid("bob"), signal.SIGKILL)
    time.sleep(0.5)
    assert decisions(folder)[8:] == [
        ("bob", 1, "exclude", "Wrong study design", "human"),
        ("bob", 2, "exclude", "Wrong population", "human"),
        ("bob", 3, "include", None, "human"),
    ]
    bob = status(folder, "bob")
    assert list(bob["reviewers"]) == ["bob"]  # blinded: only the reviewer asked for
    assert (bob["reviewers"]["bob"]["screened"], bob["reviewers"]["bob"]["queue"]) == (3, 8)

    # 3. bob starts again: the record that was on screen, then the rest
    tmux.run("kill-session", "-t", "bob")
    tmux.start("bob", screen("bob"))
    shown = tmux.wait("bob", "3/8 done")
    assert "#4" in shown and "他克莫司" in shown
    tmux.run("send-keys", "-t", "bob", "n", "o", "k", "Enter")  # a burst: n opens the note
    tmux.wait("bob", "Note on #4 saved.")
    tmux.keys("bob", "i", "i", "i", "m", until="7/8 done")
    tmux.keys("bob", "i", until="End of the queue")
    tmux.keys("bob", "q")
    # conflicts: 1 (include/exclude), 4 (maybe/include), 7 (exclude/maybe)
    assert final(folder) == {
        "included": 4,
        "excluded": 1,
        "maybe": 0,
        "conflicts": 3,
        "awaiting": 0,
        "undecided": 0,
    }

    # 4. resolving needs the votes: refused while blinded, then the lead unblinds
    refused = subprocess.run(
        [*screen("lead", "--conflicts").split()], capture_output=True, text=True
    )
    assert refused.returncode == 1 and "blinded" in refused.stderr
    subprocess.run(
        [str(SCREENER), "unblind", "--review", str(folder), "--reviewer", "lead"],
        capture_output=True,
        check=True,
    )

    # 5. the lead resolves the conflicts in the app: both votes beside the record
    tmux.start("lead", screen("lead", "--conflicts"))
    shown = tmux.wait("lead", "0/3 resolved")
    assert "resolving conflicts" in shown and "#1" in shown
    assert "ann: INCLUDE" in shown and "bob: EXCLUDE (Wrong study design)" in shown
    tmux.keys("lead", "i", until="1/3 resolved")
    tmux.keys("lead", "e", until="why?")
    tmux.keys("lead", "Escape", until="Cancelled")  # Esc records nothing
    tmux.keys("lead", "e", "3", until="2/3 resolved")
    tmux.keys("lead", "u", until="1/3 resolved")  # undo the consensus on 4
    tmux.keys("lead", "i", "e", until="why?")
    tmux.keys("lead", "2", until="End of the queue")
    tmux.keys("lead", "q")
    consensus = [d for d in decisions(folder) if d[4] == "consensus"]
    assert consensus == [
        ("consensus", 1, "include", None, "consensus"),
        ("consensus", 4, "exclude", "Wrong study design", "consensus"),
        ("consensus", 4, "undo", None, "consensus"),
        ("consensus", 4, "include", None, "consensus"),
        ("consensus", 7, "exclude", "Wrong intervention", "consensus"),
    ]
    assert final(folder) == {
        "included": 6,
        "excluded": 2,
        "maybe": 0,
        "conflicts": 0,
        "awaiting": 0,
        "undecided": 0,
    }
    assert status(folder)["agreement"][0]["n"] == 8  # unblinded: agreement is shown
