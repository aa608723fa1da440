"""Video URLs from an allowlist of providers, parsed strictly.

Only exact host names are accepted (``youtube.com.evil.example`` is not YouTube),
only ``https``, no user info, no port, and ids of the provider's own shape, so an
id can be put in a player URL without escaping surprises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from storyportal.core.model import Video, or_list

_WISTIA_ACCOUNT = re.compile(r"[a-z0-9-]{1,63}\.wistia\.com\Z")


def _youtube(host: str, path: str, query: str) -> str | None:
    if host == "youtu.be":
        return path[1:]
    if host in ("youtube.com", "www.youtube.com", "m.youtube.com") and path == "/watch":
        return (parse_qs(query).get("v") or [""])[0]
    for prefix in ("/embed/", "/shorts/", "/live/"):
        if path.startswith(prefix) and host in ("youtube.com", "www.youtube.com", "www.youtube-nocookie.com"):
            return path[len(prefix) :]
    return None


def _vimeo(host: str, path: str, _query: str) -> str | None:
    if host in ("vimeo.com", "www.vimeo.com"):
        return path[1:]
    if host == "player.vimeo.com" and path.startswith("/video/"):
        return path[len("/video/") :]
    return None


def _wistia(host: str, path: str, _query: str) -> str | None:
    if host == "fast.wistia.net" and path.startswith("/embed/iframe/"):
        return path[len("/embed/iframe/") :]
    if (host == "fast.wistia.com" and path.startswith("/embed/medias/")) or (
        _WISTIA_ACCOUNT.match(host) and path.startswith("/medias/")
    ):
        return path.rsplit("/", 1)[-1]
    return None


def _loom(host: str, path: str, _query: str) -> str | None:
    if host in ("loom.com", "www.loom.com"):
        for prefix in ("/share/", "/embed/"):
            if path.startswith(prefix):
                return path[len(prefix) :]
    return None


@dataclass(frozen=True)
class Provider:
    """One video host: the addresses writers paste, and the player a visitor's click loads.

    There is no thumbnail rule: the facade shows the story's own image, so no page ever
    loads a picture from a video host.
    """

    key: str  # Video.provider
    name: str  # for people: "Watch on YouTube"
    find_id: Callable[[str, str, str], str | None]  # (host, path, query) -> id, None if not its address
    id_shape: re.Pattern[str]
    watch: str  # canonical watch URL; {id} is the video id
    embed: str  # privacy-friendly player URL; its origin is all the CSP and the facade script allow

    @property
    def embed_origin(self) -> str:
        parts = urlsplit(self.embed)
        return f"{parts.scheme}://{parts.netloc}"


PROVIDERS = (
    Provider(
        "youtube",
        "YouTube",
        _youtube,
        re.compile(r"[A-Za-z0-9_-]{11}\Z"),
        "https://www.youtube.com/watch?v={id}",
        "https://www.youtube-nocookie.com/embed/{id}?autoplay=1&rel=0",
    ),
    Provider(
        "vimeo",
        "Vimeo",
        _vimeo,
        re.compile(r"[0-9]{1,12}\Z"),
        "https://vimeo.com/{id}",
        "https://player.vimeo.com/video/{id}?dnt=1&autoplay=1",
    ),
    Provider(
        "wistia",
        "Wistia",
        _wistia,
        re.compile(r"[a-z0-9]{10}\Z"),
        "https://fast.wistia.net/embed/iframe/{id}",
        "https://fast.wistia.net/embed/iframe/{id}?autoPlay=true",
    ),
    Provider(
        "loom",
        "Loom",
        _loom,
        re.compile(r"[0-9a-f]{32}\Z"),
        "https://www.loom.com/share/{id}",
        "https://www.loom.com/embed/{id}?autoplay=1",
    ),
)
PROVIDER_NAMES = or_list([p.name for p in PROVIDERS])  # YouTube, Vimeo, Wistia or Loom
EMBED_ORIGINS = tuple(p.embed_origin for p in PROVIDERS)


def provider(key: str) -> Provider:
    """The provider of a parsed video (``Video.provider``)."""
    return next(p for p in PROVIDERS if p.key == key)


def parse_video_url(url: str, duration: str | None = None, transcript: bool = False) -> tuple[Video | None, str]:
    """Return the video, or None and a plain-words reason."""
    if any(c.isspace() or ord(c) < 32 for c in url):
        return None, "the address contains spaces or invisible characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None, "the address is not a valid URL"
    if parts.scheme != "https":
        return None, "the address must start with https://"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc or port is not None:
        return None, "the address must not contain a user name, '@' or a port"
    host = (parts.hostname or "").rstrip(".")
    found = _match(host, parts.path.rstrip("/"), parts.query)
    if found is None:
        return None, f"only {PROVIDER_NAMES} addresses are allowed"
    source, video_id = found
    watch, embed = source.watch.format(id=video_id), source.embed.format(id=video_id)
    return Video(source.key, video_id, watch, embed, duration, transcript), ""


def _match(host: str, path: str, query: str) -> tuple[Provider, str] | None:
    """The first provider whose address this is, and the id, if the id has that provider's shape."""
    for source in PROVIDERS:
        video_id = source.find_id(host, path, query)
        if video_id is not None:
            return (source, video_id) if source.id_shape.match(video_id) else None
    return None
