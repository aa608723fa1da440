"""Video URLs from an allowlist of providers, parsed strictly.

Only exact host names are accepted (``youtube.com.evil.example`` is not YouTube),
only ``https``, no user info, no port, and ids of the provider's own shape, so an
id can be put in a player URL without escaping surprises.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from storyportal.core.model import Video

_YT_ID = re.compile(r"[A-Za-z0-9_-]{11}\Z")
_DIGITS = re.compile(r"[0-9]{1,12}\Z")
_WISTIA_ID = re.compile(r"[a-z0-9]{10}\Z")
_LOOM_ID = re.compile(r"[0-9a-f]{32}\Z")
_WISTIA_ACCOUNT = re.compile(r"[a-z0-9-]{1,63}\.wistia\.com\Z")

PROVIDERS = "YouTube, Vimeo, Wistia or Loom"


def _youtube(host: str, path: str, query: str) -> str | None:
    if host == "youtu.be":
        return path[1:]
    if host in ("youtube.com", "www.youtube.com", "m.youtube.com") and path == "/watch":
        return (parse_qs(query).get("v") or [""])[0]
    for prefix in ("/embed/", "/shorts/", "/live/"):
        if path.startswith(prefix) and host in ("youtube.com", "www.youtube.com", "www.youtube-nocookie.com"):
            return path[len(prefix) :]
    return None


def _vimeo(host: str, path: str) -> str | None:
    if host in ("vimeo.com", "www.vimeo.com"):
        return path[1:]
    if host == "player.vimeo.com" and path.startswith("/video/"):
        return path[len("/video/") :]
    return None


def _wistia(host: str, path: str) -> str | None:
    if host == "fast.wistia.net" and path.startswith("/embed/iframe/"):
        return path[len("/embed/iframe/") :]
    if (host == "fast.wistia.com" and path.startswith("/embed/medias/")) or (
        _WISTIA_ACCOUNT.match(host) and path.startswith("/medias/")
    ):
        return path.rsplit("/", 1)[-1]
    return None


def _loom(host: str, path: str) -> str | None:
    if host in ("loom.com", "www.loom.com"):
        for prefix in ("/share/", "/embed/"):
            if path.startswith(prefix):
                return path[len(prefix) :]
    return None


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
    path = parts.path.rstrip("/")
    found = _match(host, path, parts.query)
    if found is None:
        return None, f"only {PROVIDERS} addresses are allowed"
    provider, video_id = found
    return Video(
        provider, video_id, _watch_url(provider, video_id), _embed_url(provider, video_id), duration, transcript
    ), ""


def _match(host: str, path: str, query: str) -> tuple[str, str] | None:
    candidates = (
        ("youtube", _youtube(host, path, query), _YT_ID),
        ("vimeo", _vimeo(host, path), _DIGITS),
        ("wistia", _wistia(host, path), _WISTIA_ID),
        ("loom", _loom(host, path), _LOOM_ID),
    )
    for provider, video_id, shape in candidates:
        if video_id is not None:
            return (provider, video_id) if shape.match(video_id) else None
    return None


def _watch_url(provider: str, video_id: str) -> str:
    return {
        "youtube": f"https://www.youtube.com/watch?v={video_id}",
        "vimeo": f"https://vimeo.com/{video_id}",
        "wistia": f"https://fast.wistia.net/embed/iframe/{video_id}",
        "loom": f"https://www.loom.com/share/{video_id}",
    }[provider]


def _embed_url(provider: str, video_id: str) -> str:
    return {
        "youtube": f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1&rel=0",
        "vimeo": f"https://player.vimeo.com/video/{video_id}?dnt=1&autoplay=1",
        "wistia": f"https://fast.wistia.net/embed/iframe/{video_id}?autoPlay=true",
        "loom": f"https://www.loom.com/embed/{video_id}?autoplay=1",
    }[provider]
