"""What building a digest needs besides the numbers: the campaign, its scale, the texts, now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain import ScaleOption
from bot.settings.config import CampaignSettings
from bot.texts import Texts


@dataclass(frozen=True, slots=True)
class DigestContext:
    campaign: CampaignSettings
    scale: tuple[ScaleOption, ...]
    texts: Texts
    now: datetime

    def local_date(self) -> date:
        """Today in the campaign's timezone: Saturday 00:30 in Amsterdam is Saturday."""
        return self.now.astimezone(ZoneInfo(self.campaign.timezone)).date()
