"""positie: adapters."""
