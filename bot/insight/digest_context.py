"""What building a digest needs besides the numbers: the campaign, its scale, the texts, now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import ScaleOption
from bot.settings.config import CampaignSettings
from bot.texts import Texts


@dataclass(frozen=True, slots=True)
class DigestContext:
    campaign: CampaignSettings
    scale: tuple[ScaleOption, ...]
    texts: Texts
    now: datetime
