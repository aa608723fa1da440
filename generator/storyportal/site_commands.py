"""``storyportal build`` and ``serve``: MkDocs run for you, with the safe build around it."""

from __future__ import annotations


def register(commands, common) -> None:
    """Site commands are added as they are built; see build.py and serve.py."""
