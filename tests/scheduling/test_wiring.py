"""The composition root starts the scheduler after the adapters and stops it first."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.clock import FixedClock
from positie.cli import app
from positie.wiring import build_runtime, scheduler_for
from tests.factories import T0, minimal_config_file, settings
from tests.scheduling.world import scheduled_settings


async def test_runtime_starts_and_stops_the_scheduler(db_url: str) -> None:
    runtime = await build_runtime(scheduled_settings(db_url), clock=FixedClock(T0),
                                  with_adapters=False)
    try:
        runtime.scheduler = scheduler_for(runtime)
        assert runtime.scheduler is not None
        await runtime.scheduler.start()
        assert runtime.scheduler._scheduler is not None
        assert runtime.scheduler._scheduler.running
    finally:
        scheduler = runtime.scheduler
        await runtime.close()
    assert scheduler is not None and scheduler._scheduler is None


async def test_no_schedule_no_scheduler(db_url: str) -> None:
    runtime = await build_runtime(settings(db_url), clock=FixedClock(T0), with_adapters=False)
    try:
        assert scheduler_for(runtime) is None
    finally:
        await runtime.close()


def test_pause_and_resume_from_the_command_line(tmp_path: Path) -> None:
    config = minimal_config_file(tmp_path, name="CLI")
    runner = CliRunner()

    def say(*words: str) -> str:
        result = runner.invoke(app, [*words, "--config", str(config)])
        assert result.exit_code == 0, result.output
        return result.output

    assert "is gepauzeerd" in say("pause")
    assert "al gepauzeerd" in say("pause")
    assert "is hervat" in say("resume")
    assert "niet gepauzeerd" in say("resume")
