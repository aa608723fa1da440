"""What a result kept between builds was computed by: this package's code and the libraries it reads with."""

from __future__ import annotations

import functools
import hashlib
import sys
import unicodedata
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

# The libraries whose behaviour a kept result depends on: text normalising and matching
# (ahocorasick-rs, anyascii), image metadata (Pillow), Markdown bodies (markdown, nh3), YAML
# (PyYAML, and whether its C parser is in use: see core/yamlload.py) and shape checks (pydantic).
LIBRARIES = ("ahocorasick-rs", "anyascii", "pillow", "markdown", "nh3", "pyyaml", "pydantic", "pydantic-core")


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
    return f"{source.hexdigest()}:{libraries}:{_libyaml()}:{python}:{unicodedata.unidata_version}"


def _libyaml() -> str:
    import yaml  # noqa: PLC0415 (only here: this module is read before anything else is needed)

    return f"libyaml={getattr(yaml, '__with_libyaml__', False)}"


def made_for(*groups: Iterable[Iterable[str]]) -> str:
    """A digest of what a kept result was reached with: the code, and each group of values (each
    value a tuple of texts). Every text and every group is prefixed with its length, so no text,
    whatever characters it holds, can make two different groups read the same."""
    digest = hashlib.sha256(code_version().encode())
    for group in groups:
        items = sorted(tuple(item) for item in group)
        digest.update(len(items).to_bytes(8, "big"))
        for item in items:
            digest.update(len(item).to_bytes(8, "big"))
            for text in item:
                data = text.encode("utf-8", "surrogatepass")
                digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"
