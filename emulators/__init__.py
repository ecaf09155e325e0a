"""positie: emulators."""
