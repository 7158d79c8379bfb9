"""One module per CLI subcommand (see pipeline.cli.COMMANDS)."""
