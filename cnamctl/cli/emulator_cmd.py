"""``cnamctl emulator``: run the local Twilio emulator, print an example seed.

The behaviour options of ``serve`` are generated from ``EmulatorConfig``'s fields
(one ``--kebab-case`` option per field, with its range, choices and help), so
the CLI, the Python API and the admin config never drift apart.
"""

from __future__ import annotations

import dataclasses
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cnamctl.emulator.config import EmulatorConfig, field_types
from cnamctl.errors import UsageError

ADMIN_TOKEN_ENV = "CNAMCTL_EMULATOR_ADMIN_TOKEN"


class _ListOf(click.ParamType):
    """A comma-separated list of ``item`` values (``--fault-kinds reset,error-500``)."""

    def __init__(self, item: type, choices: tuple[str, ...] | None) -> None:
        self.item = item
        self.choices = choices
        self.name = f"{item.__name__},..."

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[Any, ...]:
        if isinstance(value, tuple):
            return value
        parts = [p.strip() for p in str(value).split(",") if p.strip()]
        try:
            items = tuple(self.item(p) for p in parts)
        except ValueError:
            self.fail(
                f"{value!r} is not a comma-separated list of {self.item.__name__}", param, ctx
            )
        if self.choices is not None:
            bad = [i for i in items if i not in self.choices]
            if bad:
                self.fail(f"{bad[0]!r} is not one of {', '.join(self.choices)}", param, ctx)
        return items


def _option(field: dataclasses.Field[Any]) -> Callable[[Any], Any]:
    meta = EmulatorConfig.knob_of(field)
    kind, _, item = field_types(field)
    flag = "--" + field.name.replace("_", "-")
    default: Any = field.default
    help_text = meta.help.replace("`", "")
    if kind is bool:
        negative = "--no-" + flag[2:]
        return click.option(f"{flag}/{negative}", default=default, help=help_text)
    click_type: Any
    if item is not None:
        click_type = _ListOf(item, meta.choices)
        default = ",".join(map(str, default)) or None
    elif meta.choices is not None:
        click_type = click.Choice(meta.choices)
    elif kind in (int, float):
        bounds: dict[str, Any] = {}
        if meta.minimum is not None:
            bounds["min"] = kind(meta.minimum)
            bounds["min_open"] = meta.min_open
        if meta.maximum is not None:
            bounds["max"] = kind(meta.maximum)
        click_type = (click.FloatRange if kind is float else click.IntRange)(**bounds)
    else:
        click_type = str
    envvar = ADMIN_TOKEN_ENV if field.name == "admin_token" else None
    return click.option(
        flag,
        type=click_type,
        default=default,
        show_default=default is not None and not meta.secret,
        envvar=envvar,
        show_envvar=envvar is not None,
        help=help_text,
    )


def config_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add one option per EmulatorConfig field to ``command``."""
    for field in reversed(EmulatorConfig.fields()):
        command = _option(field)(command)
    return command


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
@config_options
def serve(host: str, port: int, db: Path | None, seed: Path | None, **knobs: Any) -> None:
    """Serve the emulator in the foreground until Ctrl-C."""
    from cnamctl.emulator import Emulator, SeedError
    from cnamctl.emulator.storage.seed import demo_seed
    from cnamctl.emulator.web.server import base_url

    names = {f.name for f in EmulatorConfig.fields()}
    try:
        config = EmulatorConfig(**{k: v for k, v in knobs.items() if k in names and v is not None})
    except ValueError as err:
        raise UsageError(str(err)) from err
    try:
        emu = Emulator(db_path=db or ":memory:", seed=seed or demo_seed(), config=config)
    except SeedError as err:
        raise UsageError(str(err)) from err
    try:
        warning = emu.exposure_warning(host)
        server = emu.make_server(host, port)
    except ValueError as err:
        emu.close()
        raise UsageError(str(err)) from err
    except OSError as err:
        emu.close()
        raise UsageError(f"cannot listen on {host}:{port}: {err}") from err
    # A shell starts a background job (`cnamctl emulator serve &` in a script or a CI
    # step) with SIGINT ignored, and Python then leaves it ignored: Ctrl-C or
    # `kill -INT` would never stop the server.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    seeded = "seeded from " + (str(seed) if seed else "the demo seed")
    state = f"database {db}" if db else "in-memory database"
    try:  # Ctrl-C may come at any point from here on: always a clean stop
        click.echo(f"cnamctl emulator listening on {base_url(server)}")
        click.echo(
            f"{state}, {seeded if emu.seed_summary else 'existing state kept (seed not applied)'}"
        )
        for sid in emu.accounts():
            click.echo(f"  account {sid}")
        if warning:
            click.echo(warning, err=True)
        if not config.admin_api:
            admin = "admin API off"
        elif config.admin_token:
            admin = "admin API under /_emulator/ (needs the admin token)"
        else:
            admin = "admin API under /_emulator/ (see docs/emulator.md)"
        click.echo(f"{admin}; Ctrl-C to stop")
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
    from cnamctl.emulator.storage.seed import example_seed_text

    click.echo(example_seed_text(), nl=False)
