"""What a test needs to run: skipped on a developer's machine without it, a failure in CI (CI=true).

CI installs every dependency the suite uses (test.sh), so a test that would skip there hides a broken install.
The only tests allowed to skip in CI are listed, with their reason, in README.md ("Tests that may skip").
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(reason: str) -> None:
    """Skip, or fail in CI, because something the test needs is not there."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}: CI installs it, so its absence is a failure, not a skip")
    pytest.skip(reason, allow_module_level=True)


def need_module(name: str, hint: str = ""):
    """The imported module, or skip (fail in CI) with how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"{name} cannot be imported ({exc}){'; ' + hint if hint else ''}")


def need_file(path: Path, hint: str = "") -> Path:
    if not Path(path).exists():
        missing(f"{path} does not exist{'; ' + hint if hint else ''}")
    return Path(path)


def allowed_skips() -> set[str]:
    """Test ids (file::name) README.md lists under "Tests that may skip in CI", each with its reason."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### Tests that may skip in CI", 1)[-1].split("\n#", 1)[0] if "### Tests that may skip in CI" in text else ""
    return {line.split("`")[1] for line in section.split("\n") if line.startswith("- `")}


def fail_unlisted_skip(item, report) -> None:
    """In CI, a skip that README does not list becomes a failure (called from tests/conftest.py)."""
    if not (in_ci() and report.skipped and not hasattr(report, "wasxfail")):
        return
    test_id = item.nodeid.split("[", 1)[0]
    if test_id not in allowed_skips():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (f"{test_id} skipped in CI ({reason}); only the tests README.md lists under "
                           "'Tests that may skip in CI' may: install what it needs, or list it with its reason")
