"""``cnamctl verify``: does Twilio Lookup show the CNAM display name each profile
declares? Sampling, the lookup budget, the cache, classification and rendering;
``run.verify_accounts`` ties them together (its docstring lists the steps)."""
