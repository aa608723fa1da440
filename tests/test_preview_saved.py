"""The preview told which files were saved (as `storyportal serve`'s watcher tells it) gives, after every
kind of edit, the same site as a fresh build: the shortcuts taken at the saved stories miss nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from storyportal.adapter.watcher import SaveLog
from test_preview import EDITS, Preview, start, tree


def contents(root: Path) -> dict[str, str]:
    """Every file of the portal (not its outputs) by its content's hash."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


class SavedPreview(Preview):
    """After its first build, each rebuild is told the files whose bytes changed, were made or were removed
    (an editor's save: the site helper writes mkdocs.yml and advocates.yaml again unchanged, no save)."""

    before: dict[str, str] = {}

    def rebuild(self) -> dict[str, str]:
        self.site.flush()
        now = contents(self.site.root)
        if self.instance is not None:
            for rel in sorted(set(now) | set(self.before)):
                if now.get(rel) != self.before.get(rel):
                    self.instance.saves.saved(str(self.site.root / rel))
        self.instance = self._build(self.served, self.instance, self.dirty)
        if self.instance.saves is None:  # the watches start after the first build
            self.instance.saves, self.instance.watched_root = SaveLog(), str(self.site.root.resolve())
            self.instance.saves.take()
        self.before = now
        return tree(self.served)


def test_every_edit_told_by_its_saves_gives_the_same_site_as_a_fresh_build(site, monkeypatch):
    start(site, material_search=False)
    preview = SavedPreview(site, monkeypatch, dirty=True)
    preview.rebuild()
    for name, change in EDITS.items():
        change(site)
        served = preview.rebuild()
        assert served == preview.fresh(), f"after '{name}'"


def test_a_body_edit_told_by_its_save_takes_the_story_files_only_path(site, monkeypatch):
    start(site, material_search=False)
    preview = SavedPreview(site, monkeypatch, dirty=True)
    preview.rebuild()
    EDITS["body"](site)
    preview.rebuild()
    assert preview.instance.preview.stories_only
    EDITS["image"](site)
    preview.rebuild()
    assert not preview.instance.preview.stories_only
