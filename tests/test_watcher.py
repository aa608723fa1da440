"""The preview's watcher: told of saves by the system, never of reads; polling with --poll or when refused."""

from __future__ import annotations

import logging
import os
import time

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)
from watchdog.observers.polling import PollingObserver

from storyportal.adapter import watcher
from storyportal.adapter.watcher import EVENT_BUILD_DELAY, SaveHandler, event_server
from storyportal.cli.main import make_parser


def saves(handler_events, only=None) -> int:
    calls = []
    handler = SaveHandler(lambda: calls.append(1), only)
    for event in handler_events:
        handler.on_any_event(event)
    return len(calls)


@pytest.mark.parametrize(
    "event",
    [
        FileModifiedEvent("/p/a.md"),
        FileCreatedEvent("/p/a.md"),
        FileDeletedEvent("/p/a.md"),
        FileMovedEvent("/p/.a.md.swp", "/p/a.md"),
    ],
)
def test_a_save_of_any_kind_is_noticed(event):
    assert saves([event]) == 1


@pytest.mark.parametrize(
    "event",
    [FileOpenedEvent("/p/a.md"), FileClosedNoWriteEvent("/p/a.md"), FileAttribEvent("/p/a.md"), DirModifiedEvent("/p")],
)
def test_reading_a_file_or_touching_a_folder_is_no_save(event):
    assert saves([event]) == 0


def test_a_watched_file_notices_only_itself_including_a_save_by_renaming_over_it():
    only = "/p/advocates.yaml"
    assert saves([FileModifiedEvent("/p/README.md"), FileCreatedEvent("/p/notes.txt")], only) == 0
    assert saves([FileMovedEvent("/p/.advocates.yaml.tmp", only)], only) == 1


def server(tmp_path, poll=False):
    cls = event_server(0.2, poll)
    return cls(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))


def wait_for_rebuild(srv, seconds=5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if srv._want_rebuild:
            return True
        time.sleep(0.02)
    return False


def test_serve_watches_with_system_events_and_with_polling_when_asked(tmp_path):
    assert not isinstance(server(tmp_path).observer, PollingObserver)
    assert isinstance(server(tmp_path, poll=True).observer, PollingObserver)
    assert make_parser().parse_args(["serve", "--poll"]).poll is True


def test_with_system_events_the_wait_for_quiet_is_shorter_and_polling_keeps_mkdocs_own(tmp_path):
    polling = server(tmp_path, poll=True)
    assert server(tmp_path).build_delay == EVENT_BUILD_DELAY < polling.build_delay == 0.1


def test_a_story_saved_in_a_watched_folder_asks_for_a_rebuild(tmp_path):
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "a.md").write_text("one")
    srv = server(tmp_path)
    srv.watch(str(stories))
    srv.observer.start()
    try:
        (stories / "a.md").read_text()  # reading is no save
        assert not wait_for_rebuild(srv, 0.5)
        (stories / "a.md").write_text("two")
        assert wait_for_rebuild(srv)
    finally:
        srv.observer.stop()
        srv.observer.join()


def test_a_registry_replaced_by_renaming_asks_for_a_rebuild_every_time(tmp_path):
    registry = tmp_path / "advocates.yaml"
    registry.write_text("v: 0\n")
    srv = server(tmp_path)
    srv.watch(str(registry))
    srv.observer.start()
    try:
        for n in (1, 2):  # the second save would be missed by a watch on the first file itself
            srv._want_rebuild = False
            temp = tmp_path / ".advocates.yaml.tmp"
            temp.write_text(f"v: {n}\n")
            os.replace(temp, registry)
            assert wait_for_rebuild(srv), f"save {n}"
        srv._want_rebuild = False
        (tmp_path / "other.txt").write_text("x")
        assert not wait_for_rebuild(srv, 0.5)
    finally:
        srv.observer.stop()
        srv.observer.join()


def test_a_folder_the_system_refuses_to_watch_falls_back_to_polling_and_says_so(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger=watcher.log.name)
    (tmp_path / "docs").mkdir()
    (tmp_path / "stories").mkdir()
    srv = server(tmp_path)
    srv.watch(str(tmp_path / "docs"))
    native = srv.observer

    def refuse(*args, **kwargs):  # what the system answers when its watches run out
        raise OSError(28, "inotify watch limit reached")

    # The system is asked when a watch starts, inside the observer (not when it is scheduled).
    monkeypatch.setattr(native._emitter_class, "on_thread_start", refuse)
    srv.watch(str(tmp_path / "stories"))
    native.join(timeout=5)
    assert isinstance(srv.observer, PollingObserver) and not native.is_alive()
    assert set(srv._watched_paths) == {str(tmp_path / "docs"), str(tmp_path / "stories")}
    assert set(srv._watch_refs) == set(srv._watched_paths)
    assert "cannot watch" in caplog.text and "every 0.2 s" in caplog.text


def test_serving_freezes_what_the_first_build_left_and_collects_only_between_rebuilds(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(watcher.gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(watcher.gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(watcher.gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(LiveReloadServer, "serve", lambda self, open_in_browser=False: calls.append("serve"))
    server(tmp_path).serve()
    assert calls == ["collect", "freeze", "disable", "serve"]


def test_the_collector_runs_once_the_server_is_quiet_after_a_rebuild(tmp_path, monkeypatch):
    collected = []
    monkeypatch.setattr(watcher, "IDLE_SECONDS", 0.3)
    monkeypatch.setattr(watcher, "collect_and_freeze", lambda: collected.append(time.monotonic()))
    built = []
    srv = event_server(0.2, False)(builder=lambda: built.append(1), host="127.0.0.1", port=0, root=str(tmp_path))
    srv.builder()
    srv.builder()  # a save right after: the first rebuild's pass is called off
    assert built == [1, 1] and collected == []
    time.sleep(0.8)
    assert len(collected) == 1


def test_the_save_log_knows_nothing_until_first_asked_then_what_was_saved():
    log = watcher.SaveLog()
    handler = SaveHandler(lambda: None, log=log)
    handler.on_any_event(FileModifiedEvent("/p/stories/a.md"))
    assert log.take() is None  # saves before the watches started were not seen
    handler.on_any_event(FileModifiedEvent("/p/stories/a.md"))
    handler.on_any_event(FileMovedEvent("/p/stories/.b.md.tmp", "/p/stories/b.md"))
    handler.on_any_event(FileDeletedEvent("/p/stories/c.md"))
    handler.on_any_event(FileOpenedEvent("/p/stories/d.md"))
    assert log.take() == {"/p/stories/a.md", "/p/stories/.b.md.tmp", "/p/stories/b.md", "/p/stories/c.md"}
    assert log.take() == set()


@pytest.mark.parametrize(
    "event",
    [DirCreatedEvent("/p/stories/x"), DirDeletedEvent("/p/stories/x"), DirMovedEvent("/p/stories/x", "/p/stories/y")],
)
def test_a_folder_made_removed_or_renamed_makes_the_save_log_unsure(event):
    log = watcher.SaveLog()
    log.take()
    SaveHandler(lambda: None, log=log).on_any_event(event)
    assert log.take() is None


def test_a_server_that_falls_back_to_polling_no_longer_says_what_was_saved(tmp_path, monkeypatch):
    srv = server(tmp_path)
    srv.saves.take()

    def refuse(*args, **kwargs):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(srv.observer, "schedule", refuse)
    srv.watch(str(tmp_path))
    assert srv.saves.take() is None and srv.saves.take() is None
    assert server(tmp_path, poll=True).saves is None


def test_editor_saves_reach_the_save_log_by_their_final_name(tmp_path):
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "a.md").write_text("one")
    (stories / "b.md").write_text("one")
    srv = server(tmp_path)
    srv.watch(str(stories))
    try:
        srv.saves.take()
        (stories / "a.md").write_text("two")  # in place
        (stories / ".b.md.swp").write_text("two")  # a temporary file renamed over the story
        os.replace(stories / ".b.md.swp", stories / "b.md")
        (stories / "a.md").rename(stories / "c.md")
        deadline, seen = time.monotonic() + 5, set()
        while time.monotonic() < deadline and not {"a.md", "b.md", "c.md"} <= seen:
            seen |= {os.path.basename(p) for p in srv.saves.take() or ()}
            time.sleep(0.05)
        assert {"a.md", "b.md", "c.md"} <= seen
    finally:
        srv.observer.stop()
        srv.observer.join()
