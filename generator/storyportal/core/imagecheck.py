"""Is a file really an image of a sane size? Header-only checks, bounded time and memory."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from storyportal.core.config import PortalConfig
from storyportal.core.paths import PathProblem, resolve_ref

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
    size = path.stat().st_size
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
                img.verify()
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


def _too_many_pixels(path: Path, info: ImageInfo, max_pixels: int) -> PathProblem:
    return PathProblem(
        "image-too-large",
        f"'{path.name}' is {info.width}x{info.height} pixels; the limit is {max_pixels:,} pixels",
        "export it smaller, around 2000 pixels wide",
    )


def _check_format(path: Path, info: ImageInfo):
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
