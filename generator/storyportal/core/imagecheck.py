"""Is a file really an image of a sane size? Header-only checks, bounded time and memory."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import PIL
from PIL import Image

from storyportal.core.config import PortalConfig
from storyportal.core.paths import PathProblem, resolve_ref
from storyportal.core.userfiles import NOT_REGULAR, read_regular, special_kind

# The WebP encoder refuses a side over 16,383 pixels; copies are never larger than the original,
# so an original within the limit always encodes (JPEG's limit, 65,535, is higher).
MAX_SIDE = 16_383
# The image files a story or the registry may name: Pillow's format name -> the name endings it may have.
FORMATS = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg"), "WEBP": (".webp",), "GIF": (".gif",)}
FORMAT_NAMES = "PNG, JPEG, WebP or GIF"  # the same, for people
IMAGE_SUFFIXES = frozenset(suffix for suffixes in FORMATS.values() for suffix in suffixes)


def resolve_image(root: Path, base: str, ref: str, config: PortalConfig) -> tuple[str | None, PathProblem | None]:
    """Resolve ``ref`` like any file reference, then check the file is a sane image.

    Returns the repository path, or None and the problem to report where ``ref`` was written.
    """
    rel, problem = resolve_ref(root, base, ref)
    if rel is None or problem is not None:
        return None, problem
    problem = image_problem(root, rel, config)
    return (None, problem) if problem is not None else (rel, None)


def image_problem(root: Path, rel: str, config: PortalConfig) -> PathProblem | None:
    """What is wrong with the image file at the repository path ``rel``, within the site's limits; or None."""
    return inspect_image(root / rel, config.max_image_bytes, config.max_image_pixels)[1]


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def inspect_image(path: Path, max_bytes: int, max_pixels: int) -> tuple[ImageInfo | None, PathProblem | None]:
    """Read only the header (and verify the data stream) of ``path``."""
    stat = path.stat()
    kind = special_kind(stat.st_mode)
    if kind is not None:  # a pipe would never finish reading, a device never end
        return None, PathProblem(
            NOT_REGULAR,
            f"'{path.name}' is {kind}, not an ordinary file, so it cannot be read",
            "add the image file itself",
        )
    size = stat.st_size
    if size > max_bytes:
        return None, PathProblem(
            "image-too-large",
            f"'{path.name}' is {size // 1_000_000} MB; the limit is {max_bytes // 1_000_000} MB",
            "export it smaller, around 2000 pixels wide",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                info = ImageInfo(img.format or "", img.width, img.height)
                if info.width * info.height > max_pixels:
                    return None, _too_many_pixels(path, info, max_pixels)
                if max(info.width, info.height) > MAX_SIDE:
                    return None, _too_long_side(path, info)
            _decode_once(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, PathProblem(
            "image-too-large", f"'{path.name}' claims an enormous size in pixels", "export it again at a normal size"
        )
    except Exception:  # Pillow raises many types for broken files; all mean the same here
        return None, PathProblem(
            "image-invalid",
            f"'{path.name}' is not a readable {FORMAT_NAMES} image",
            "export it again as PNG or JPEG",
        )
    return _check_format(path, info)


class DecodeLog(Protocol):
    """Keys (``decode_key``) of image files already decoded in full; kept by the build between runs."""

    def __contains__(self, key: object) -> bool: ...

    def add(self, key: str) -> None: ...

    def __hash__(self) -> int: ...  # part of the key of the in-process cache of verdicts


_decode_logs: list[DecodeLog] = []  # the innermost ``remembering_decodes`` wins


@contextlib.contextmanager
def remembering_decodes(log: DecodeLog | None) -> Iterator[None]:
    """Within this block, an image whose bytes ``log`` holds is not decoded again, and every
    image that decodes is added to it. Decoding is most of what validation costs (1.7 s of CPU
    for 1,500 images) and its verdict is a function of the bytes alone."""
    if log is None:
        yield
        return
    _decode_logs.append(log)
    try:
        yield
    finally:
        _decode_logs.remove(log)


def decode_key(data: bytes) -> str:
    """What a decode log holds for a file: its SHA-256, and the Pillow version that decoded it."""
    return _decode_key(hashlib.sha256(data))


def _decode_key(hasher: hashlib._Hash) -> str:
    return f"{hasher.hexdigest()}:{PIL.__version__}"


def file_hasher(path: str | Path) -> hashlib._Hash:
    """A SHA-256 hasher fed with the file's bytes (a copy: extend it freely). Hashed once per
    process while the file's size, times and inode are the same: validation's decode check and
    the image plan both need it, 120 MB of images at 1,000 stories."""
    stat = os.stat(path)
    return _hasher(str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino).copy()


@functools.lru_cache(maxsize=65_536)
def _hasher(path: str, size: int, mtime_ns: int, ctime_ns: int, ino: int) -> hashlib._Hash:  # noqa: ARG001 (they key the cache)
    return hashlib.sha256(read_regular(path))


def _decode_once(path: Path) -> None:
    stat = path.stat()
    _decode(str(path), stat.st_size, stat.st_mtime_ns, _decode_logs[-1] if _decode_logs else None)


# A preview checks every image again on every save: unchanged files (same size and time) are
# neither decoded nor read again. Large enough for 10,000 stories' images: a smaller LRU cache
# visited in the same order every time would keep none of them.
@functools.lru_cache(maxsize=65_536)
def _decode(path: str, size: int, mtime_ns: int, log: DecodeLog | None) -> None:  # noqa: ARG001 (size and time key the cache)
    """Verify the data stream, then decode the pixels, as rendering will: a truncated file passes
    verify() (a JPEG's check reads no pixel data) and would otherwise abort the build. A JPEG
    decodes at 1/8 scale, which still reads all of its data, in a tenth of the time. Raises for a
    broken file (never cached). With a decode ``log``, a file whose bytes it holds (they verified
    and decoded before) is neither verified nor decoded again."""
    key = _decode_key(file_hasher(path)) if log is not None else ""
    if log is not None and key in log:
        return
    with Image.open(path) as img:
        img.verify()
    with Image.open(path) as img:  # verify() leaves its image unusable: open a fresh one
        img.draft(img.mode, (max(1, img.width // 8), max(1, img.height // 8)))
        img.load()
    if log is not None:
        log.add(key)  # only once it decoded: a broken file is decoded (and reported) every time


def _too_many_pixels(path: Path, info: ImageInfo, max_pixels: int) -> PathProblem:
    return PathProblem(
        "image-too-large",
        f"'{path.name}' is {info.width}x{info.height} pixels; the limit is {max_pixels:,} pixels",
        "export it smaller, around 2000 pixels wide",
    )


def _too_long_side(path: Path, info: ImageInfo) -> PathProblem:
    return PathProblem(
        "image-too-large",
        f"'{path.name}' is {info.width}x{info.height} pixels; "
        f"images may be at most {MAX_SIDE:,} pixels wide or high, the limit of the WebP copies the site makes",
        "crop it, or export it at a normal size",
    )


def _check_format(path: Path, info: ImageInfo) -> tuple[ImageInfo | None, PathProblem | None]:
    if info.format not in FORMATS:
        return None, PathProblem(
            "image-invalid", f"'{path.name}' is a {info.format or 'unknown'} file; {FORMAT_NAMES} is expected"
        )
    if path.suffix.lower() not in FORMATS[info.format]:
        return None, PathProblem(
            "image-invalid",
            f"'{path.name}' is really a {info.format} image, but its name ends in '{path.suffix}'",
            f"rename it to end in {FORMATS[info.format][0]}",
        )
    return info, None
