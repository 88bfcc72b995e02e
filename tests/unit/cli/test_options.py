"""cli/options.py: copy-paste hints carry this run's flags; --format defined once."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cnamctl.cli.options import format_option, hint, target_options


@click.command()
@click.argument("paths", nargs=-1)
@target_options
@click.option("--allow-outside-links", "allow_outside_links", is_flag=True)
def echo_hint(paths: tuple[str, ...], api_url: str | None, embedded: bool, **_: object) -> None:
    click.echo(hint("apply", "--auto-approve", *paths))


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["m/"], {}, "cnamctl apply --auto-approve m/"),
        (["--emulator", "m/"], {}, "cnamctl apply --emulator --auto-approve m/"),
        (
            ["--api-url", "http://127.0.0.1:4010", "m/"],
            {},
            "cnamctl apply --api-url http://127.0.0.1:4010 --auto-approve m/",
        ),
        # from the environment: the next run has it too, the hint stays short
        (["m/"], {"CNAMCTL_API_URL": "http://127.0.0.1:4010"}, "cnamctl apply --auto-approve m/"),
        (
            ["--api-url", "http://user:pw@127.0.0.1:4010", "m/"],
            {},
            "cnamctl apply --api-url 'http://***@127.0.0.1:4010' --auto-approve m/",
        ),
        (
            ["--allow-outside-links", "my manifests/"],
            {},
            "cnamctl apply --allow-outside-links --auto-approve 'my manifests/'",
        ),
    ],
)
def test_hints_carry_the_flags_of_the_run(args: list[str], env: dict[str, str], expected: str):
    result = CliRunner().invoke(echo_hint, args, env={"CNAMCTL_API_URL": "", **env})
    assert result.exit_code == 0, result.output
    assert result.output == expected + "\n"
    assert "pw" not in result.output


def test_format_is_one_option_with_the_choices_a_command_has():
    @click.command()
    @format_option("text", "json", "markdown")
    def show(fmt: str) -> None:
        click.echo(fmt)

    runner = CliRunner()
    assert runner.invoke(show, []).output == "text\n"
    assert runner.invoke(show, ["--format", "markdown"]).output == "markdown\n"
    refused = runner.invoke(show, ["--format", "yaml"])
    assert refused.exit_code == 2 and "'yaml' is not one of 'text', 'json', 'markdown'" in (
        refused.output
    )
    help_text = " ".join(runner.invoke(show, ["--help"]).output.split())
    assert "text for people, json for machines, markdown for a pull-request comment." in help_text
