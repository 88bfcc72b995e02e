"""Tests of the Twilio emulator (cnamctl.emulator)."""
