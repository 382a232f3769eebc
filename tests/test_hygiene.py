"""Architecture checks: the UI is a leaf, click is never imported, tool config takes effect."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

CORE = [
    "screener.cli",
    "screener.db",
    "screener.normalize",
    "screener.protocol",
    "screener.record",
]


def test_core_does_not_import_textual() -> None:
    code = (
        "import sys, importlib\n"
        f"for m in {CORE!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(len(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_no_direct_click_import() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "screener").rglob("*.py")
        if any(
            line.strip().startswith(("import click", "from click"))
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []


def test_ruff_is_clean_and_configured() -> None:
    settings = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--show-settings", str(ROOT / "screener")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    assert "line-length = 100" in settings or "line_length = 100" in settings
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "screener", "tests", "bench", "records"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout


def test_mypy_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:]
