"""What positie tells a person who asks what it holds about them, why, for how long and whom
to ask (/positie privacy in Slack, /privacy in Telegram): the AVG's information duty in
the chat. The texts are in the catalogue; the contact and retention come from the config."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.settings.config import CampaignSettings
from bot.settings.retention import purge_due
from bot.texts import Texts


def privacy_notice(texts: Texts, campaign: CampaignSettings, *, platform: str,
                   mine_command: str, forget_command: str) -> str:
    parts = [
        texts.gettext(
            "What positie holds about you: your {platform} user id, your layer of government "
            "and your positions on the statements, with when you gave them. Nobody but you "
            "sees your answers: messages and digests count people per layer, from "
            "{k} people on.", platform=platform, k=campaign.privacy_threshold),
        texts.gettext("Why: to show the campaign “{campaign}” what each layer of government "
                      "thinks, where the layers agree and where they part.",
                      campaign=campaign.name),
    ]
    due = purge_due(campaign.ends, campaign.retention, campaign.timezone)
    if due is None:
        parts.append(texts.gettext("How long: until you ask positie to forget you."))
    else:
        parts.append(texts.gettext(
            "How long: until {date}, when positie erases it; or sooner, when you ask it to "
            "forget you.", date=due.astimezone(ZoneInfo(campaign.timezone)).date().isoformat()))
    parts.append(texts.gettext("See your own positions: {mine}. Erase everything: {forget}.",
                               mine=mine_command, forget=forget_command))
    contact = campaign.privacy_contact
    parts.append(texts.gettext("Questions or requests: {contact}.", contact=contact) if contact
                 else texts.gettext("Questions or requests: the campaign's core team."))
    return "\n".join(parts)
