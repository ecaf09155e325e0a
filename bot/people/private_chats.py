"""Private chats: a bot may write to a person only after they started it (Telegram).

The chat id is stored on the participant when they send /start, so reminders, the layer
question and "my positions" can be answered privately instead of in the group.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from bot.domain import Identity
from bot.people.participants import ensure_participant
from bot.store.db import Database
from bot.store.models import Participant


async def remember_private_chat(db: Database, who: Identity, chat_id: str, *,
                                now: datetime) -> None:
    async with db.transaction() as session:
        participant = await ensure_participant(session, db.dialect, who, now=now)
        await session.execute(update(Participant).where(Participant.id == participant.id)
                              .values(private_chat_id=chat_id))


async def private_chat_of(db: Database, who: Identity) -> str | None:
    """The person's private chat with the bot, or None when they never started it."""
    async with db.sessions() as session:
        return await session.scalar(select(Participant.private_chat_id).where(
            Participant.platform == who.platform, Participant.workspace == who.workspace,
            Participant.user_id == who.user_id))


async def forget_private_chat(db: Database, who: Identity) -> None:
    """The person blocked the bot: stop trying to write to them privately."""
    async with db.transaction() as session:
        await session.execute(update(Participant).where(
            Participant.platform == who.platform, Participant.workspace == who.workspace,
            Participant.user_id == who.user_id).values(private_chat_id=None))
