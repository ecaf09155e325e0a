"""The krachtteam's command list, in the reader's language, with the platform's prefix."""

from __future__ import annotations

from bot.texts import Texts


def admin_help(texts: Texts, prefix: str = "/positie ") -> str:
    if texts.language == "nl":
        words = ("post", "sluit", "heropen", "digest", "export", "pauze", "hervat", "status")
    else:
        words = ("post", "close", "reopen", "digest", "export", "pause", "resume", "status")
    post, close, reopen, digest, export, pause, resume, status = (prefix + w for w in words)
    return texts.gettext(
        "For the krachtteam: {post} KEY (open a statement) · {close} KEY · {reopen} KEY · "
        "{digest} (post the digest now) · {export} (the figures, privately) · {pause} / "
        "{resume} (the schedule) · {status}", post=post, close=close, reopen=reopen,
        digest=digest, export=export, pause=pause, resume=resume, status=status)
