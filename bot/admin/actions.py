"""Admin actions from chat: post, close, reopen, digest, export, pause, resume, status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from zoneinfo import ZoneInfo

from bot.cadence.pause import pause_reply
from bot.domain import Identity
from bot.publishing.lifecycle import TransitionRefused, check_reopen
from bot.publishing.statements import StatementNotFound
from bot.service import CampaignService
from bot.texts import Texts

# Command words, Dutch and English, by action.
WORDS: dict[str, tuple[str, ...]] = {
    "post": ("post", "open"),
    "close": ("sluit", "close"),
    "reopen": ("heropen", "reopen"),
    "digest": ("digest", "samenvatting"),
    "export": ("export",),
    "pause": ("pauze", "pause"),
    "resume": ("hervat", "resume"),
    "status": ("status",),
}
ACTION_OF = {word: action for action, words in WORDS.items() for word in words}
NEEDS_KEY = {"post", "close", "reopen"}


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    title: str


@dataclass(frozen=True, slots=True)
class AdminReply:
    text: str
    attachment: Attachment | None = None  # sent to the admin privately


def refusal_text(exc: TransitionRefused, texts: Texts) -> str:
    if exc.reason == "retired":
        return texts.gettext("Not done: “{key}” is retired (no longer in the statements file).",
                             key=exc.key)
    if exc.reason == "never_opened":
        return texts.gettext("Not done: “{key}” was never opened, so it cannot be closed.",
                             key=exc.key)
    return texts.gettext("Not done: “{key}” is not closed, so it cannot be reopened.",
                         key=exc.key)


def admin_action(word: str) -> str | None:
    """The action a command word names, or None when it is not an admin command."""
    return ACTION_OF.get(word.lower())


class AdminActions:
    def __init__(self, *, service: CampaignService) -> None:
        self.service = service

    async def refuse(self, who: Identity, action: str, texts: Texts) -> AdminReply:
        await self.service.audit(via=who.platform, actor=who.user_id, action=action,
                                 outcome="refused: not an admin")
        return AdminReply(texts.gettext("Only the campaign's admins (krachtteam) can do this; "
                                        "nothing happened."))

    async def handle(self, who: Identity, action: str, argument: str,
                     texts: Texts) -> AdminReply:
        if action in NEEDS_KEY and not argument:
            word = WORDS[action][0] if texts.language == "nl" else WORDS[action][-1]
            return AdminReply(texts.gettext("Name the statement: {command} KEY (keys: "
                                            "/positie status lists the open ones).",
                                            command=word))
        try:
            reply, outcome = await self._perform(action, argument, texts)
        except StatementNotFound:
            reply = AdminReply(texts.gettext("There is no statement with key “{key}”.",
                                             key=argument))
            outcome = "refused: unknown statement"
        except TransitionRefused as exc:
            reply = AdminReply(refusal_text(exc, texts))
            outcome = f"refused: {exc.reason}"
        await self.service.audit(via=who.platform, actor=who.user_id, action=action,
                                 target=argument, outcome=outcome)
        return reply

    async def _perform(self, action: str, key: str, texts: Texts) -> tuple[AdminReply, str]:
        service = self.service
        if action in ("post", "reopen"):
            if action == "reopen":
                check_reopen(key, (await service.statement_view(key)).state)
            report = await service.open(key)
            kept = report.pending + report.unavailable
            parts = [texts.ngettext("{key}: posted in {n} channel", "{key}: posted in {n} channels",
                                    report.posted, key=key)]
            if report.reopened:
                parts.append(texts.ngettext("reopened in {n} channel", "reopened in {n} channels",
                                            report.reopened))
            if kept:
                parts.append(texts.ngettext("{n} channel kept for retry",
                                            "{n} channels kept for retry", kept))
            return AdminReply(", ".join(parts) + "."), \
                f"posted {report.posted}, reopened {report.reopened}, kept {kept}"
        if action == "close":
            updated = await service.close(key)
            return (AdminReply(texts.ngettext("{key}: closed; {n} message updated.",
                                              "{key}: closed; {n} messages updated.", updated,
                                              key=key)), f"closed, {updated} updated")
        if action == "digest":
            draft = await service.digest_draft(texts.language)
            period = "chat-" + service.clock.now().astimezone(UTC).strftime("%Y%m%dT%H%M%S")
            digest = await service.publish_draft(
                draft, period=period, chart_png=await service.chart_or_none(draft))
            text = texts.ngettext("Digest posted in {n} channel.", "Digest posted in {n} channels.",
                                  digest.posted)
            if digest.failed:
                text += " " + texts.ngettext("{n} channel failed; it is kept for retry.",
                                             "{n} channels failed; they are kept for retry.",
                                             digest.failed)
            return AdminReply(text), f"{period}: posted {digest.posted}, failed {digest.failed}"
        if action == "export":
            content = (await service.export_csv(texts.language)).encode("utf-8")
            name = f"positie-{service.campaign_id}-export.csv"
            return (AdminReply(texts.gettext("The export is on its way to you privately."),
                               Attachment(name, content, texts.gettext("Export"))),
                    f"{len(content)} bytes")
        if action in ("pause", "resume"):
            changed = await service.set_paused(action == "pause")
            return (AdminReply(pause_reply(action == "pause", changed, texts)),
                    "done" if changed else "already so")
        return AdminReply(await self._status(texts)), "shown"

    async def _status(self, texts: Texts) -> str:
        status = await self.service.status()
        counts = status.statements
        lines = [
            texts.gettext("Statements: {open} open, {draft} waiting, {closed} closed, "
                          "{retired} retired.", open=counts.get("open", 0),
                          draft=counts.get("draft", 0) + counts.get("scheduled", 0),
                          closed=counts.get("closed", 0), retired=counts.get("retired", 0)),
            texts.gettext("Open now: {keys}.", keys=", ".join(status.open_keys) or "—"),
            texts.ngettext("{n} person has taken a position.",
                           "{n} people have taken a position.", status.participants),
            texts.gettext("Channels: {active} reached, {inactive} not reachable.",
                          active=status.channels_active, inactive=status.channels_inactive),
            texts.gettext("The schedule is paused.") if status.paused
            else texts.gettext("The schedule runs."),
        ]
        if status.last_digest is not None:
            zone = self.service.settings.campaign.timezone
            lines.append(texts.gettext("Last digest: {when}.", when=status.last_digest.astimezone(
                ZoneInfo(zone)).strftime("%d-%m-%Y %H:%M")))
        return "\n".join(lines)
