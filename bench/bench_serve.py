"""Benchmark: from saving a file to the changed page being served by ``storyportal serve``.

    python3 bench/bench_serve.py [--sizes 1000,10000] [--repeats 5] [--edits body,new,revoke] [--no-plain] [--no-search] [--json [FILE]]

For each size it keeps its own copies of a synthetic portal and of the plain MkDocs site
with the same Markdown (``bench/out/serve-{portal,plain}-<N>-s<seed>``; generated with
``synth.make_portal`` / ``make_plain_site``, regenerated when ``synth.py`` changes or a run
was interrupted mid-edit). The portal's image/card cache is copied from
``bench/out/build-portal-<N>-s<seed>`` (bench_build.py) when there is one, so that the first
build does not draw every card.

It starts ``storyportal serve -a 127.0.0.1:<free port>`` (subprocess, cwd = the portal,
its own process group), waits for the first build (GET / until 200), then measures,
``--repeats`` times each, the seconds from writing a file to the changed page over HTTP:

  body     append a unique sentence to a published story; poll /stories/<slug>/ for it;
  new      write a new story (a copy of a published one, new slug, unique title);
           poll /stories/<new-slug>/ until 200 with the title;
  revoke   set ``revoked: true`` on the consent of the story's advocate in advocates.yaml;
           poll the story until it shows the preview error ("consent-revoked") or loses
           its title; then restore the registry (the restore is timed too).

and the same ``body`` edit against plain ``mkdocs serve -a`` on the plain site (the
baseline: plain MkDocs rebuilds everything). After each measurement it waits until the
server has finished every rebuild and has been idle for a moment.

The server's own log lines are time-stamped as they arrive, which splits each
measurement into: detect (save -> "Detected file changes": ``storyportal serve`` is told by
the system's file events; plain MkDocs' polling watcher looks every ``polling_interval`` s), debounce + build ("Detected" -> "Reloading browsers": MkDocs
waits ``build_delay`` s of quiet, then rebuilds the whole site), and serve (-> the HTTP
response that showed the change). Targets (medians): body <= 1 s, new <= 1.5 s,
revoke <= 3 s.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchkit import OUT, cached_site, emit, int_list, log, make_site  # noqa: E402

TARGETS = {"body": 1.0, "new": 1.5, "revoke": 3.0}
POLL = 0.02  # seconds between HTTP polls
TIMEOUT = 600.0  # a 10,000-story rebuild on a busy machine can be slow


# --------------------------------------------------------------------------- sites


def site_dir(kind: str, size: int, seed: int, prefix: str = "serve") -> Path:
    """bench/out/<prefix>-<kind>-<N>-s<seed>; the profile has its own copy, so it never edits a running server's."""
    out = OUT / f"{prefix}-{kind}-{size}-s{seed}"
    dirty = out / ".bench-editing"

    def make(target: Path) -> None:
        make_site(kind, size, seed)(target)
        for extra in target.glob("stories/bench-new-*"):
            extra.unlink()
        dirty.unlink(missing_ok=True)
    cached_site(out, make, f"{kind}:{size}:{seed}", force=dirty.exists())
    if kind == "portal":
        from bench_build import image_cache

        warm = image_cache(OUT / f"build-portal-{size}-s{seed}")
        if warm.is_dir() and not image_cache(out).is_dir():
            shutil.copytree(warm, image_cache(out))
            log(f"copied the image/card cache from {warm}")
    return out


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A serve subprocess in its own process group; its log lines, time-stamped on arrival."""

    def __init__(self, cmd: list[str], cwd: Path, name: str):
        # storyportal serve re-indexes for search (unless STORYPORTAL_SEARCH=0: --no-search)
        self.search = cmd[-1] == "serve" and "storyportal" in cmd and os.environ.get("STORYPORTAL_SEARCH") != "0"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.name = name
        self.lines: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.logfile = open(OUT / f"{name}.log", "w", encoding="utf-8")
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1",
                   XDG_CACHE_HOME=str(OUT / "cache-home"))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([*cmd, "-a", f"127.0.0.1:{self.port}"], cwd=cwd, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            now = time.perf_counter()
            with self.lock:
                self.lines.append((now, line.rstrip("\n")))
            self.logfile.write(f"{now - self.started:9.3f} {line}")
            self.logfile.flush()

    def count(self, text: str) -> int:
        with self.lock:
            return sum(text in line for _, line in self.lines)

    def events(self, text: str, after: float) -> list[float]:
        with self.lock:
            return [t for t, line in self.lines if text in line and t >= after]

    def last_line_time(self) -> float:
        with self.lock:
            return self.lines[-1][0] if self.lines else self.started

    def wait_first_build(self) -> float:
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.proc.returncode}; see {self.logfile.name}")
            status, _ = get(self.base + "/")
            if status == 200:
                return time.perf_counter() - self.started
            if time.perf_counter() - self.started > TIMEOUT * 2:
                raise SystemExit(f"{self.name}: no first build after {TIMEOUT * 2:.0f}s")
            time.sleep(0.2)

    def last_time(self, text: str) -> float:
        with self.lock:
            return max((t for t, line in self.lines if text in line), default=0.0)

    def wait_idle(self, reloads: int, quiet: float = 1.0) -> None:
        """Until at least ``reloads`` rebuilds finished and nothing new was detected for ``quiet`` s;
        for a server that indexes for search, also until Pagefind re-indexed after the last rebuild (it runs in the
        background and would take a core from the next measurement)."""
        deadline = time.perf_counter() + TIMEOUT
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.proc.returncode}; see {self.logfile.name}")
            done = self.count("Reloading browsers") >= reloads and \
                self.count("Detected file changes") <= self.count("Reloading browsers") + self.count("An error happened")
            if self.search:
                done = done and self.last_time("search: ") > max(self.last_time("Reloading browsers"),
                                                                  self.last_time("Detected file changes"))
            if done and time.perf_counter() - self.last_line_time() >= quiet:
                return
            time.sleep(0.05)
        raise SystemExit(f"{self.name}: still rebuilding after {TIMEOUT:.0f}s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGINT)  # MkDocs shuts down cleanly (removes its temp dir)
                self.proc.wait(timeout=15)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        self.reader.join(timeout=5)
        self.logfile.close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")
    except (TimeoutError, urllib.error.URLError, ConnectionError):
        return 0, ""


# --------------------------------------------------------------------------- one measurement


def measure(server: Server, save, url: str, done) -> dict:
    """Seconds from ``save()`` to the first GET of ``url`` for which ``done(status, html)``."""
    reloads = server.count("Reloading browsers")
    t0 = time.perf_counter()
    save()
    polls = 0
    while True:
        status, html = get(server.base + url)
        polls += 1
        if done(status, html):
            seen = time.perf_counter()
            break
        if server.proc.poll() is not None:
            raise SystemExit(f"{server.name} exited; see {server.logfile.name}")
        if time.perf_counter() - t0 > TIMEOUT:
            raise SystemExit(f"{server.name}: {url} did not change within {TIMEOUT:.0f}s")
        time.sleep(POLL)
    result = {"seconds": seen - t0, "polls": polls}
    detected = server.events("Detected file changes", t0)
    reloaded = server.events("Reloading browsers", t0)
    if detected and reloaded and reloaded[0] <= seen:
        result["detect"] = detected[0] - t0
        result["debounce_build"] = reloaded[0] - detected[0]
        result["serve"] = seen - reloaded[0]
    built = [line for t, line in server.lines if t >= t0 and "Documentation built in" in line]
    if built:
        m = re.search(r"built in ([0-9.]+) seconds", built[0])
        if m:
            result["mkdocs_build"] = float(m.group(1))
    server.wait_idle(reloads + 1)
    result["rebuilds"] = server.count("Reloading browsers") - reloads
    return result


# --------------------------------------------------------------------------- the edits


def story_path(root: Path, slug: str) -> Path:
    flat = root / "stories" / f"{slug}.md"
    return flat if flat.is_file() else root / "stories" / slug / "index.md"


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])


def pick_stories(server: Server, root: Path, registry: dict, count: int) -> list[tuple[str, dict]]:
    """Published stories (page served with its title) whose advocates' consents all hold."""
    advocates = registry["advocates"]
    picked = []
    for path in sorted((root / "stories").glob("*.md")):
        data = front(path)
        if data.get("draft") or not all(a in advocates and not advocates[a]["consent"].get("revoked")
                                         for a in data.get("advocates") or []):
            continue
        if len(data["advocates"]) != 1 or any(other[1]["advocates"][0] == data["advocates"][0] for other in picked):
            continue
        status, html = get(f"{server.base}/stories/{path.stem}/")
        if status == 200 and "sp-preview-errors" not in html and title_in(data["title"], html):
            picked.append((path.stem, data))
            if len(picked) == count:
                return picked
    raise SystemExit(f"found only {len(picked)} published stories to edit")


def title_in(title: str, html: str) -> bool:
    from html import escape

    from markupsafe import escape as jinja_escape
    return any(t in html for t in (escape(title, quote=False), escape(title), str(jinja_escape(title))))


def set_revoked(text: str, advocate: str, value: bool) -> str:
    """advocates.yaml with ``revoked`` of one advocate's consent set; every other byte kept."""
    start = re.search(r"^advocates:\s*$", text, re.M)
    entry = re.compile(rf"^  {re.escape(advocate)}:\s*$", re.M).search(text, start.end())
    if entry is None:
        raise SystemExit(f"advocate {advocate} not found in advocates.yaml")
    nxt = re.compile(r"^  \S", re.M).search(text, entry.end())
    block_end = nxt.start() if nxt else len(text)
    block = text[entry.end():block_end]
    new_block, n = re.subn(r"^(      revoked: )(true|false)\s*$", rf"\g<1>{'true' if value else 'false'}", block,
                           count=1, flags=re.M)
    if n != 1:
        raise SystemExit(f"no 'revoked:' line in the consent of {advocate}")
    new = text[:entry.end()] + new_block + text[block_end:]
    assert yaml.safe_load(new)["advocates"][advocate]["consent"]["revoked"] is value
    return new


def bench_portal(size: int, repeats: int, seed: int, edits: tuple[str, ...] = tuple(TARGETS)) -> dict:
    root = site_dir("portal", size, seed)
    server = Server([sys.executable, "-m", "storyportal", "serve"], root, f"serve-portal-{size}")
    try:
        first = server.wait_first_build()
        server.wait_idle(0, quiet=1.0)
        log(f"  storyportal serve: first build served after {first:.1f}s")
        registry_file = root / "advocates.yaml"
        registry_text = registry_file.read_text(encoding="utf-8")
        registry = yaml.safe_load(registry_text)
        stories = pick_stories(server, root, registry, 2 + repeats)
        (root / ".bench-editing").write_text("an edit may not have been restored\n")
        runs = {"body": [], "new": [], "revoke": [], "restore": []}

        body_slug, body_data = stories[0]
        body_file = story_path(root, body_slug)
        body_text = body_file.read_text(encoding="utf-8")
        try:
            for i in range(repeats if "body" in edits else 0):
                marker = f"Benchmark marker {os.getpid()}-{i}-{time.time_ns()}."

                def save(marker=marker):
                    with open(body_file, "a", encoding="utf-8") as fh:
                        fh.write(f"\n{marker}\n")
                runs["body"].append(measure(server, save, f"/stories/{body_slug}/", lambda s, h, m=marker: m in h))
                log(f"  body edit {i + 1}: {fmt(runs['body'][-1])}")
        finally:
            body_file.write_text(body_text, encoding="utf-8")
        server.wait_idle(server.count("Reloading browsers") + 1)

        new_files = []
        template = story_path(root, stories[1][0]).read_text(encoding="utf-8")
        try:
            for i in range(repeats if "new" in edits else 0):
                slug = f"bench-new-{i}-{time.time_ns() % 10**9}"
                title = f"Benchmark story {slug}"
                text = re.sub(r"^title: .*$", f"title: {json.dumps(title)}", template, count=1, flags=re.M)
                text = re.sub(r"^aliases: .*\n", "", text, flags=re.M)
                path = root / "stories" / f"{slug}.md"
                new_files.append(path)
                runs["new"].append(measure(server, lambda p=path, t=text: p.write_text(t, encoding="utf-8"),
                                           f"/stories/{slug}/", lambda s, h, t=title: s == 200 and title_in(t, h)))
                log(f"  new story {i + 1}: {fmt(runs['new'][-1])}")
        finally:
            for path in new_files:
                path.unlink(missing_ok=True)
        server.wait_idle(server.count("Reloading browsers") + 1)

        try:
            for i in range(repeats if "revoke" in edits else 0):
                slug, data = stories[2 + i]
                advocate = data["advocates"][0]
                revoked = set_revoked(registry_text, advocate, True)

                def gone(status, html, title=data["title"]):
                    return status != 0 and ("consent-revoked" in html or not title_in(title, html))
                runs["revoke"].append(measure(server, lambda t=revoked: registry_file.write_text(t, encoding="utf-8"),
                                              f"/stories/{slug}/", gone))
                log(f"  revocation {i + 1}: {fmt(runs['revoke'][-1])}")

                def back(status, html, title=data["title"]):
                    return status == 200 and "sp-preview-errors" not in html and title_in(title, html)
                runs["restore"].append(measure(server, lambda: registry_file.write_text(registry_text, encoding="utf-8"),
                                               f"/stories/{slug}/", back))
        finally:
            registry_file.write_text(registry_text, encoding="utf-8")
        server.wait_idle(server.count("Reloading browsers"))
        (root / ".bench-editing").unlink(missing_ok=True)
        reused = [line for _, line in server.lines if "unchanged story page(s) " in line]
        return {"first_build": first, "runs": runs, "body_story": body_slug,
                "last_preview_line": reused[-1].split("-  ", 1)[-1] if reused else None}
    finally:
        server.stop()


def bench_plain(size: int, repeats: int, seed: int, slug: str) -> dict:
    root = site_dir("plain", size, seed)
    server = Server([sys.executable, "-m", "mkdocs", "serve"], root, f"serve-plain-{size}")
    try:
        first = server.wait_first_build()
        server.wait_idle(0, quiet=1.0)
        log(f"  plain mkdocs serve: first build served after {first:.1f}s")
        page = root / "docs" / "stories" / f"{slug}.md"
        original = page.read_text(encoding="utf-8")
        (root / ".bench-editing").write_text("an edit may not have been restored\n")
        runs = []
        try:
            for i in range(repeats):
                marker = f"Benchmark marker {os.getpid()}-{i}-{time.time_ns()}."

                def save(marker=marker):
                    with open(page, "a", encoding="utf-8") as fh:
                        fh.write(f"\n{marker}\n")
                runs.append(measure(server, save, f"/stories/{slug}/", lambda s, h, m=marker: m in h))
                log(f"  plain body edit {i + 1}: {fmt(runs[-1])}")
        finally:
            page.write_text(original, encoding="utf-8")
        server.wait_idle(server.count("Reloading browsers") + 1)
        (root / ".bench-editing").unlink(missing_ok=True)
        return {"first_build": first, "runs": {"body": runs}}
    finally:
        server.stop()


# --------------------------------------------------------------------------- profile


def profile(size: int, seed: int, top: int, edit: str = "body", stats_file: str | None = None,
            repeats: int = 0) -> str:
    """One serve rebuild in this process, as ``mkdocs serve`` runs it, timed by phase and under cProfile.

    As serve does: ``load_config`` for every rebuild (the plugin instance survives, since it
    defines ``on_startup``), ``site_url`` set to the dev server's, ``build(config, serve_url=...)``.
    Two warm-up rebuilds, then the ``edit`` (``body``: a sentence appended to a story), then one
    rebuild timed by phase and one under cProfile (each after its own small edit). ``stats_file``
    keeps the cProfile data (for ``pstats``: callers, callees). ``repeats``: that many more rebuilds
    after their own edits, timed without the profiler (the median is steadier than one rebuild).
    """
    import cProfile
    import gc
    import io
    import logging
    import pstats
    import tempfile
    from collections import defaultdict

    import mkdocs.commands.build as mk_build
    from mkdocs.config import load_config
    from mkdocs.plugins import PluginCollection
    from mkdocs.structure.files import Files

    from storyportal.adapter.watcher import SaveLog

    root = site_dir("portal", size, seed, prefix="profile")
    os.environ["STORYPORTAL_AUDIENCE"] = "public"
    os.environ["XDG_CACHE_HOME"] = str(OUT / "cache-home")  # never the user's image cache
    os.environ["STORYPORTAL_SEARCH"] = "0"  # Pagefind re-indexes in a background thread: not part of the rebuild
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    site = tempfile.mkdtemp(prefix="mkdocs_")  # where mkdocs serve builds
    serve_url = "http://127.0.0.1:8000/"
    cwd = os.getcwd()
    os.chdir(root)
    timers: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)

    def timed(label, fn):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timers[label] += time.perf_counter() - started
                counts[label] += 1
        return wrapper

    def run_event(self, name, item=None, **kwargs):
        pass_item = item is not None
        for method in self.events[name]:
            self._current_plugin = self._event_origins.get(method, "<unknown>")
            label = f"  {self._current_plugin}.on_{name}"
            started = time.perf_counter()
            result = method(item, **kwargs) if pass_item else method(**kwargs)
            timers[label] += time.perf_counter() - started
            counts[label] += 1
            if result is not None:
                item = result
        self._current_plugin = None
        return item

    def rebuild():
        config = timed("load_config", load_config)(config_file=str(root / "mkdocs.yml"), site_dir=site)
        config.site_url = serve_url
        timed("build (all)", mk_build.build)(config, serve_url=serve_url, dirty=True)  # as `storyportal serve`
        return config

    patches = [(mk_build, "_populate_page", "_populate_page (Markdown, page events)"),
               (mk_build, "_build_page", "_build_page (templates, page events)"),
               (mk_build, "_build_theme_template", "_build_theme_template (sitemap.xml, 404)"),
               (mk_build, "get_files", "get_files (scan docs_dir)"),
               (mk_build, "get_navigation", "get_navigation"),
               (mk_build.utils, "clean_directory", "clean_directory"),
               (Files, "copy_static_files", "copy_static_files")]
    originals = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
    original_run_event = PluginCollection.run_event
    story = sorted((root / "stories").glob("*.md"))[0]
    original_text = story.read_text(encoding="utf-8")
    out = io.StringIO()
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=site)
        config.site_url = serve_url
        config.plugins.on_startup(command="serve", dirty=True)
        # What storyportal serve's watcher tells the build (adapter/watcher.py): the files saved since the
        # last rebuild (the first rebuild after the watches start looks at every file, as serve does).
        saves = SaveLog()
        plugin = config.plugins["storyportal"]
        plugin.saves, plugin.watched_root = saves, str(root)
        started = time.perf_counter()
        mk_build.build(config, serve_url=serve_url, dirty=True)
        first = time.perf_counter() - started
        gc.collect()  # as `storyportal serve` does after its first build (adapter/watcher.py): the
        gc.freeze()  # cyclic collector then runs only between rebuilds
        gc.disable()
        started = time.perf_counter()
        rebuild()
        second = time.perf_counter() - started
        (root / ".bench-editing").write_text("an edit may not have been restored\n")
        registry_file = root / "advocates.yaml"
        registry_text = registry_file.read_text(encoding="utf-8")
        new_story = root / "stories" / "bench-profile-new.md"

        def make_edit(n):
            if edit == "body":
                story.write_text(original_text + f"\nProfile marker {n}.\n", encoding="utf-8")
                saves.saved(str(story))
            elif edit == "new":
                text = re.sub(r"^title: .*$", f"title: Profile story {n}", original_text, count=1, flags=re.M)
                made = new_story.with_name(f"bench-profile-new-{n}.md")
                made.write_text(re.sub(r"^aliases: .*\n", "", text, flags=re.M))
                saves.saved(str(made))
            else:
                advocate = front(story)["advocates"][0]
                registry_file.write_text(set_revoked(registry_text, advocate, n % 2 == 1), encoding="utf-8")
                saves.saved(str(registry_file))
        make_edit(1)
        timers.clear()
        counts.clear()
        for obj, name, label in patches:
            setattr(obj, name, timed(label, getattr(obj, name)))
        PluginCollection.run_event = run_event
        started = time.perf_counter()
        rebuild()
        wall = time.perf_counter() - started
        for obj, name, fn in originals:
            setattr(obj, name, fn)
        PluginCollection.run_event = original_run_event
        out.write(f"serve rebuild in-process at {size:,} stories after a {edit} edit ({story.name}): "
                  f"{wall:.3f}s (first build {first:.2f}s, unchanged rebuild {second:.2f}s)\n")
        out.write(f"{'seconds':>8} {'share':>6} {'calls':>6}  phase (nested: plugin events are inside the phases)\n")
        for label, seconds in sorted(timers.items(), key=lambda kv: -kv[1]):
            out.write(f"{seconds:8.3f} {100 * seconds / wall:5.1f}% {counts[label]:6d}  {label}\n")

        samples = []
        for n in range(11, 11 + 2 * repeats, 2):  # odd: a revocation, a new story, a new marker
            if edit == "revoke":
                make_edit(n - 1)  # the consent given back first
                rebuild()
            make_edit(n)
            gc.collect()  # as `storyportal serve` does between rebuilds
            started = time.perf_counter()
            rebuild()
            samples.append(time.perf_counter() - started)
        if samples:
            out.write(f"{len(samples)} more rebuilds, each after its own {edit} edit: median "
                      f"{statistics.median(samples):.3f}s ({', '.join(f'{s:.3f}' for s in samples)})\n")
        if edit == "revoke":
            make_edit(0)  # restore: the profiled rebuild revokes again below
            rebuild()
        make_edit(3 if edit == "revoke" else 2)
        profiler = cProfile.Profile()
        profiler.enable()
        rebuild()
        profiler.disable()
        if stats_file:
            profiler.dump_stats(stats_file)
    finally:
        gc.enable()
        for obj, name, fn in originals:
            setattr(obj, name, fn)
        PluginCollection.run_event = original_run_event
        story.write_text(original_text, encoding="utf-8")
        registry_file.write_text(registry_text, encoding="utf-8")
        for extra in (root / "stories").glob("bench-profile-new-*.md"):
            extra.unlink()
        (root / ".bench-editing").unlink(missing_ok=True)
        os.chdir(cwd)
        shutil.rmtree(site, ignore_errors=True)
    stats = pstats.Stats(profiler, stream=out)
    total = max(row[3] for (_, _, name), row in stats.stats.items() if name == "build")
    for title, column in (("cumulative", 3), ("own", 2)):
        out.write(f"\ncProfile of the same rebuild, by {title} time, as a share of build() "
                  f"({total:.3f}s under the profiler)\n{'share':>6} {'seconds':>8} {'calls':>9}  function\n")
        for (filename, line, name), row in sorted(stats.stats.items(), key=lambda item: -item[1][column])[:top]:
            where = f"{Path(filename).parent.name}/{Path(filename).name}:{line}" if line else filename
            out.write(f"{100 * row[column] / total:5.1f}% {row[column]:8.3f} {row[1]:9d}  {where}({name})\n")
    return out.getvalue()


# --------------------------------------------------------------------------- output


def fmt(r: dict) -> str:
    parts = [f"{r['seconds']:.2f}s"]
    if "detect" in r:
        parts.append(f"(detect {r['detect']:.2f} + debounce/build {r['debounce_build']:.2f} + serve {r['serve']:.2f}")
        parts[-1] += f"; mkdocs build {r['mkdocs_build']:.2f})" if "mkdocs_build" in r else ")"
    if r.get("rebuilds", 1) != 1:
        parts.append(f"[{r['rebuilds']} rebuilds]")
    return " ".join(parts)


def summary(runs: list[dict]) -> dict | None:
    if not runs:
        return None  # an edit left out with --edits

    def med(key):
        values = [r[key] for r in runs if key in r]
        return statistics.median(values) if values else None
    return {"median": med("seconds"), "best": min(r["seconds"] for r in runs), "all": [r["seconds"] for r in runs],
            "detect": med("detect"), "debounce_build": med("debounce_build"), "serve": med("serve"),
            "mkdocs_build": med("mkdocs_build"), "rebuilds": [r["rebuilds"] for r in runs]}


def watcher_settings() -> dict:
    from mkdocs.livereload import LiveReloadServer

    params = inspect.signature(LiveReloadServer.__init__).parameters
    build_delay = re.search(r"self\.build_delay = ([0-9.]+)", inspect.getsource(LiveReloadServer.__init__))
    from storyportal.adapter.watcher import EVENT_BUILD_DELAY

    return {"polling_interval": params["polling_interval"].default,
            "build_delay": float(build_delay.group(1)) if build_delay else None,
            "event_build_delay": EVENT_BUILD_DELAY}


def table(results: list[dict], watcher: dict) -> str:
    rows = [("stories", "edit", "server", "median", "best", "detect", "debounce+build", "serve", "mkdocs build",
             "target", "met", "vs plain")]
    for r in results:
        plain = r["plain"]["body"]["median"] if r["plain"] else None
        for edit in ("body", "new", "revoke", "restore"):
            s = r["portal"][edit]
            if s is None:
                continue
            target = TARGETS.get(edit)
            rows.append((f"{r['stories']:,}", edit, "storyportal", f"{s['median']:.2f}", f"{s['best']:.2f}",
                         _f(s["detect"]), _f(s["debounce_build"]), _f(s["serve"]), _f(s["mkdocs_build"]),
                         f"<= {target}" if target else "-",
                         ("yes" if s["median"] <= target else "NO") if target else "-",
                         f"{s['median'] / plain:.2f}" if plain else "-"))
        if not r["plain"]:
            continue
        s = r["plain"]["body"]
        rows.append((f"{r['stories']:,}", "body", "plain mkdocs", f"{s['median']:.2f}", f"{s['best']:.2f}",
                     _f(s["detect"]), _f(s["debounce_build"]), _f(s["serve"]), _f(s["mkdocs_build"]), "-", "-", "1.00"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in results:
        plain_first = f"{r['first_build']['plain']:.1f}s" if r["first_build"]["plain"] is not None else "-"
        lines.append(f"first build served after: storyportal {r['first_build']['portal']:.1f}s, "
                     f"plain {plain_first} at {r['stories']:,} stories"
                     + (f"; last rebuild: {r['last_preview_line']}" if r.get("last_preview_line") else ""))
    legend = ("(seconds from writing the file to the first HTTP response showing the change, median of the repeats;\n"
              " detect = save -> 'Detected file changes' (storyportal serve: the system's file events; plain MkDocs "
              f"polls the watched folders every {watcher['polling_interval']}s);\n"
              f" debounce+build = -> 'Reloading browsers' (storyportal serve waits {watcher['event_build_delay']}s "
              f"without changes, plain MkDocs {watcher['build_delay']}s,\n then rebuilds; requests wait for the rebuild); mkdocs build = what MkDocs logs for the build itself;\n"
              " restore = putting the consent back, page shown again; vs plain = median / plain mkdocs body edit)\n")
    return "\n".join(lines) + "\n" + legend


def _f(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int_list, default=[1000], help="comma-separated story counts (default 1000)")
    parser.add_argument("--repeats", type=int, default=5, help="measurements of each edit (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="write the results as JSON to FILE, or to stdout instead of the table")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one serve rebuild in-process at the largest size (no server)")
    parser.add_argument("--profile-only", action="store_true", help="only the profile, no servers")
    parser.add_argument("--profile-edit", choices=("body", "new", "revoke"), default="body",
                        help="the edit before the profiled rebuild (default body)")
    parser.add_argument("--top", type=int, default=35, help="rows of the profile to print")
    parser.add_argument("--profile-stats", metavar="FILE", help="also write the cProfile data to FILE (pstats)")
    parser.add_argument("--profile-repeats", type=int, default=0, metavar="N",
                        help="after the profile's timed rebuild, N more (each after its own edit), timed without the profiler")
    parser.add_argument("--edits", type=lambda t: tuple(e for e in t.split(",") if e), default=tuple(TARGETS),
                        help="comma-separated edits to measure: body,new,revoke (default all)")
    parser.add_argument("--no-plain", action="store_true", help="leave out plain mkdocs serve (the baseline)")
    parser.add_argument("--no-search", action="store_true",
                        help="serve without Pagefind (STORYPORTAL_SEARCH=0): no background re-index to wait for "
                             "between measurements (each takes minutes at 10,000 stories on a busy machine)")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    if args.no_search:
        os.environ["STORYPORTAL_SEARCH"] = "0"  # the servers inherit it
    if args.profile_only:
        print(profile(max(args.sizes), args.seed, args.top, args.profile_edit, args.profile_stats,
                      args.profile_repeats))
        return 0
    watcher = watcher_settings()

    results = []
    for size in args.sizes:
        log(f"benchmarking serve at {size:,} stories ({args.repeats} repeats) ...")
        load = [os.getloadavg()[0]]
        portal = bench_portal(size, args.repeats, args.seed, args.edits)
        load.append(os.getloadavg()[0])
        plain = None if args.no_plain else bench_plain(size, args.repeats, args.seed, portal["body_story"])
        load.append(os.getloadavg()[0])
        results.append({"stories": size, "repeats": args.repeats,
                        "first_build": {"portal": portal["first_build"], "plain": plain and plain["first_build"]},
                        "portal": {k: summary(v) for k, v in portal["runs"].items()},
                        "plain": plain and {"body": summary(plain["runs"]["body"])},
                        "raw": {"portal": portal["runs"], "plain": plain and plain["runs"]},
                        "body_story": portal["body_story"], "last_preview_line": portal["last_preview_line"],
                        "load_average": max(load)})
    import mkdocs
    report = {"targets": TARGETS, "watcher": watcher, "python": platform.python_version(),
              "mkdocs": mkdocs.__version__, "machine": platform.platform(), "cpus": os.cpu_count(),
              "seed": args.seed, "results": results}
    emit(report, table(results, watcher), args.json, " (compare with plain)")
    if args.profile:
        print(profile(max(args.sizes), args.seed, args.top, args.profile_edit, args.profile_stats,
                      args.profile_repeats), file=sys.stderr if args.json == "-" else sys.stdout)
    for r in results:
        for edit, target in TARGETS.items():
            if r["portal"][edit] is None:
                continue
            median = r["portal"][edit]["median"]
            plain = f"{r['plain']['body']['median']:.2f}s" if r["plain"] else "not measured"
            log(f"target {'met' if median <= target else 'MISSED'}: {edit} at {r['stories']:,} stories "
                f"{median:.2f}s (<= {target}s; plain mkdocs body edit {plain})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
