"""``cnamctl emulator``: run the local Twilio emulator, print an example seed."""

from __future__ import annotations

from pathlib import Path

import click

from cnamctl.emulator import Emulator, EmulatorConfig, SeedError
from cnamctl.emulator.config import REVIEW_MODES
from cnamctl.emulator.seed import demo_seed, example_seed_text
from cnamctl.emulator.server import base_url
from cnamctl.errors import UsageError


@click.group()
def emulator() -> None:
    """Run the local Twilio emulator (Trust Hub + API 2010, stateful)."""


@emulator.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=4010, show_default=True, type=int, help="Port (0: any free port).")
@click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite file; default: in memory."
)
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Seed YAML, applied only to an empty database; default: the demo account.",
)
@click.option("--latency-ms", type=click.FloatRange(min=0), default=0, help="Delay per request.")
@click.option(
    "--rate-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="Requests per second (429 above).",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    help="Probability of an injected fault.",
)
@click.option("--fault-seed", type=int, help="Seed of the fault RNG (reproducible runs).")
@click.option(
    "--review-mode", type=click.Choice(REVIEW_MODES), default="auto-approve", show_default=True
)
@click.option(
    "--review-delay",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Seconds a review takes.",
)
@click.option("--auto-verify-caller-ids", is_flag=True, help="Validation requests verify at once.")
def serve(
    host: str,
    port: int,
    db: Path | None,
    seed: Path | None,
    latency_ms: float,
    rate_limit: float | None,
    fault_rate: float,
    fault_seed: int | None,
    review_mode: str,
    review_delay: float,
    auto_verify_caller_ids: bool,
) -> None:
    """Serve the emulator in the foreground until Ctrl-C."""
    config = EmulatorConfig(
        latency_ms=latency_ms,
        rate_limit=rate_limit,
        fault_rate=fault_rate,
        fault_seed=fault_seed,
        review_mode=review_mode,
        review_delay=review_delay,
        auto_verify_caller_ids=auto_verify_caller_ids,
    )
    try:
        emu = Emulator(db_path=db or ":memory:", seed=seed or demo_seed(), config=config)
    except SeedError as err:
        raise UsageError(str(err)) from err
    try:
        server = emu.make_server(host, port)
    except OSError as err:
        emu.close()
        raise UsageError(f"cannot listen on {host}:{port}: {err}") from err
    seeded = "seeded from " + (str(seed) if seed else "the demo seed")
    state = f"database {db}" if db else "in-memory database"
    try:  # Ctrl-C may come at any point from here on: always a clean stop
        click.echo(f"cnamctl emulator listening on {base_url(server)}")
        click.echo(
            f"{state}, {seeded if emu.seed_summary else 'existing state kept (seed not applied)'}"
        )
        for sid in emu.accounts():
            click.echo(f"  account {sid}")
        click.echo("admin API under /_emulator/ (see docs/emulator.md); Ctrl-C to stop")
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        emu.close()
    click.echo("stopped")


@emulator.command("seed-example")
def seed_example() -> None:
    """Print an example seed YAML (every feature, commented)."""
    click.echo(example_seed_text(), nl=False)
