"""Taking over what a process that is gone left in flight, through the real Slack client and
the emulator: a post that arrived is found by its metadata and not sent again, also when the
first look-up fails (the row stays unsure until someone has looked); a post that did not
arrive is sent; the report says what was taken over."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.service import CampaignService
from bot.store.models import Post
from tests.slack_world import CHANNELS, SlackWorld

S = "visie-rijk"
GONE = "elsewhere:1:gone"  # an owner with no heartbeat: a process that died


async def left_in_flight(service: CampaignService, *, delete_from: SlackWorld | None = None,
                         channel: str | None = None) -> None:
    """As a SIGKILL during the calls leaves it: every post "sending" under a dead owner."""
    async with service.db.transaction() as session:
        await session.execute(update(Post).values(status="sending", owner=GONE))
    if delete_from is not None and channel is not None:  # this one never arrived
        for message in delete_from.emulator.messages(channel):
            message.deleted = True


async def statuses(service: CampaignService) -> list[str]:
    async with service.db.sessions() as session:
        return sorted(await session.scalars(select(Post.status)))


async def test_arrived_posts_are_found_and_a_missing_one_is_sent(
        service: CampaignService, slack: SlackWorld) -> None:
    await service.open(S)
    second = list(CHANNELS)[1]
    await left_in_flight(service, delete_from=slack, channel=second)
    report = await service.open(S)
    assert (report.resumed, report.found, report.posted, report.resent) == (2, 1, 2, 0)
    assert report.unsettled == 0 and await statuses(service) == ["posted", "posted"]
    for channel in CHANNELS:
        visible = [m for m in slack.emulator.messages(channel) if not m.deleted]
        assert len(visible) == 1, channel  # found in one, sent again in the other: once each


async def test_a_failed_look_up_keeps_the_row_unsure_and_sends_nothing_blind(
        service: CampaignService, slack: SlackWorld) -> None:
    await service.open(S)
    await left_in_flight(service)
    slack.emulator.fail_next("conversations.history", error="internal_error", times=2)
    report = await service.open(S)
    assert report.pending == 2 and report.unsettled == 2  # a rerun exits 1 on this
    assert await statuses(service) == ["unsure", "unsure"]
    again = await service.open(S)  # the look-up works now: found, nothing sent twice
    assert (again.found, again.posted, again.unsettled) == (2, 2, 0)
    assert len(slack.emulator.calls_to("chat.postMessage")) == len(CHANNELS)
    for channel in CHANNELS:
        assert len(slack.emulator.messages(channel)) == 1
