"""What a result kept between builds was computed by: this package's code and the libraries it reads with."""

from __future__ import annotations

import functools
import hashlib
import sys
import unicodedata
from importlib import metadata
from pathlib import Path

# The libraries whose behaviour a kept verdict depends on: text normalising and matching
# (ahocorasick-rs, anyascii), image metadata (Pillow), Markdown bodies (markdown, nh3).
LIBRARIES = ("ahocorasick-rs", "anyascii", "pillow", "markdown", "nh3")


@functools.cache
def code_version() -> str:
    """This package's Python source, the LIBRARIES' versions, Python's and its Unicode tables':
    any change to how text is read, normalised or matched makes a kept result stale."""
    package = Path(__file__).resolve().parent.parent
    source = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        source.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    libraries = ",".join(f"{name}={_version(name)}" for name in LIBRARIES)
    python = ".".join(map(str, sys.version_info[:3]))
    return f"{source.hexdigest()}:{libraries}:{python}:{unicodedata.unidata_version}"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"
