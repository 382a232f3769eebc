"""The one piece of build configuration pyproject.toml cannot express.

The worked example's files live at the repository's top, in records/ (data first, next to the
code that reads it); the wheel carries them as ``screener/_examples/`` so that an installed
``screener demo`` finds them with importlib.resources. setuptools maps a package to another
folder only with an explicit package list, so the list is built here: every ``screener*``
package found on disk, plus ``screener._examples`` read from records/. Everything else (metadata,
which files are data) is in pyproject.toml; MANIFEST.in puts records/ in the sdist.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["screener*"]), "screener._examples"],
    package_dir={"screener._examples": "records"},
)
