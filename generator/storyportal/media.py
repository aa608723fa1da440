"""Images the site needs: logos, photos, heroes and body images, named by content hash."""

from __future__ import annotations

import hashlib
import posixpath
from pathlib import Path

from PIL import Image

from .context import ImageTag


class MediaPlanner:
    """Decides output names from file contents; the plugin copies the files it lists."""

    def __init__(self, root: Path, cache_dir: Path):
        self.root = root
        self.cache_dir = cache_dir
        self._outputs: dict[str, Path] = {}
        self._tags: dict[tuple, ImageTag] = {}

    def image_tag(self, repo_path: str, kind: str) -> ImageTag | None:
        source = self.root / repo_path
        key = (repo_path, kind)
        if key not in self._tags:
            digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
            name = f"img/{digest}{posixpath.splitext(repo_path)[1].lower()}"
            with Image.open(source) as img:
                width, height = img.size
            self._tags[key] = ImageTag(name, width, height)
            self._outputs[name] = source
        return self._tags[key]

    def logo_url(self, repo_path: str) -> str:
        return self.image_tag(repo_path, "logo").src

    def outputs(self) -> dict[str, Path]:
        return dict(self._outputs)

    def write_cards(self, plan, portal) -> None:
        """Open Graph cards are added by cards.py when present."""
