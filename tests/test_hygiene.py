"""Architecture checks: the UI is a leaf, click is never imported, tool config takes effect."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT

CORE = [
    "screener.cli",
    "screener.db",
    "screener.normalize",
    "screener.screening.protocol",
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


def _module_imports() -> dict[str, set[str]]:
    """Every screener module and the screener modules it imports (lazy imports included)."""
    import ast

    package = ROOT / "screener"
    modules: dict[str, Path] = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".")[: len(name.split(".")) - node.level + is_package]
                    base = ".".join([*anchor, base] if base else anchor)
                # "from package import module" needs the module (its package is already loading)
                subs = {f"{base}.{alias.name}" for alias in node.names} & modules.keys()
                targets |= subs if len(subs) == len(node.names) else {base, *subs}
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def test_no_import_cycles() -> None:
    graph = _module_imports()
    assert "screener.screening.verdict" in graph  # the walk found the package
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_library_never_imports_commands_or_tui() -> None:
    graph = _module_imports()
    leaves = ("screener.commands", "screener.tui", "screener.cli")
    offenders = {
        module: sorted(t for t in targets if t.startswith(leaves))
        for module, targets in graph.items()
        if not module.startswith(leaves) and module != "screener.__main__"
    }
    assert {m: t for m, t in offenders.items() if t} == {}
