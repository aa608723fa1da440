"""match, report and request on a registry that cannot be read: its errors and exit 2, never an empty program.

An unreadable registry used to give "Withheld now: 0 stories ... none" and "No published story
matches" with exit 0: the owner's monthly review read as a clean program.
"""

from __future__ import annotations

import re

import pytest

BROKEN = {
    "latin-1-byte": lambda raw: raw.replace(b"Jane Doe", b"J\xe4ne Doe"),
    "utf-16": lambda raw: raw.decode("utf-8").encode("utf-16"),
    "nul-byte": lambda raw: raw.replace(b"Jane Doe", b"Jane\x00Doe"),
    "empty": lambda raw: b"",
    "a-list": lambda raw: b"- jane-doe\n- bob\n",
    "yaml-syntax": lambda raw: raw + b"advocates: [\n",
    "no-advocates-section": lambda raw: raw.split(b"advocates:")[0],
}
COMMANDS = [
    ["report"],
    ["match", "--industry", "retail"],
    ["match", "--activity", "site-visit"],
    ["request", "jane-doe", "--activity", "site-visit", "--rep", "B", "--opportunity", "O", "--dry-run"],
]
LOCATED = re.compile(r"^advocates\.yaml(:\d+:\d+)?: error: .+ \[[a-z0-9-]+\]$")
LAST = "storyportal: error: cannot read the advocate registry advocates.yaml: fix the error(s) above first"


def break_registry(site, how: str) -> None:
    site.advocate()
    site.story()
    site.flush()
    path = site.root / "advocates.yaml"
    path.write_bytes(BROKEN[how](path.read_bytes()))


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("how", BROKEN)
def test_an_unreadable_registry_stops_the_command_with_its_located_errors(site, how, command):
    break_registry(site, how)
    code, out, err = site.run(*command, "--build-date", "2026-06-01")
    lines = err.splitlines()
    assert (code, out, lines[-1], all(LOCATED.match(line) for line in lines[:-1]), len(lines) > 1) == (
        2, "", LAST, True, True)


def test_the_report_names_the_byte_that_is_not_utf8(site):
    break_registry(site, "latin-1-byte")
    assert site.run("report", "--build-date", "2026-06-01") == (
        2, "", "advocates.yaml:9:1: error: The file is not UTF-8 text (save it as UTF-8) [file-encoding]\n" + LAST + "\n")


def test_a_registry_with_a_broken_entry_is_used_with_a_warning(site):
    site.advocate()
    site.advocate("bob", company="nowhere")
    site.companies.pop("nowhere")
    site.story()
    code, out, err = site.cli("report", "--build-date", "2026-06-01")
    assert (code, err) == (0, "storyportal: warning: advocates.yaml has 1 error(s); the advocates and companies they "
                              "concern are left out here (storyportal validate lists them)\n")


def test_a_clean_registry_gives_no_warning(site):
    site.advocate()
    site.story()
    assert site.cli("report", "--build-date", "2026-06-01")[::2] == (0, "")
