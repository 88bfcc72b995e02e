"""Sample code under test: CNAM onboarding through the twilio SDK."""
