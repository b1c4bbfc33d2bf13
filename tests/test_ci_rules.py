"""CI rules: a missing chromium fails setup loudly, and under CI=true a test that skips without being listed in
README.md fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ci_needs import REPO, allowed_skips


def test_setup_fails_loudly_when_chromium_cannot_be_installed(tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "apt-get").write_text("#!/bin/sh\necho 'E: Unable to locate package chromium' >&2\nexit 100\n")
    (fake_bin / "apt-get").chmod(0o755)
    for tool in ("bash", "id", "env"):  # everything the script needs, but no chromium
        (fake_bin / tool).symlink_to(subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip())
    result = subprocess.run(["bash", str(REPO / "scripts" / "need_chromium.sh")], capture_output=True, text=True,
                            env={"PATH": str(fake_bin)})
    assert result.returncode != 0
    assert "error:" in result.stderr and "chromium" in result.stderr


def test_readme_lists_each_allowed_skip_with_its_reason():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for test_id in allowed_skips():
        line = next(l for l in text.split("\n") if l.startswith(f"- `{test_id}`"))
        assert len(line.split(":", 2)[-1].strip()) > 20, f"{test_id} is listed without a reason"
        path, name = test_id.split("::")
        assert f"def {name}(" in (REPO / path).read_text(encoding="utf-8"), f"README lists a test that is gone: {test_id}"


def _run_pytest(tmp_path: Path, ci: str) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(REPO / 'tests')!r})\n"
        "import pytest\n\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
        "    outcome = yield\n    from ci_needs import fail_unlisted_skip\n"
        "    fail_unlisted_skip(item, outcome.get_result())\n")
    (tmp_path / "test_skips.py").write_text("import pytest\n\ndef test_unlisted():\n    pytest.skip('no reason')\n")
    env = {**os.environ, "CI": ci}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)


def test_an_unlisted_skip_fails_in_ci_and_skips_elsewhere(tmp_path):
    assert "1 skipped" in _run_pytest(tmp_path, "").stdout
    ci = _run_pytest(tmp_path, "true")
    assert ci.returncode != 0 and "1 failed" in ci.stdout and "Tests that may skip in CI" in ci.stdout
