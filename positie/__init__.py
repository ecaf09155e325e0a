"""positie: the composition root (CLI, wiring, demo). The only package that imports the
adapters and the scheduler."""
