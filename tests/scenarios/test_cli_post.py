"""`positie post`: one statement, a whole theme or every draft, in one process."""

from __future__ import annotations

from pathlib import Path

from emulators.slack import SlackEmulator
from tests.scenarios.test_cli_digest import STATEMENTS, cli_on, slack_config


def statements_in(emulator: SlackEmulator, channel: str) -> list[str]:
    return [b["block_id"].split(":", 1)[1] for m in emulator.messages(channel)
            for b in m.blocks if b.get("block_id", "").startswith("positie.vote:")]


async def test_post_a_theme_then_all_drafts(tmp_path: Path) -> None:
    async with SlackEmulator() as emulator:
        for channel in ("C0RIJK0001", "C0MIXED001"):
            emulator.add_channel(channel, channel.lower())
        config = slack_config(tmp_path, emulator)
        assert (await cli_on(config, "statements", "import")(str(STATEMENTS))).exit_code == 0
        post = cli_on(config, "post")

        theme = await post("--theme", "regels")
        assert theme.exit_code == 0, theme.output
        assert statements_in(emulator, "C0MIXED001") == ["regels-experiment", "regels-afval"]
        assert "2 statements opened; 0 post(s) kept for retry" in theme.output

        rest = await post("--all-drafts")
        assert rest.exit_code == 0, rest.output
        assert statements_in(emulator, "C0RIJK0001") == [
            "regels-experiment", "regels-afval", "visie-rijk", "visie-gebied",
            "samen-een-loket", "samen-voorlopers", "inkoop-verplicht", "inkoop-kennis"]
        again = await post("--all-drafts")
        assert again.exit_code == 0 and "nothing to post: no statement in draft" in again.output


async def test_post_refuses_an_unknown_theme_and_a_double_choice(tmp_path: Path) -> None:
    async with SlackEmulator() as emulator:
        config = slack_config(tmp_path, emulator)
        assert (await cli_on(config, "statements", "import")(str(STATEMENTS))).exit_code == 0
        post = cli_on(config, "post")
        unknown = await post("--theme", "regelz")
        assert unknown.exit_code == 2
        assert "no theme with key 'regelz'; the themes are: visie, samenwerking" in (
            unknown.output)
        both = await post("visie-rijk", "--all-drafts")
        assert both.exit_code == 2 and "give one statement KEY" in both.output
        assert emulator.messages("C0RIJK0001") == []
