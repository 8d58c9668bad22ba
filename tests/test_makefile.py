"""`make install` on a fresh clone (issue 13): one progress line per step, pip's noise in a log, its tail on failure.

The install recipe runs for real against a fake `python3` whose venv's `pip` prints what the real one printed on a
new machine (a “Location … is ignored” warning per wheel, then a setuptools banner): nothing is installed.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCREEN_LINES = 24  # a terminal's height: a new user's `make run` must fit on one screen

FAKE_PYTHON = """#!/bin/sh
# fake `python3 -m venv DIR`: a venv whose pip is noisy and fails when FAIL_ON is in its arguments
[ "$1" = "-m" ] && [ "$2" = "venv" ] || exit 2
mkdir -p "$3/bin"
cat >"$3/bin/pip" <<'PIP'
#!/bin/sh
i=0
while [ $i -lt 201 ]; do
  echo "WARNING: Location 'file:///opt/pypi/simple/x$i/' is ignored: it is neither a file nor a directory." >&2
  i=$((i+1))
done
echo "running setuptools develop"
case "$*" in *"$FAIL_ON"*) echo "ERROR: No matching distribution found for $*" >&2; exit 1;; esac
exit 0
PIP
chmod +x "$3/bin/pip"
"""


def run_install(tmp_path: Path, fail_on: str = "no-such-argument") -> subprocess.CompletedProcess:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    fake = tmp_path / "python3"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    venv = tmp_path / "venv"
    return subprocess.run(
        ["make", "-s", "-B", "-C", str(PROJECT_ROOT), "install", f"PYTHON={fake}", f"VENV={venv}"],
        capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "FAIL_ON": fail_on},
    )


def test_install_shows_one_line_per_step_and_logs_pip(tmp_path):
    done = run_install(tmp_path)
    assert done.returncode == 0, done.stderr
    shown = (done.stdout + done.stderr).splitlines()
    assert len(shown) <= SCREEN_LINES // 2, shown
    assert "Location" not in done.stdout + done.stderr
    steps = [line for line in shown if line.startswith("[")]
    assert [s[:5] for s in steps] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert "torch" in steps[2] and "local disk" in steps[2]
    log = tmp_path / "venv" / "install.log"
    assert str(log) in steps[0]  # the user is told where pip's output went
    assert log.read_text().count("is ignored") == 3 * 201  # three pip runs, all their noise kept in the log
    assert (tmp_path / "venv" / ".installed").exists()


def test_a_failed_step_prints_the_log_tail_and_stops(tmp_path):
    done = run_install(tmp_path, fail_on="torch")
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "failed" in out and "No matching distribution found" in out  # the tail names the cause
    assert "[4/4]" not in out  # nothing after the failed step ran
    assert len(out.splitlines()) <= SCREEN_LINES + 10
    assert not (tmp_path / "venv" / ".installed").exists()
