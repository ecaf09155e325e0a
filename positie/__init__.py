"""positie: positie."""
