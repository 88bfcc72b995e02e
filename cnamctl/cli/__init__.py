"""The cnamctl command line: a short click group wiring thin commands."""

from cnamctl.cli.app import main

__all__ = ["main"]
