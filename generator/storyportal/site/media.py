"""Images the site needs: logos, photos, heroes, body images and Open Graph cards.

Names come from content hashes (images.py, cards.py) before any pixel work, and
rendered files live in a cache folder, so a rebuild with no new image does none.
"""

from __future__ import annotations

from pathlib import Path

from storyportal.site import cards, images
from storyportal.site.context import ImageTag


class MediaPlanner:
    """Plans image tags while pages are planned; renders (or reuses) files for the plugin."""

    def __init__(self, root: Path, cache_dir: Path, hero_widths: list[int] | None = None):
        self.root = root
        self.cache_dir = cache_dir
        self.hero_widths = hero_widths
        self._sets: dict[tuple[str, str], images.ImageSet] = {}
        self._cards: dict[str, cards.CardParams] = {}  # card site path -> params

    def reset(self) -> None:
        """Forget what the last build used (the files stay cached on disk)."""
        self._sets, self._cards = {}, {}

    def image_set(self, repo_path: str, kind: str) -> images.ImageSet:
        key = (repo_path, kind)
        if key not in self._sets:
            widths = images.widths_for(kind, self.hero_widths)
            self._sets[key] = images.plan_image(self.root, repo_path, widths, kind)
        return self._sets[key]

    def image_tag(self, repo_path: str, kind: str) -> ImageTag:
        found = self.image_set(repo_path, kind)
        fallback = found.fallback
        return ImageTag(
            fallback.output, fallback.width, fallback.height, tuple((r.output, r.width) for r in found.webp)
        )

    def logo_url(self, repo_path: str) -> str:
        return self.image_tag(repo_path, "logo").src

    def card_path(self, story, logo: str | None, industry: str, type_label: str) -> str:
        params = cards.plan_card(
            self.root,
            title=story.title,
            company=story.company.name,
            logo=logo,
            industry=industry,
            type=type_label,
            lang=story.lang,
        )
        name = cards.card_name(params)
        self._cards[name] = params
        return name

    def outputs(self) -> dict[str, Path]:
        """Every planned file, rendered into the cache if it is not there yet."""
        found = {}
        for image_set in self._sets.values():
            for rendition in image_set.renditions:
                found[rendition.output] = images.render_rendition(self.root, rendition, self.cache_dir)
        for name, params in self._cards.items():
            found[name] = cards.render_card(params, self.root, self.cache_dir)
        return found
