"""`positie demo`: the whole loop offline — Slack emulator, the real bot, simulated people."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.slack import SlackAdapter
from adapters.slack.settings import SlackSettings
from adapters.telegram.settings import TelegramSettings
from bot.domain import Identity
from bot.insight.render_text import render_text
from bot.settings.config import Settings
from emulators.slack import SlackEmulator, SlackUserClient
from positie import telegram_demo
from positie.settings import from_mapping
from positie.slack_view import boxed, message_lines
from positie.wiring import build_runtime

# Inside the package (the root's config.example.toml links here), so an installed wheel has it.
EXAMPLES = Path(__file__).resolve().parent / "examples"
EXAMPLE_CONFIG = EXAMPLES / "config.example.toml"
# The workshop of 10 July as its facilitator wrote it down: the baseline the digest compares to.
EXAMPLE_WORKSHOP = EXAMPLES / "workshop.example.csv"
SIGNING_SECRET = "demo-signing-secret"
STATEMENTS_TO_OPEN = 3
GENERAL = "C0CIRCULAIR"
FORGETTER = "U007"  # asks positie to forget them once the digest is out

# How each layer tends to answer, per statement (weights over the five-point scale + weet niet).
LEANINGS: dict[str, list[int]] = {
    "rijk": [3, 4, 2, 1, 0, 1],
    "provincie": [1, 2, 2, 3, 2, 0],
    "gemeente": [2, 4, 2, 1, 1, 1],
    "waterschap": [0, 1, 2, 4, 3, 1],
}


@dataclass
class Account:
    clicks: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    redeliveries: int = 0
    forged_status: int = 0
    layered: set[str] = field(default_factory=set)
    forget_replies: list[str] = field(default_factory=list)
    forgotten: bool = False  # nothing about them left in the database afterwards


def demo_settings(db_path: Path, api_base_url: str,
                  telegram_base_url: str | None = None) -> Settings:
    raw: dict[str, Any] = tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    raw["database"] = {"url": f"sqlite+aiosqlite:///{db_path}"}
    raw[SlackSettings.name].update(bot_token="xoxb-positie-emulator", signing_secret=SIGNING_SECRET,
                        api_base_url=api_base_url, port=0, tally_interval_seconds=1.0)
    if telegram_base_url is not None:
        raw[TelegramSettings.name] = telegram_demo.telegram_section(telegram_base_url)
    return from_mapping(raw, base_dir=EXAMPLES)


async def run_demo(*, people: int, out_dir: Path) -> None:
    started = time.monotonic()
    rng = random.Random(20260710)  # the workshop's date: the same demo every time
    with tempfile.TemporaryDirectory(prefix="positie-demo-") as tmp:
        async with SlackEmulator() as emulator, telegram_demo.telegram_emulator() as tg:
            settings = demo_settings(Path(tmp) / "positie.db", emulator.base_url, tg.base_url)
            for channel in SlackSettings.of(settings).channels:
                emulator.add_channel(channel.id, channel.id.lower())
            runtime = await build_runtime(settings, with_adapters=False)
            workshop = await _import_workshop(runtime.service, settings)
            adapter = SlackAdapter(service=runtime.service, settings=SlackSettings.of(settings))
            runtime.add_adapter(SlackSettings.name, adapter)
            port = await adapter.start(host="127.0.0.1", port=0)
            telegram = telegram_demo.adapter_for(runtime.service)
            runtime.add_adapter(TelegramSettings.name, telegram)
            await telegram.start()
            try:
                account = await _simulate(runtime.service, emulator, port, rng, people)
                await adapter.drain()
                tg_account = await telegram_demo.simulate(
                    runtime.service, tg, telegram,
                    (await _catalogue_keys(runtime.service))[:STATEMENTS_TO_OPEN], rng,
                    LEANINGS, people=16)
                draft = await runtime.service.digest_draft()
                document = draft.document
                chart = await runtime.service.digest_chart(release=draft.release,
                                                           shift=draft.shift)
                report = await runtime.service.publish_draft(draft, period="demo",
                                                             chart_png=chart)
                stored = await _stored_counts(runtime.service)
                account.forget_replies = await _forget_one(emulator, port, FORGETTER)
                left = await runtime.service.erasure_preview(
                    Identity(SlackSettings.name, emulator.state.team_id, FORGETTER))
                account.forgotten = not left.known
            finally:
                await runtime.close()
            _show(emulator, settings, account, stored, report.posted,
                  time.monotonic() - started)
            telegram_demo.show(tg, tg_account)
            print(f"\nWorkshop baseline ({EXAMPLE_WORKSHOP.name}): {workshop}")
            text_path, chart_path = await asyncio.to_thread(
                _write_outputs, out_dir, render_text(document), chart)
            print(f"\nDigest as text:  {text_path}")
            print(f"Digest chart:    {chart_path}")


async def _import_workshop(service: Any, settings: Settings) -> str:
    """The example workshop file, as `positie baseline import` reads and stores it."""
    from bot.clock import SystemClock
    from bot.insight.baseline_file import read_baseline
    from bot.insight.baseline_import import import_baseline, statement_keys

    campaign = settings.campaign
    baseline = read_baseline(EXAMPLE_WORKSHOP,
                             statements=await statement_keys(service.db, campaign.id),
                             layers=campaign.layer_keys, scale=campaign.scale_options(),
                             workshop_date=None)
    report = await import_baseline(service.db, campaign.id, baseline, now=SystemClock().now())
    return report.summary()


def _write_outputs(out_dir: Path, digest_text: str, chart: bytes) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    text_path, chart_path = out_dir / "samenvatting.txt", out_dir / "samenvatting.png"
    text_path.write_text(digest_text, encoding="utf-8")
    chart_path.write_bytes(chart)
    return text_path.resolve(), chart_path.resolve()


async def _simulate(service: Any, emulator: SlackEmulator, port: int, rng: random.Random,
                    people: int) -> Account:
    keys = [key for key in await _catalogue_keys(service)][:STATEMENTS_TO_OPEN]
    for key in keys:
        await service.open(key)
    layers = list(LEANINGS)
    crowd = [(f"U{n:03d}", layers[n % len(layers)]) for n in range(people)]
    account = Account()
    async with SlackUserClient(bot_url=f"http://127.0.0.1:{port}/slack/events",
                               signing_secret=SIGNING_SECRET, emulator=emulator) as users:
        for key in keys:
            await asyncio.gather(*(_person(service, emulator, users, uid, layer, key, rng,
                                           account) for uid, layer in crowd))
        # One forged request: signed with the wrong secret. Bolt refuses it with 401.
        async with SlackUserClient(bot_url=f"http://127.0.0.1:{port}/slack/events",
                                   signing_secret="not-the-secret",
                                   emulator=emulator) as forger:
            message = _statement_message(emulator, GENERAL, keys[0])
            forged = await forger.click_button("U666", GENERAL, message.ts,
                                               "positie.vote.helemaal_oneens")
            account.forged_status = forged.status
    return account


async def _forget_one(emulator: SlackEmulator, port: int, uid: str) -> list[str]:
    """Someone asks positie to forget them, after the digest: the question, then yes."""
    async with SlackUserClient(bot_url=f"http://127.0.0.1:{port}/slack/events",
                               signing_secret=SIGNING_SECRET, emulator=emulator) as users:
        return [(await users.slash_command(uid, GENERAL, "/positie", text)).body
                for text in ("vergeet", "vergeet ja")]


async def _catalogue_keys(service: Any) -> list[str]:
    from sqlalchemy import select

    from bot.store.models import Statement

    async with service.db.sessions() as session:
        return list(await session.scalars(select(Statement.key).where(
            Statement.campaign_id == service.campaign_id).order_by(Statement.position)))


def _statement_message(emulator: SlackEmulator, channel: str, key: str) -> Any:
    return next(m for m in emulator.messages(channel)
                if any(b.get("block_id") == f"positie.vote:{key}" for b in m.blocks))


async def _person(service: Any, emulator: SlackEmulator, users: SlackUserClient, uid: str,
                  layer: str, key: str, rng: random.Random, account: Account) -> None:
    # Rijk people sit in the Rijk channel (its default layer applies); others in the general
    # channel, where the bot asks their layer once.
    channel = "C0RIJK0001" if layer == "rijk" else GENERAL
    options = [o.key for o in service.scale]
    choice = rng.choices(options, weights=LEANINGS[layer])[0]
    message = _statement_message(emulator, channel, key)
    await users.click_button(uid, channel, message.ts, f"positie.vote.{choice}")
    account.clicks += 1
    if rng.random() < 0.1:  # a double click: Slack retries the same request
        await users.redeliver(retry_num=1)
        account.redeliveries += 1
    if rng.random() < 0.15:  # a change of mind
        other = rng.choice([o for o in options if o != choice])
        await users.click_button(uid, channel, message.ts, f"positie.vote.{other}")
        account.clicks += 1
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # let the bot's ephemeral answer arrive
    prompt = next((m for m in emulator.ephemerals(uid)
                   if any(b.get("block_id") == "positie.layer" for b in m.blocks)), None)
    if prompt is not None and uid not in account.layered:
        account.layered.add(uid)  # answers the layer question once
        await users.click_button(uid, channel, prompt.ts, f"positie.layer.{layer}")


async def _stored_counts(service: Any) -> dict[str, int]:
    """What the bot itself recorded (counts only)."""
    from sqlalchemy import func, select

    from bot.store.models import Position, PositionEvent

    async with service.db.sessions() as session:
        events = await session.scalar(select(func.count()).select_from(PositionEvent))
        positions = await session.scalar(select(func.count()).select_from(Position))
        changed = await session.scalar(select(func.count()).select_from(Position)
                                       .where(Position.changes > 0))
    return {"events": int(events or 0), "positions": int(positions or 0),
            "changed": int(changed or 0)}


def _show(emulator: SlackEmulator, settings: Settings, account: Account,
          stored: dict[str, int], digest_posts: int, seconds: float) -> None:
    general = emulator.messages(GENERAL)
    first = next(m for m in general if any(b.get("type") == "actions" for b in m.blocks))
    print(boxed(f"#{GENERAL.lower()} — a statement, with its live tally",
                message_lines(first.blocks, first.text)))
    sample_user = next(uid for uid in ("U001", "U002", "U005") if emulator.ephemerals(uid))
    reply = emulator.ephemerals(sample_user)[0]
    print(boxed(f"only visible to {sample_user} — the answer to their click",
                message_lines(reply.blocks, reply.text)))
    digest = [m for m in general if m.blocks and m.blocks[0].get("type") == "header"]
    for part in digest:
        print(boxed(f"#{GENERAL.lower()} — the digest", message_lines(part.blocks, part.text)))
    if account.forget_replies:
        asked, done = account.forget_replies
        print(boxed(f"only visible to {FORGETTER} — asking positie to forget them",
                    [f"/positie vergeet → {asked}", "", f"/positie vergeet ja → {done}"]))
    updates = len(emulator.calls_to("chat.update"))
    print("\nWhat happened")
    channels = len(SlackSettings.of(settings).channels)
    print(f"  • {channels} channels, {STATEMENTS_TO_OPEN} statements opened, "
          f"{account.clicks} clicks by simulated civil servants")
    print(f"  • the bot recorded {stored['events']} answers: {stored['positions']} current "
          f"positions, {stored['changed']} changed by a change of mind")
    print(f"  • {account.redeliveries} requests redelivered by 'Slack' (X-Slack-Retry-Num): "
          "each recorded once")
    print(f"  • {len(account.layered)} people in #{GENERAL.lower()} were asked their layer "
          "once and chose it; Rijk people got their channel's default layer")
    print(f"  • forged request answered HTTP {account.forged_status}, nothing recorded")
    print(f"  • live tallies: {updates} message edits for {account.clicks} clicks (batched)")
    print(f"  • digest posted to {digest_posts} channel(s); took {seconds:.1f} s in all")
    if account.forgotten:
        print(f"  • afterwards {FORGETTER} had positie forget them: nothing about them is left "
              "in the database; the digest already posted only ever held counts")
