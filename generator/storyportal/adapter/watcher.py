"""How the preview learns of a save: the operating system tells it, instead of polling every file.

MkDocs' live-reload server polls: every interval it lists and stats every watched file. At
10,000 stories one look took 0.23 s of CPU, ran in the server's own process while it rebuilt
(the two threads share Python's lock), and a save waited for the next look. The operating
system's file events (inotify, FSEvents, ReadDirectoryChangesW, through watchdog) arrive as
the file is written and cost nothing in between.

They do not arrive for every kind of folder: a folder shared into a container or virtual
machine, or on a network drive, may never report a change. ``storyportal serve --poll``
keeps MkDocs' polling for those, and a folder the system refuses to watch (too many watches,
say) falls back to polling by itself.

The same server runs Python's cyclic collector between rebuilds instead of inside them, and
leaves what survived (the portal's records and the preview's memos) out of its later passes.
The price: objects frozen there that later form unreachable cycles are never freed; each
rebuild's own garbage is collected before the freeze.
"""

from __future__ import annotations

import gc
import logging
import os
import threading

from mkdocs.livereload import LiveReloadServer
from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

log = logging.getLogger("mkdocs.plugins.storyportal")

# What a save does to a file. Not opening or reading one (the build reads the registry on every
# rebuild: that would start the next), nor a change of permissions or times.
SAVE_EVENTS = frozenset({EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED,
                         EVENT_TYPE_CLOSED})  # fmt: skip


# How long the server waits for a burst of saves to end before it rebuilds (MkDocs waits 0.1 s).
# The system reports a save's events within a millisecond of each other (an editor's write, close,
# or write to a temporary file and rename); a save that still straddles the wait costs one more
# rebuild, never a missed change (the events after the rebuild started ask for the next).
EVENT_BUILD_DELAY = 0.05


class SaveHandler(FileSystemEventHandler):
    """Calls ``saved()`` for a file saved under the watched folder (or, with ``only``, that one file).

    With a ``log``, it also tells it of every such save, and of a folder made, removed or renamed.
    """

    def __init__(self, saved, only: str | None = None, log: SaveLog | None = None):
        self.saved = saved
        self.only = only
        self.log = log

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            if self.log is not None and event.event_type in FOLDER_EVENTS:
                self.log.unknown()  # its files' saves may come as one event of the folder's
            return
        if event.event_type not in SAVE_EVENTS:
            return
        if self.only is not None and self.only not in (event.src_path, event.dest_path):
            return
        if self.log is not None:
            self.log.saved(event.src_path, event.dest_path)
        self.saved()


FOLDER_EVENTS = frozenset({EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED})


class SaveLog:
    """The files saved since the build last asked, as the system reported them, so that the build
    need not look at every story file to find the one that changed (10,000 ``stat`` calls a rebuild).

    ``take()`` answers None, meaning "look at everything", until it has been asked once after the
    watches started (saves before that were not seen), after a folder was made, removed or renamed,
    and for good once the server polls instead.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._complete = False
        self._usable = True

    def saved(self, *paths: bytes | str) -> None:
        with self._lock:
            self._paths.update(os.fsdecode(p) for p in paths if p)

    def unknown(self) -> None:
        with self._lock:
            self._complete = False

    def stop(self) -> None:
        """The server polls from now on: saves are no longer reported here."""
        with self._lock:
            self._usable = False

    def take(self) -> set[str] | None:
        """The absolute paths saved since the last call, or None when that is not known."""
        with self._lock:
            paths, complete = self._paths, self._complete and self._usable
            self._paths, self._complete = set(), True
        return paths if complete else None


class EventServer(LiveReloadServer):
    """MkDocs' LiveReloadServer watching with file events; with ``poll``, polling as MkDocs does."""

    poll_seconds = 0.5
    poll = False
    observer: BaseObserver  # type: ignore[assignment]  # MkDocs types it as its PollingObserver; ours are events

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{"polling_interval": self.poll_seconds, **kwargs})
        self.polling = self.observer  # MkDocs' own, kept for --poll and the fall-back
        self.saves: SaveLog | None = None  # what was saved, for the build (polling: not known)
        if not self.poll:
            self.saves = SaveLog()
            self.observer = _Observer()
            self.build_delay = EVENT_BUILD_DELAY
        self.collector: threading.Timer | None = None
        build = self.builder
        self.builder = lambda: self._rebuild(build)

    def serve(self, *, open_in_browser=False):
        # After the first build: what it loaded lives until the server stops (parsed stories, plans,
        # the preview's memos: over a million objects at 10,000 stories). Python's cyclic collector
        # would walk them all in a full collection (a second, in the middle of some rebuild); frozen,
        # it walks only what later rebuilds make. From now on it runs between rebuilds, not inside one.
        collect_and_freeze()
        gc.disable()
        super().serve(open_in_browser=open_in_browser)

    def _rebuild(self, build) -> None:
        """A rebuild without the cyclic collector (its passes took 0.2-0.5 s of a rebuild at 10,000
        stories); it runs once the rebuild is over and the server has been quiet for a moment."""
        if self.collector is not None:
            self.collector.cancel()
        try:
            build()
        finally:
            self.collector = threading.Timer(IDLE_SECONDS, collect_and_freeze)
            self.collector.daemon = True
            self.collector.start()

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        if self.observer is self.polling:
            super().watch(path, func, recursive=recursive)
            return
        path = os.path.abspath(path)
        if path in self._watched_paths:
            self._watched_paths[path] += 1
            return
        # A file is watched through its folder: an editor that saves by writing a new file and
        # renaming it over the old one ends a watch on the old file itself.
        single = not os.path.isdir(path)
        handler = SaveHandler(self._saved, path if single else None, self.saves)
        folder = os.path.dirname(path) if single else path
        try:
            # Started before the first watch, so that each watch starts at once: the system refuses one
            # (too many watches, a folder it cannot watch) here, where we can fall back, not in serve().
            self.observer.start()
            self._watch_refs[path] = self.observer.schedule(
                handler, folder, recursive=recursive and not single, follow_symlink=True
            )
        except OSError as exc:
            self._fall_back(path, exc)
            return
        self._watched_paths[path] = 1

    def _saved(self) -> None:
        # What MkDocs' own watch callback does: the build loop waits on this condition.
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()

    def _fall_back(self, path: str, exc: OSError) -> None:
        """The system refuses to watch ``path``: poll everything, as MkDocs does."""
        log.info(
            f"preview: cannot watch {path} for changes ({exc.strerror or exc}); "
            f"looking for them every {self.poll_seconds} s instead"
        )
        watched = dict(self._watched_paths)
        if self.saves is not None:
            self.saves.stop()
        self.observer.stop()
        self._watched_paths.clear()
        self._watch_refs.clear()
        self.observer = self.polling
        for other, count in [*watched.items(), (path, 1)]:
            for _ in range(count):
                super().watch(other)


class _Observer(Observer):  # type: ignore[misc,valid-type]  # the system's observer class (inotify on Linux)
    """Started when the first folder is watched; MkDocs' serve() starting it again does nothing."""

    def start(self) -> None:
        if not self.is_alive():
            super().start()


IDLE_SECONDS = 1.0  # after a rebuild, the cyclic collector waits this long for the next save


def collect_and_freeze() -> None:
    """Free what is garbage, then leave what survived (the portal's records and memos) out of later passes."""
    gc.collect()
    gc.freeze()


def event_server(poll_seconds: float, poll: bool) -> type[EventServer]:
    """The server class `storyportal serve` hands MkDocs (which makes the server itself)."""
    return type("EventServer", (EventServer,), {"poll_seconds": poll_seconds, "poll": poll})
