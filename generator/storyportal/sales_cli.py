"""Subcommands of this module are registered by cli.make_parser."""


def register(commands, common) -> None:
    """Adds this module's subcommands (filled in by its owner)."""
