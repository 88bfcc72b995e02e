"""Reading the live account: a Snapshot of what Twilio holds now."""
