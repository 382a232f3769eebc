"""The package as installed: version, metadata, and the worked example's files in the wheel.

Building the wheel and running it outside the checkout is .ci/run's job (it takes a minute);
these checks are the fast part: the build configuration covers every file of records/, and
the demo looks in the installed package before the checkout.
"""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from importlib import metadata
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

import screener
from screener import demo
from screener.cli import app


def test_version_option_prints_the_installed_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"prisma-screener {metadata.version('prisma-screener')}\n"
    assert metadata.version("prisma-screener") == screener.__version__


def test_metadata_is_complete() -> None:
    meta = metadata.metadata("prisma-screener")
    assert meta["Name"] == "prisma-screener"
    assert meta["License-Expression"] == "MIT"
    assert meta["Requires-Python"] == ">=3.11"
    assert meta["Summary"] and meta["Keywords"]
    classifiers = meta.get_all("Classifier") or []
    assert "Intended Audience :: Science/Research" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert all(url.startswith(("https://", "http://")) for url in urls.values())
    assert "https://doi.org/10.1007/s10067-015-3065-0" in urls.values()


def test_build_configuration_ships_every_file_of_the_worked_example() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    keep = config["setuptools"]["package-data"]["screener._examples"]
    drop = config["setuptools"]["exclude-package-data"]["screener._examples"]
    records = ROOT / "records"
    files = [
        p.relative_to(records).as_posix()
        for p in (records / demo.EXAMPLE).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    shipped = [f for f in files if any(fnmatch(f, g) for g in keep)]
    shipped = [f for f in shipped if not any(fnmatch(Path(f).name, g) for g in drop)]
    wanted = [f for f in files if not f.endswith(".py")]
    assert sorted(shipped) == sorted(wanted)
    assert f"{demo.EXAMPLE}/searches.csv" in shipped
    assert f"{demo.EXAMPLE}/update/pubmed-2016.nbib" in shipped


def test_demo_reads_the_installed_copy_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "_examples" / demo.EXAMPLE
    bundled.mkdir(parents=True)
    (bundled / "searches.csv").write_text("file,database\n", encoding="utf-8")
    monkeypatch.setattr(demo.resources, "files", lambda package: tmp_path)
    assert demo.example_dir() == bundled


def test_demo_falls_back_to_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo.resources, "files", lambda package: tmp_path)
    assert demo.example_dir() == ROOT / "records" / demo.EXAMPLE
