"""`positie doctor` for Telegram: the token, and for each chat whether the bot may post."""

from __future__ import annotations

from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError

from adapters.telegram.settings import TelegramSettings
from bot.ports import Check

TOKEN_FIX = "copy the token again from @BotFather into telegram.bot_token or " \
            "POSITIE_TELEGRAM_BOT_TOKEN"
MAY_POST = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def diagnose(bot: Bot, settings: TelegramSettings) -> list[Check]:
    try:
        await bot.initialize()  # getMe, once; the bot's requests need it
        me = await bot.get_me()
    except InvalidToken:
        return [Check("telegram token", False, "Telegram does not know this token", TOKEN_FIX)]
    except TelegramError as exc:
        return [Check("telegram token", False, f"cannot reach {settings.base_url} ({exc})",
                      "check telegram.base_url and this machine's way out to Telegram")]
    checks = [Check("telegram token", True, f"bot @{me.username}")]
    for chat in settings.chats:
        checks.append(await chat_check(bot, chat.id, me.id, str(me.username)))
    if not settings.chats:
        checks.append(Check("telegram chats", False, "none configured",
                            "list the campaign's groups under [[telegram.chats]]"))
    return checks


async def chat_check(bot: Bot, chat_id: int, bot_id: int, username: str) -> Check:
    """Whether the bot is in this group and may post there, with the fix if not."""
    name = f"telegram chat {chat_id}"
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot_id)
    except Forbidden as exc:
        return Check(name, False, f"the bot is not in this group ({exc.message})",
                     f"add @{username} to the group (group info → Add members)")
    except BadRequest as exc:
        return Check(name, False, f"Telegram does not know this chat ({exc.message})",
                     "check the id (a group that became a supergroup has a new id, "
                     "starting with -100)")
    except TelegramError as exc:
        return Check(name, False, f"could not ask Telegram ({exc})", "try again")
    title = chat.title or str(chat_id)
    if member.status not in MAY_POST or getattr(member, "can_send_messages", True) is False:
        return Check(name, False, f"{title}: the bot may not post ({member.status})",
                     "let it send messages in the group's permissions")
    return Check(name, True, f"{title}: the bot is a {member.status} and may post")
