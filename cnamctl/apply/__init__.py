"""Executing a plan: ordering, concurrency, idempotent retries."""
