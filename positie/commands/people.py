"""People: erasure on request (the roster has its own module)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.audit.trail import CLI
from positie.commands.common import (
    DEFAULT_CONFIG,
    ConfigOption,
    fail,
    run,
    settings_from,
)


def forget_command(
    platform: Annotated[str, typer.Argument(help="The platform's name, as its config "
                                             "section is called (slack, telegram, …).")],
    user_id: Annotated[str, typer.Argument(help="The person's user id on that platform.")],
    workspace: Annotated[str, typer.Option(
        help="Where user ids are unique per workspace (Slack): the workspace (team) id, as "
             "in the roster CSV. Elsewhere: leave out.")] = "",
    config: ConfigOption = DEFAULT_CONFIG,
) -> None:
    """Erase what positie holds about one person (for a request that came by mail).

    People can do this themselves: /positie vergeet in Slack, /vergeet in Telegram.
    """
    from adapters.registry import PLATFORMS, by_name
    from bot.domain import Identity
    from positie.wiring import build_runtime

    registered = by_name(platform)
    if registered is None:
        fail(f"platform {platform!r} is unknown; use one of "
             f"{', '.join(p.name for p in PLATFORMS)}")
        return
    shape = registered.settings.identity
    settings = settings_from(config)

    async def work() -> None:
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            erasure = await runtime.service.forget(Identity(platform, workspace, user_id),
                                                   actor=CLI, via=CLI)
        finally:
            await runtime.close()
        if not erasure.known:
            hint = (f" ({registered.settings.title} people need --workspace, their "
                    f"{shape.workspace_label})" if shape.workspace_scoped and not workspace
                    else "")
            typer.echo(f"positie holds nothing about {platform} user {user_id}{hint}; "
                       "nothing erased")
            return
        typer.echo(f"erased: {erasure.positions} position(s) with their history, the layer "
                   f"and every reference to {platform} user {user_id}")

    run(work)
