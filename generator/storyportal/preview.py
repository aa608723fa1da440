"""Preview speed: reuse a story page's last output when nothing it depends on changed.

Only while serving. The key covers everything a story page is made from: its
planned view (record, body, related stories), its images, the navigation, the
theme files and mkdocs.yml, so a reused page is byte-for-byte what a full build
would write. Anything else (home, indexes, sitemap, search) is always rebuilt.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

CACHED_TEMPLATE = "storyportal/cached.html"


def key(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def site_fingerprint(config, nav) -> str:
    """What every page shares: settings, navigation and theme files."""
    theme = [(str(p), p.stat().st_mtime_ns, p.stat().st_size)
             for d in config.theme.dirs if Path(d).is_dir() for p in sorted(Path(d).rglob("*")) if p.is_file()]
    config_bytes = Path(config.config_file_path).read_bytes()
    return key(config_bytes, config.site_url, _nav_repr(nav.items), theme)


def _nav_repr(items) -> list:
    return [(getattr(i, "title", None), getattr(i, "url", None), _nav_repr(getattr(i, "children", None) or []))
            for i in items]


def story_images(view) -> list[tuple[str, str]]:
    found = []
    if view.card.logo:
        found.append((view.card.logo, "logo"))
    if view.story.image:
        found.append((view.story.image, "hero"))
    if view.story.primary.photo:
        found.append((view.story.primary.photo, "photo"))
    return found


def add_cached_template(env):
    """A one-line template that prints the stored output (``sp_cached``)."""
    import jinja2

    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({CACHED_TEMPLATE: "{{ sp_cached }}"}), env.loader])
    return env
