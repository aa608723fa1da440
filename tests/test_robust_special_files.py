"""A named pipe, a socket or a device where a file people write belongs: a located error, never a hang.

Every file the tool reads (mkdocs.yml, advocates.yaml, a story, a story folder's index.md, an
interface-strings catalogue, a story image, a registry logo, a docs/ page or file) replaced by a
pipe made `storyportal validate` or the build wait forever, or stop with a traceback. Each command
runs under an alarm, so a hang fails the test instead of the suite.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import stat

import pytest

from sitebuilder import BUILD_DATE
from storyportal.core.userfiles import NotRegularFile, read_regular
from test_robust_types import COMMANDS

SECONDS = 60  # a validate or build of these portals takes about a second


class Hung(Exception):
    pass


@pytest.fixture
def alarm():
    """Interrupt a blocked read (it raises Hung) after SECONDS."""

    def ring(signum, frame):
        raise Hung(f"still running after {SECONDS} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# Where a special file goes -> the file its error is located in (an image: the line that names it).
PLACES = {
    "mkdocs.yml": "mkdocs.yml",
    "advocates.yaml": "advocates.yaml",
    "stories/bad.md": "stories/bad.md",
    "stories/bad/index.md": "stories/bad/index.md",
    "messages/en.yaml": "messages/en.yaml",
    "stories/pic/hero.png": "stories/pic/index.md",
    "assets/logos/acme.png": "advocates.yaml",
    "docs/about.md": "docs/about.md",
    "docs/pics/team.png": "docs/pics/team.png",
}
STOPS_EVERYTHING = ("mkdocs.yml",)  # without it there is no site to build


def portal(site) -> None:
    site.company("acme", logo="assets/logos/acme.png")
    site.advocate()
    site.image("assets/logos/acme.png")
    site.story("good", title="The good story")
    site.story("pic", folder=True, image="hero.png")
    site.image("stories/pic/hero.png")
    site.write("docs/ok.md", "# A page that is fine\n")
    site.flush()
    site.flush = lambda: None  # commands read the files as they are on disk


def make_special(path, kind: str) -> None:
    """Replace ``path`` with a named pipe, a socket or a device (/dev/null's: a test must not read /dev/zero,
    which never ends, into memory)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    if kind == "pipe":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        server.close()  # the socket file stays
    else:
        try:
            os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("making a device needs root")


def located(text: str, source: str) -> list[str]:
    pattern = re.compile(rf"(ERROR   -  storyportal: )?{re.escape(source)}:\d+:\d+: error: .+ \[file-not-regular\]$")
    return [line for line in text.splitlines() if pattern.match(line)]


@pytest.mark.parametrize("place", PLACES)
def test_validate_names_a_pipe_at_its_place_and_goes_on(site, alarm, place):
    portal(site)
    make_special(site.root / place, "pipe")
    code, out, err = site.run("validate", "--build-date", BUILD_DATE.isoformat())
    assert (code, len(located(out + err, PLACES[place])), "Traceback" in err) == (
        2 if place in STOPS_EVERYTHING else 1,
        1,
        False,
    )


@pytest.mark.parametrize("place", [p for p in PLACES if p not in STOPS_EVERYTHING])
def test_the_build_leaves_a_pipe_out_and_builds_the_rest(site, alarm, place):
    portal(site)
    make_special(site.root / place, "pipe")
    code, out, err = site.run("build", "--build-date", BUILD_DATE.isoformat())
    built = site.root / "site"
    assert (code, len(located(err, PLACES[place])), (built / "ok" / "index.html").is_file()) == (0, 1, True)


def test_the_build_stops_on_a_pipe_as_mkdocs_yml_with_its_located_error(site, alarm):
    portal(site)
    make_special(site.root / "mkdocs.yml", "pipe")
    code, out, err = site.run("build", "--build-date", BUILD_DATE.isoformat())
    assert (code, err.splitlines()) == (
        2,
        [
            "mkdocs.yml:1:1: error: This is a named pipe, not an ordinary file, so it cannot be read "
            "(delete it and save the file again as an ordinary file) [file-not-regular]"
        ],
    )


@pytest.mark.parametrize("kind, word", [("socket", "a socket"), ("device", "a device")])
def test_a_socket_or_a_device_named_like_a_story_is_named_as_such(site, alarm, kind, word):
    portal(site)
    make_special(site.root / "stories/bad.md", kind)
    code, out, err = site.run("validate", "--build-date", BUILD_DATE.isoformat())
    assert (code, out.splitlines()) == (
        1,
        [
            f"stories/bad.md:1:1: error: This is {word}, not an ordinary file, so it cannot be read "
            "(delete it and save the file again as an ordinary file) [file-not-regular]"
        ],
    )


def test_a_folder_named_like_a_story_file_is_named_as_such(site, alarm):
    portal(site)
    (site.root / "stories/bad/index.md").mkdir(parents=True)
    code, out, err = site.run("validate", "--build-date", BUILD_DATE.isoformat())
    assert located(out, "stories/bad/index.md") == [
        "stories/bad/index.md:1:1: error: This is a folder, not an ordinary file, so it cannot be read "
        "(delete it and save the file again as an ordinary file) [file-not-regular]"
    ]


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != ["validate"]], ids=" ".join)
def test_every_command_names_a_pipe_as_the_registry(site, alarm, command):
    portal(site)
    make_special(site.root / "advocates.yaml", "pipe")
    code, out, err = site.run(*command, "--build-date", BUILD_DATE.isoformat())
    assert (code in (1, 2), len(located(err, "advocates.yaml")), "Traceback" in err) == (True, 1, False)


def test_reading_a_pipe_raises_at_once_instead_of_waiting_for_a_writer(tmp_path, alarm):
    os.mkfifo(tmp_path / "pipe.md")
    with pytest.raises(NotRegularFile, match="is a named pipe"):
        read_regular(tmp_path / "pipe.md")
