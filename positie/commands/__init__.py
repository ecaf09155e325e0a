"""The `positie` subcommands, one module per concern; `positie.cli` registers them."""
