"""Fan-out benchmark: open one statement in 1,000 Telegram chats and 500 Slack channels at once.

Both emulators enforce the platforms' limits (Telegram: 30 messages/s overall, 1/s per chat,
20/min per group; Slack: chat.postMessage 1/s per channel, short bursts tolerated) and answer
429 as the platforms do. The real service opens the statement through the real adapters; the
run is measured against the shortest time those limits allow for what was sent, and every
post is checked on the emulators' side (lost = claimed but not visible in its chat).

    .venv/bin/python benchmarks/fanout.py [--telegram-chats 1000] [--slack-channels 500]
        [--scale 1.0] [--pacing positie|aio] [--database-url URL]

--scale shrinks every limit window (0.1: Telegram's second becomes 0.1 s) for a quick run;
--pacing aio uses python-telegram-bot's AIORateLimiter instead of the adapter's own, to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.slack.settings import SlackSettings
from adapters.telegram.settings import TelegramSettings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.slack import SlackAdapter  # noqa: E402
from adapters.telegram import TelegramAdapter, TelegramRateLimiter  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.publishing.catalogue_import import import_catalogue  # noqa: E402
from bot.publishing.sync import sync_settings  # noqa: E402
from bot.service import CampaignService  # noqa: E402
from bot.settings.catalogue import load_catalogue  # noqa: E402
from bot.settings.config import Settings  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.migrate import upgrade  # noqa: E402
from emulators.slack import SlackEmulator  # noqa: E402
from emulators.slack.ratelimits import RateLimitPolicy as SlackPolicy  # noqa: E402
from emulators.telegram import DEFAULT_TOKEN, RateLimitPolicy, TelegramEmulator  # noqa: E402
from positie.settings import from_mapping  # noqa: E402

STATEMENT = "visie-rijk"
SLACK_TOKEN = "xoxb-positie-emulator"
LAYERS = [{"key": k, "label_nl": k.title(), "label_en": k.title()}
          for k in ("rijk", "provincie", "gemeente", "waterschap")]


@dataclass(frozen=True)
class Result:
    seconds: float
    telegram_minimum: float
    slack_minimum: float
    posted: int
    pending: int
    unavailable: int
    telegram_delivered: int
    slack_delivered: int
    telegram_429: int
    slack_429: int


def telegram_chat_id(n: int) -> int:
    return -1_002_000_000_000 - n


def slack_channel_id(n: int) -> str:
    return f"C0B{n:07d}"


def bench_settings(db_url: str, chats: int, channels: int) -> Settings:
    return from_mapping({
        "campaign": {"id": "fanout", "name": "Fan-out", "layers": LAYERS},
        "database": {"url": db_url},
        "slack": {"enabled": True, "bot_token": SLACK_TOKEN, "signing_secret": "bench",
                  "live_tally": False,
                  "channels": [{"id": slack_channel_id(n)} for n in range(channels)]},
        "telegram": {"enabled": True, "bot_token": DEFAULT_TOKEN, "live_tally": False,
                     "retries": 5,
                     # Half the chats answer with a native poll, half with buttons.
                     "chats": [{"id": telegram_chat_id(n),
                                "answer_mode": "poll" if n % 2 else "buttons"}
                               for n in range(chats)]},
    })


def slack_minimum(policy: SlackPolicy, posts_per_channel: list[int]) -> float:
    """chat.postMessage is a token bucket per channel: `burst` at once, then `rate` a second."""
    rate = policy.post_message_per_second * policy.scale
    return max((max(0, n - policy.post_message_burst) / rate for n in posts_per_channel),
               default=0.0)


async def run(args: argparse.Namespace, db_url: str) -> Result:
    telegram_policy = RateLimitPolicy(time_scale=args.scale)
    slack_policy = SlackPolicy(scale=1 / args.scale)
    async with TelegramEmulator(rate_limits=telegram_policy, poll_state_updates=False) as tg, \
            SlackEmulator(rate_limits=True, rate_limit_policy=slack_policy,
                          bot_token=SLACK_TOKEN) as slack:
        for n in range(args.telegram_chats):
            tg.add_chat(telegram_chat_id(n), type="supergroup", title=f"Groep {n}")
        for n in range(args.slack_channels):
            slack.add_channel(slack_channel_id(n), f"kanaal-{n}")
        settings = bench_settings(db_url, args.telegram_chats, args.slack_channels)
        db = Database(url=db_url)
        await upgrade(db)
        await sync_settings(db, settings)
        await import_catalogue(db, "fanout",
                               load_catalogue(ROOT / "statements.example.toml"),
                               now=SystemClock().now())
        service = CampaignService(db=db, settings=settings, clock=SystemClock())
        slack_settings = SlackSettings.of(settings).model_copy(
            update={"api_base_url": slack.base_url})
        slack_adapter = SlackAdapter(service=service, settings=slack_settings)
        if args.pacing == "aio":
            from telegram.ext import AIORateLimiter

            pacing: Any = AIORateLimiter(overall_time_period=args.scale,
                                         group_time_period=60 * args.scale, max_retries=5)
        else:
            pacing = TelegramRateLimiter(max_retries=5, time_scale=args.scale)
        telegram_adapter = TelegramAdapter(
            service=service, rate_limiter=pacing,
            settings=TelegramSettings.of(settings).model_copy(update={"base_url": tg.base_url}))
        service.gateways |= {"slack": slack_adapter.gateway,
                             "telegram": telegram_adapter.gateway}
        await telegram_adapter.application.bot.initialize()  # getMe, before the clock runs
        try:
            started = time.monotonic()
            report = await service.open(STATEMENT)
            seconds = time.monotonic() - started
        finally:
            await telegram_adapter.stop()
            await slack_adapter.stop()
            await service.aclose()
            await db.dispose()
        if args.verbose:
            _timeline(started, tg.calls, slack.calls)
        posts = [len(slack.messages(slack_channel_id(n))) for n in range(args.slack_channels)]
        return Result(
            seconds=seconds,
            telegram_minimum=tg.rate_limiter.minimum_duration_s(),
            slack_minimum=slack_minimum(slack_policy, posts),
            posted=report.posted, pending=report.pending, unavailable=report.unavailable,
            telegram_delivered=sum(1 for n in range(args.telegram_chats)
                                   if tg.messages(telegram_chat_id(n))),
            slack_delivered=sum(1 for p in posts if p),
            telegram_429=tg.rate_limiter.rejected_total,
            slack_429=sum(1 for c in slack.calls if c.status == 429))


def _timeline(started: float, tg_calls: list[Any], slack_calls: list[Any]) -> None:
    sends = [c.at for c in tg_calls if c.method in ("sendMessage", "sendPoll")]
    posts = [c.at for c in slack_calls if c.method == "chat.postMessage"]
    for name, stamps in (("telegram", sends), ("slack", posts)):
        if stamps:
            print(f"  {name}: {len(stamps)} sends, first at {stamps[0] - started:.2f} s, last "
                  f"at {stamps[-1] - started:.2f} s ({stamps[-1] - stamps[0]:.2f} s)")


def show(args: argparse.Namespace, r: Result) -> None:
    minimum = max(r.telegram_minimum, r.slack_minimum)
    expected = args.telegram_chats + args.slack_channels
    lost = expected - r.telegram_delivered - r.slack_delivered
    print(f"fan-out of one statement: {args.telegram_chats} Telegram chats + "
          f"{args.slack_channels} Slack channels (pacing: {args.pacing}, scale {args.scale})")
    print(f"  time taken          {r.seconds:8.2f} s")
    print(f"  minimum the limits allow {minimum:6.2f} s  (Telegram {r.telegram_minimum:.2f} s: "
          f"30/s overall, 1/s per chat, 20/min per group; Slack {r.slack_minimum:.2f} s: "
          "1/s per channel)")
    print(f"  ratio               {100 * r.seconds / minimum if minimum else float('nan'):8.1f} %"
          "  (target ≤ 110 %)")
    print(f"  report              posted {r.posted}, kept for retry {r.pending}, "
          f"unavailable {r.unavailable}")
    print(f"  delivered           Telegram {r.telegram_delivered}/{args.telegram_chats}, "
          f"Slack {r.slack_delivered}/{args.slack_channels}")
    print(f"  messages lost       {lost}")
    print(f"  429s answered       Telegram {r.telegram_429}, Slack {r.slack_429}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--telegram-chats", type=int, default=1000)
    parser.add_argument("--slack-channels", type=int, default=500)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--pacing", choices=["positie", "aio"], default="positie")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--verbose", action="store_true", help="Print the send timeline.")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="positie-fanout-") as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'fanout.db'}"
        show(args, asyncio.run(run(args, url)))


if __name__ == "__main__":
    main()
