"""Diffing desired state against a live snapshot into a Plan of Changes."""
