"""The Twilio resources: handlers, rules, policies, evaluation and review."""
