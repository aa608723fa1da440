"""One convention for every command: each option says what it does in ``--help``."""

import argparse

import pytest

from storyportal.cli.main import make_parser


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in make_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


ARGUMENTS = sorted((name, "/".join(action.option_strings) or action.dest)
                   for name, parser in subcommands().items() for action in parser._actions)


@pytest.mark.parametrize("command, argument", ARGUMENTS)
def test_every_option_of_every_command_has_help_text(command, argument):
    action = next(a for a in subcommands()[command]._actions
                  if ("/".join(a.option_strings) or a.dest) == argument)
    assert action.help and action.help.strip() and action.help != argparse.SUPPRESS


def test_every_command_has_help_text():
    action = next(a for a in make_parser()._actions if isinstance(a, argparse._SubParsersAction))
    described = {choice.dest: choice.help for choice in action._choices_actions}
    assert sorted(described) == sorted(subcommands())
    assert all(text and text.strip() for text in described.values())
