"""positie: bot."""
