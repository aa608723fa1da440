"""Images the site needs: logos, photos, heroes, body images and Open Graph cards.

Names come from content hashes (images.py, cards.py) before any pixel work, and
rendered files live in the image cache (imagecache.py), so a rebuild with no new image
does none. What the cache lacks is encoded in parallel, one process per core: each file is
a pure function of its inputs, so the output is the same bytes whatever the worker count.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from storyportal.core.config import PortalConfig
from storyportal.core.issues import Issue
from storyportal.site import cards, images
from storyportal.site.context import ImageTag
from storyportal.site.imagecache import ImageCache, cache_folder, check_location

WORKERS_ENV = "STORYPORTAL_IMAGE_WORKERS"
PROGRESS_EVERY = 2.0
POOL_MIN_JOBS_PER_WORKER = 4  # seconds between progress lines while images are rendered

# What one worker does at a time: the missing renditions of one source (decoded once), or a card.
Job = tuple[images.Rendition, ...] | cards.CardParams


class MediaPlanner:
    """Plans image tags while pages are planned; renders (or reuses) files for the plugin."""

    def __init__(self, root: Path, cache: ImageCache, hero_widths: list[int] | None = None, workers: int = 1):
        self.root = root
        self.cache = cache
        self.hero_widths = hero_widths
        self.workers = workers
        self._sets: dict[tuple[str, str], images.ImageSet] = {}
        self._tags: dict[tuple[str, str], ImageTag] = {}
        self._last_tags: dict[tuple[str, str], ImageTag] = {}  # the last build's, to hand out again when equal
        self._cards: dict[str, cards.CardParams] = {}  # card site path -> params
        self._logo_stamps: dict[str, tuple[int, int] | None] = {}  # logo -> (mtime_ns, size), this build
        self._held_paths: dict[str, tuple[Path, str]] = {}  # cache name -> its path (and as text), made once
        # slug -> (story, what else names its card, (name, params)): kept across builds
        self._card_names: dict[str, tuple[object, tuple, tuple[str, cards.CardParams]]] = {}

    def reset(self) -> None:
        """Forget what the last build used (the files stay cached on disk)."""
        self._last_tags = self._tags or self._last_tags
        self._sets, self._tags, self._cards, self._logo_stamps = {}, {}, {}, {}

    def image_set(self, repo_path: str, kind: str) -> images.ImageSet:
        key = (repo_path, kind)
        if key not in self._sets:
            widths = images.widths_for(kind, self.hero_widths)
            self._sets[key] = images.plan_image(self.root, repo_path, widths, kind)
        return self._sets[key]

    def image_tag(self, repo_path: str, kind: str) -> ImageTag:
        key = (repo_path, kind)
        if key not in self._tags:  # asked by every page that shows the image: a logo by dozens
            found = self.image_set(repo_path, kind)
            fallback = found.fallback
            webp = tuple((r.output, r.width) for r in found.webp)
            tag = ImageTag(fallback.output, fallback.width, fallback.height, webp)
            # The same object as last build's when equal: the preview compares pages' inputs, which hold
            # tags, and a tuple of the same objects compares without looking inside them.
            last = self._last_tags.get(key)
            self._tags[key] = last if last == tag else tag
        return self._tags[key]

    def logo_url(self, repo_path: str) -> str:
        return self.image_tag(repo_path, "logo").src

    def card_path(self, story, logo: str | None, industry: str, type_label: str) -> str:
        # Kept per story while the story is the same object and its logo file the same version:
        # naming a card normalises its text and hashes it (10,000 per preview rebuild otherwise).
        inputs = (logo, industry, type_label, self._logo_stamp(logo))
        kept = self._card_names.get(story.slug)
        if kept is None or kept[0] is not story or kept[1] != inputs or inputs[3] is None:
            kept = (story, inputs, self._plan_card(story, logo, industry, type_label))
            self._card_names[story.slug] = kept
        name, params = kept[2]
        self._cards[name] = params
        return name

    def _logo_stamp(self, logo: str | None) -> tuple[int, int] | None:
        """The logo file's (mtime_ns, size), once per build and logo; None when it cannot be read."""
        if not logo:
            return (0, 0)
        if logo not in self._logo_stamps:
            try:
                found = os.stat(self.root / logo)
                self._logo_stamps[logo] = (found.st_mtime_ns, found.st_size)
            except OSError:
                self._logo_stamps[logo] = None
        return self._logo_stamps[logo]

    def _plan_card(self, story, logo: str | None, industry: str, type_label: str) -> tuple[str, cards.CardParams]:
        params = cards.plan_card(
            self.root,
            title=story.title,
            company=story.company.name,
            logo=logo,
            industry=industry,
            type=type_label,
            lang=story.lang,
        )
        return cards.card_name(params), params

    def _held(self, name: str, held: Callable[[str, str], bool] | None) -> Path | None:
        if held is None:
            return None
        path, text = _cache_path(self.cache.folder, name, self._held_paths)
        return path if held(name, text) else None

    def body_image(self, repo_path: str) -> Path:
        """A body image's stripped copy, from the cache (body images are few: no pool)."""
        return images.stripped_copy(self.root, repo_path, self.cache)

    def planned(self) -> dict[str, images.Rendition | cards.CardParams]:
        """Every planned file by its site path, with what renders it."""
        found: dict[str, images.Rendition | cards.CardParams] = {
            r.output: r for s in self._sets.values() for r in s.renditions
        }
        found.update(self._cards)
        return found

    def outputs(
        self, progress: Callable[[str], None] | None = None, held: Callable[[str, str], bool] | None = None
    ) -> dict[str, Path]:
        """Every planned file, rendered into the cache first if the cache lacks it.

        ``progress`` receives a line now and then while images are rendered (the plugin
        passes its MkDocs logger, so a first build is not a silent minute).
        ``held(name, path)``: the preview's answer whether its site already holds the cache file
        ``path`` as ``name`` from an earlier rebuild; such a file is not looked up in the cache again
        (a cache name stands for its content; 9,000 ``lstat`` calls a rebuild at 10,000 stories).
        """
        found, missing = {}, []
        for name, plan in sorted(self.planned().items()):
            cached = self._held(name, held) or self.cache.get(name)
            if cached is None:
                missing.append(plan)
            else:
                found[name] = cached
        for name, content in render_jobs(group_jobs(missing), self.root, self.workers, progress):
            found[name] = self.cache.put(name, content)
        return dict(sorted(found.items()))


def _cache_path(folder: Path, name: str, paths: dict[str, tuple[Path, str]]) -> tuple[Path, str]:
    """The cache file's path for ``name``, and as text, made once."""
    found = paths.get(name)
    if found is None:
        path = folder / name
        found = paths[name] = (path, str(path))
    return found


def group_jobs(missing: list[images.Rendition | cards.CardParams]) -> list[Job]:
    """One job per card, and one per source image for all its missing renditions."""
    by_source: dict[str, list[images.Rendition]] = {}
    jobs: list[Job] = []
    for plan in missing:
        if isinstance(plan, images.Rendition):
            by_source.setdefault(plan.source_hash, []).append(plan)
        else:
            jobs.append(plan)
    # The costliest sources first (by output pixels: a camera photo, then large icons), and the
    # cards (16 ms each) last, so the pool does not end with one worker on a photo and one idle.
    groups = sorted(by_source.values(), key=lambda group: (-sum(r.width * r.height for r in group), group[0].output))
    return [tuple(group) for group in groups] + jobs


def render(job: Job, root: Path) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` of the files of one job (runs in a worker process)."""
    if isinstance(job, cards.CardParams):
        return [(cards.card_name(job), cards.encode_card(job, root))]
    return list(zip([r.output for r in job], images.encode_renditions(root, list(job))))


def render_jobs(
    jobs: list[Job], root: Path, workers: int, progress: Callable[[str], None] | None = None
) -> Iterator[tuple[str, bytes]]:
    """``(name, bytes)`` of every file of every job, as jobs finish; a pool when there is work for it."""
    # Starting the pool costs about a second: a handful of images (a preview edit) is done sooner without.
    workers = max(1, min(workers, len(jobs) // POOL_MIN_JOBS_PER_WORKER))
    meter = Progress(sum(len(job) if isinstance(job, tuple) else 1 for job in jobs), workers, progress)
    if workers == 1:
        for job in jobs:
            yield from meter.count(render(job, root))
        return
    # forkserver, not fork: `serve` has threads, and a forked child could inherit a held lock.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # imported once in the server, not in every worker
    left = dict(enumerate(jobs))
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {pool.submit(render, job, root): number for number, job in left.items()}
            for future in as_completed(futures):
                yield from meter.count(future.result())
                del left[futures[future]]
    except BrokenProcessPool:
        # Workers that cannot start (a program read from stdin has no main module to import
        # again) or that were killed: what is left is rendered here, one job after another.
        for job in left.values():
            yield from meter.count(render(job, root))


PROGRESS_MIN_IMAGES = 10


class Progress:
    """``rendering 412 images, 2 workers... 35%``: a first line, then one every few seconds."""

    def __init__(
        self, total: int, workers: int, say: Callable[[str], None] | None, clock: Callable[[], float] = time.monotonic
    ):
        # A few images take a moment: only long image work (a first build) gets a progress line.
        self.total, self.done, self.clock = total, 0, clock
        self.say = say if total >= PROGRESS_MIN_IMAGES else None
        self.line = f"rendering {_count(total, 'image')}, {_count(workers, 'worker')}..."
        self.last = clock()
        if self.say:
            self.say(self.line)

    def count(self, files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        """Count ``files`` as done; returns them."""
        self.done += len(files) - 1
        self.step()
        return files

    def step(self) -> None:
        self.done += 1
        now = self.clock()
        if self.say and (now - self.last >= PROGRESS_EVERY or self.done == self.total):
            self.last = now
            self.say(f"{self.line} {100 * self.done // self.total}%")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def worker_count(configured: int | None, environ: Mapping[str, str] = os.environ) -> tuple[int, str | None]:
    """Workers from ``$STORYPORTAL_IMAGE_WORKERS``, else the config, else one per usable core."""
    text = environ.get(WORKERS_ENV, "").strip()
    if text:
        if not text.isdigit() or not 1 <= int(text) <= 64:
            return 1, f"{WORKERS_ENV} must be a whole number from 1 to 64, not {text!r}"
        return int(text), None
    if configured:
        return configured, None
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    return max(1, len(cores)), None


def open_media(
    root: Path, config: PortalConfig, environ: Mapping[str, str] = os.environ
) -> tuple[MediaPlanner | None, Issue | None]:
    """The planner of a portal with its cache and worker count, or why the settings cannot be used."""
    folder = cache_folder(root, config.cache_dir, environ)
    folder.mkdir(parents=True, exist_ok=True)  # git matches folder patterns (`/.cache/`) only on folders
    problem = check_location(folder, root)
    if problem:
        hint = "remove cache_dir to use ~/.cache/storyportal, or choose a folder git ignores"
        message = f"{problem}: a file put there could be published in place of a rendered image"
        return None, Issue("mkdocs.yml", 0, 0, "config-cache-unsafe", message, hint=hint)
    workers, problem = worker_count(config.image_workers, environ)
    if problem:
        return None, Issue(WORKERS_ENV, 0, 0, "config-invalid-value", problem)
    return MediaPlanner(root, ImageCache(folder), list(config.image_widths), workers), None
