"""positie: scheduling."""
