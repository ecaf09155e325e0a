"""privacy_threshold below 3 is refused unless allow_low_threshold; then it is said aloud."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.insight.render_text import render_text
from bot.service import CampaignService
from bot.settings.errors import ConfigError
from positie.settings import load
from positie.wiring import build_runtime
from tests.factories import apply_settings, settings

LOW = """
[campaign]
id = "c"
name = "C"
privacy_threshold = 1
layers = [{key = "rijk", label_nl = "Rijk", label_en = "National"}]

[database]
url = "sqlite+aiosqlite:///DB"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "positie.toml"
    path.write_text(text.replace("DB", str(tmp_path / "positie.db")), encoding="utf-8")
    return path


def test_a_threshold_under_3_is_refused_with_the_key_and_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path, LOW)
    with pytest.raises(ConfigError) as error:
        load(path, env={})
    message = str(error.value)
    assert str(path) in message and "campaign.privacy_threshold" in message
    assert "allow_low_threshold = true" in message and "(got 1)" in message


async def test_allowed_low_threshold_is_logged_at_start_up(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path, LOW.replace("privacy_threshold = 1",
                                       "privacy_threshold = 1\nallow_low_threshold = true"))
    config = load(path, env={})
    assert config.campaign.privacy_threshold == 1 and config.campaign.low_threshold
    with caplog.at_level(logging.WARNING, logger="positie"):
        runtime = await build_runtime(config, with_adapters=False)
        await runtime.close()
    assert any("privacy_threshold = 1 is below 3" in r.getMessage() for r in caplog.records)


async def test_every_digest_footer_says_the_threshold_is_low(service: CampaignService,
                                                              db_url: str) -> None:
    await apply_settings(service, settings(db_url, campaign={
        "privacy_threshold": 2, "allow_low_threshold": True}))
    text = render_text(await service.digest())
    assert "de privacydrempel staat op 2, onder de geadviseerde 3" in text
    await apply_settings(service, settings(db_url))
    assert "onder de geadviseerde 3" not in render_text(await service.digest())
