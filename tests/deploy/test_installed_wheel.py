"""What a deployment installs: the wheel, in a fresh virtualenv (not editable), with exactly
the pinned versions, run from outside the source tree, as the Dockerfile and the systemd unit
do: `--version`, `demo`, `doctor`, `db upgrade`, `schedule` and `digest --dry-run` against a
fresh config. No image can be built here; this is what the image runs."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "positie.service"


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                            timeout=timeout, env=env)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Builds the sdist and, from it, the wheel; installs the wheel into a new virtualenv."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a clean copy: no build/ leftovers, no .venv
    shutil.copytree(ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", "demo-output",
        "*.db", ".mypy_cache", ".ruff_cache", ".pytest_cache"))
    run(sys.executable, "-m", "build", "--outdir", work / "dist", source, cwd=work)
    [wheel] = (work / "dist").glob("positie-*.whl")
    run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    run(work / "venv" / "bin" / "pip", "install", "--quiet", "--disable-pip-version-check",
        "-c", ROOT / "constraints.txt", wheel, cwd=work)
    return work / "venv"


def clean_env(**extra: str) -> dict[str, str]:
    """No PYTHONPATH, no POSITIE_* from the developer's shell: only what is given."""
    keep = {k: v for k, v in os.environ.items()
            if k in ("HOME", "LANG", "LC_ALL", "TMPDIR") or k.startswith("PTB_")}
    return {**keep, "PATH": "/usr/bin:/bin", **extra}


def test_the_wheel_carries_migrations_catalogues_examples_and_licence(venv: Path,
                                                                      tmp_path: Path) -> None:
    python = venv / "bin" / "python"
    found = run(python, "-c", "import bot, positie, sys; print(bot.__file__); "
                "print(positie.__file__)", cwd=tmp_path, env=clean_env()).stdout.split()
    for path in found:  # imported from the venv, not from the source tree
        assert Path(path).is_relative_to(venv), path
    site = Path(found[0]).parent.parent
    assert sorted(p.name for p in (site / "bot/store/migrations/versions").glob("*.py")) == \
        sorted(p.name for p in (ROOT / "bot/store/migrations/versions").glob("*.py"))
    assert (site / "bot/texts/locale/nl/LC_MESSAGES/positie.po").is_file()
    assert (site / "positie/examples/config.example.toml").is_file()
    # positie report's templates travel with the wheel (the Dockerfile copies report/ too).
    assert (site / "report/templates/report.html.j2").is_file()
    assert (site / "report/templates/report.css").is_file()
    assert "COPY report ./report" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    [licence] = site.glob("positie-*.dist-info/licenses/LICENSE")
    assert licence.read_text(encoding="utf-8") == (ROOT / "LICENSE").read_text(encoding="utf-8")
    pinned = {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
              for line in (ROOT / "constraints.txt").read_text().splitlines()
              if "==" in line}
    installed = run(venv / "bin" / "pip", "freeze", "--exclude", "positie", cwd=tmp_path,
                    env=clean_env()).stdout.splitlines()
    for line in installed:
        name, version = line.split("==")
        assert pinned.get(name.lower().replace("_", "-")) == version, line


def test_version_and_demo_run_from_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    positie = venv / "bin" / "positie"
    version = run(positie, "--version", cwd=tmp_path, env=clean_env()).stdout
    assert version == "positie 0.1.0\n"
    demo = run(positie, "demo", "--people", "20", "--out", tmp_path / "out", cwd=tmp_path,
               env=clean_env())
    assert "one digest for both platforms, posted to both" in demo.stdout
    assert (tmp_path / "out" / "samenvatting.png").read_bytes().startswith(b"\x89PNG")


def test_a_fresh_config_migrates_schedules_and_digests(venv: Path, tmp_path: Path) -> None:
    """The operator's first steps: copy the shipped example, secrets as files, migrate,
    check the schedule, print a digest."""
    positie = venv / "bin" / "positie"
    site = next((venv / "lib").glob("python3*/site-packages"))
    examples = site / "positie" / "examples"
    config = (examples / "config.example.toml").read_text(encoding="utf-8")
    db = tmp_path / "positie.db"
    config = config.replace('statements_file = "statements.example.toml"',
                            f'statements_file = "{examples / "statements.example.toml"}"')
    config = config.replace('url = "sqlite+aiosqlite:///positie.db"',
                            f'url = "sqlite+aiosqlite:///{db}"')
    (tmp_path / "positie.toml").write_text(config, encoding="utf-8")
    (tmp_path / "bot_token").write_text("xoxb-from-a-file\n", encoding="utf-8")
    (tmp_path / "signing_secret").write_text("signing-from-a-file\n", encoding="utf-8")
    env = clean_env(POSITIE_CONFIG=str(tmp_path / "positie.toml"),
                    POSITIE_SLACK_BOT_TOKEN_FILE=str(tmp_path / "bot_token"),
                    POSITIE_SLACK_SIGNING_SECRET_FILE=str(tmp_path / "signing_secret"))

    assert run(positie, "db", "upgrade", cwd=tmp_path, env=env).stdout == \
        "database is up to date\n"
    [(revision,)] = sqlite3.connect(db).execute("SELECT version_num FROM alembic_version")
    latest = max(p.stem for p in (ROOT / "bot/store/migrations/versions").glob("0*.py"))
    assert latest.startswith(revision)
    schedule = run(positie, "schedule", cwd=tmp_path, env=env).stdout
    assert "digest:" in schedule and "times in Europe/Amsterdam" in schedule
    digest = run(positie, "digest", "--dry-run", cwd=tmp_path, env=env).stdout
    assert digest.startswith("Samenvatting")
    assert "xoxb-from-a-file" not in digest

    # doctor from the wheel: Slack switched off here (no Slack to reach from this machine),
    # so every check passes but "no platform", which makes it exit 1 with the fix.
    offline = tmp_path / "offline.toml"
    offline.write_text(re.sub(r"(\[slack\][^\[]*?)enabled = true", r"\1enabled = false",
                              config, count=1), encoding="utf-8")
    doctor = subprocess.run([str(positie), "doctor", "-c", str(offline)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, env=env)
    assert doctor.returncode == 1, doctor.stdout + doctor.stderr
    for line in ("ok   config:", "ok   statements:", "ok   database:",
                 "ok   schedule digest: next:", "FAIL platforms: no platform is enabled"):
        assert line in doctor.stdout, doctor.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_the_systemd_units_verify_against_the_installed_command(venv: Path,
                                                                tmp_path: Path) -> None:
    units = [tmp_path / name for name in
             ("positie.service", "positie-purge.service", "positie-purge.timer")]
    for unit in units:
        unit.write_text((UNIT.parent / unit.name).read_text(encoding="utf-8").replace(
            "/opt/positie/bin/positie", str(venv / "bin" / "positie")), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", *map(str, units)],
                            capture_output=True, text=True, timeout=60)
    # verify exits 0 on unknown or misspelt keys too, and says so: anything it says fails.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
