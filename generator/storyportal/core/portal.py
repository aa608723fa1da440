"""Load a whole portal: settings, registry, stories, rules. Pure and cacheable by content."""

from __future__ import annotations

import bisect
import dataclasses as dc
import datetime as dt
import functools
import gc
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from types import MappingProxyType
from typing import Protocol

from storyportal.core.body import BodyStore, remembering_bodies
from storyportal.core.codeversion import made_for
from storyportal.core.config import PortalConfig, SiteSettings
from storyportal.core.docspages import handwritten_addresses
from storyportal.core.imagecheck import DecodeLog, remembering_decodes
from storyportal.core.issues import Issue, Severity, sort_issues
from storyportal.core.languages import Language, site_languages
from storyportal.core.messages import MessageBook, load_messages
from storyportal.core.model import Registry, Status, Story, Taxonomy
from storyportal.core.namewords import NameChanges, Unnamed, words_mask
from storyportal.core.paths import remembering_listings
from storyportal.core.privacy import PrivateValue
from storyportal.core.registry import (
    REGISTRY_MISSING,
    RegistryMemo,
    build_taxonomy,
    load_registry,
    raw_guarded,
)
from storyportal.core.rules import (
    check_unique_urls,
    language_prefixes,
    may_show_images,
    registry_private_values,
    resolve_story,
)
from storyportal.core.shownfields import config_issues
from storyportal.core.stories import (
    STORIES_MISSING,
    StoryFile,
    StoryRef,
    entry_name,
    plain_story_ref,
    read_story,
    scan_stories,
    slug_problems,
)
from storyportal.core.storyscan import shown_texts
from storyportal.core.translations import check_story_languages, check_translations, withhold_orphans
from storyportal.core.userfiles import NotRegularFile, not_regular_issue, read_regular
from storyportal.core.yamlload import ParseStore, remembering_parses
from storyportal.core.yamlsplice import EntryParser


@dataclass(frozen=True)
class Portal:
    """Everything the later stages need, resolved and checked."""

    settings: SiteSettings
    today: dt.date
    taxonomy: Taxonomy
    registry: Registry
    stories: tuple[Story, ...]  # every story that resolved, whatever its status
    status: MappingProxyType[str, Status]  # source path -> Status, for every story file found
    issues: tuple[Issue, ...]
    messages: MessageBook  # the interface strings of every configured language
    # False when advocates.yaml could not be read at all (missing, not UTF-8, not YAML, not the two sections):
    # ``registry`` is then empty, which must not read as a program without advocates
    registry_read: bool = True

    @functools.cached_property
    def published(self) -> tuple[Story, ...]:
        """Publishable stories, newest first (ties by slug, for stable output); sorted once (read 6 times a build)."""
        chosen = [s for s in self.stories if self.status[s.source] is Status.PUBLISHED]
        return tuple(sorted(chosen, key=lambda s: (-s.published.toordinal(), s.slug)))

    @functools.cached_property
    def originals(self) -> tuple[Story, ...]:
        """Published stories that are no translation: one per story, whatever its languages."""
        return tuple(s for s in self.published if s.translation_of is None)

    @functools.cached_property
    def versions(self) -> MappingProxyType[str, MappingProxyType[str, Story]]:
        """original slug -> {lang: the published version in that language}, the original's language first."""
        found: dict[str, dict[str, Story]] = {s.slug: {s.lang: s} for s in self.originals}
        for story in self.published:
            if story.translation_of is not None and story.translation_of in found:
                found[story.translation_of].setdefault(story.lang, story)
        return MappingProxyType({slug: MappingProxyType(langs) for slug, langs in found.items()})

    def issues_for(self, source: str) -> list[Issue]:
        """The problems of one story file or of the registry, in reading order."""
        return [i for i in self.issues if i.path == source]

    @property
    def languages(self) -> tuple[Language, ...]:
        """The site's languages, the default first (``core.languages``)."""
        return self.settings.languages

    @property
    def registry_problems(self) -> list[Issue]:
        """The registry's errors, in reading order (why it could not be read, when it could not)."""
        source = self.settings.portal.registry
        return [i for i in self.issues if i.path == source and i.severity is Severity.ERROR]

    @property
    def registry_missing(self) -> bool:
        """The advocate registry could not be read at all, so nothing was checked against it."""
        return any(i.rule == REGISTRY_MISSING for i in self.issues)


def check_versions(
    stories: list[Story], status: dict[str, Status], files: dict[str, StoryFile], config: PortalConfig
) -> list[Issue]:
    """The translation rules: a broken translation is not published, nor one whose original is not."""
    codes = tuple(lang.code for lang in site_languages(config))
    valid = [s for s in stories if status[s.source] is not Status.INVALID]
    issues = check_story_languages(valid, files, codes, strict=bool(config.languages))
    issues += check_translations(valid, files)
    for issue in issues:
        if issue.severity is Severity.ERROR:
            status[issue.path] = Status.INVALID
    return issues + withhold_orphans(stories, status, files)


class KeyStore(Protocol):
    """Keys of inputs found clean, kept between builds for one digest of what they were checked
    with (the build's: site/keylog.py in the image cache folder)."""

    def known(self, made_for: str) -> frozenset[str]: ...

    def keep(self, made_for: str, keys: Iterable[str]) -> None: ...


def build_date(explicit: dt.date | None = None) -> dt.date:
    """The date rules are judged on: explicit, else $STORYPORTAL_BUILD_DATE, else today."""
    if explicit is not None:
        return explicit
    env = os.environ.get("STORYPORTAL_BUILD_DATE")
    return dt.date.fromisoformat(env) if env else dt.date.today()


Resolved = tuple[Story | None, Status, list[Issue]]  # what resolve_story made of a file


@dataclass
class PortalLoader:
    """Loads a portal, keeping each story file's parse keyed by its content hash.

    A preview server keeps one loader across rebuilds, so an edit re-reads only the
    file that changed; a full build uses a fresh one. Both give the same Portal.
    """

    settings: SiteSettings
    _files: dict[tuple[StoryRef, str], StoryFile] = field(default_factory=dict)  # (ref, sha256) -> StoryFile
    # ref -> ((modification and change times, size, inode), key in _files): a file whose status is the
    # same as when it was read is not read and hashed again (10,000 stories on every preview rebuild)
    _stats: dict[StoryRef, tuple[tuple[int, int, int, int], tuple[StoryRef, str]]] = field(default_factory=dict)
    _registry: tuple[Registry | None, list[Issue]] = (None, [])
    _pending: set[str] | None = None  # sources saved since every file was last read; None: not known
    _registry_key: tuple[str, str] | None = None
    # advocates.yaml's last parse: an edit inside one advocate's entry parses that entry only
    _registry_parser: EntryParser = field(default_factory=lambda: EntryParser("advocates"))
    _advocates: RegistryMemo = field(
        default_factory=RegistryMemo
    )  # records read last time, while the images are the same
    # source -> (StoryFile, issues): a story's private values, found again when its file or the registry's
    # private values (not its consents: a revocation keeps them) change
    _private: dict[str, tuple[StoryFile, list[Issue]]] = field(default_factory=dict)
    _private_key: tuple[tuple[PrivateValue, ...], ...] = ()
    _private_generation = 0  # counts changes of _private_key; part of every kept resolution's inputs
    # source -> (what the story was resolved from, the result, the unnamed advocates it was scanned for,
    # the mask of its words or None): kept while its file, the registry, the date and the image files
    # beside it are unchanged and it shows none of the names that changed (core.namewords), so that an
    # unchanged story stays the same object
    _resolved: dict[str, tuple[tuple[object, ...], Resolved, Unnamed, bytes | None]] = field(default_factory=dict)
    # The preview's: keep each resolved story's words' mask, so that a revocation (a change of who may
    # be named) scans again only the stories that may show a changed name, not all of them.
    keeps_name_words: bool = False
    _taxonomy: Taxonomy | None = None
    # The preview's shortcuts while the watcher says what was saved (``look``; each falls back to the
    # full pass when it is None): the last discovery and its sources, the last files read, and what the
    # last resolution of every file was made from (refs, registry, date, private generation)
    _discovered: tuple[list[StoryRef], list[Issue]] | None = None
    _sources: dict[str, StoryRef] = field(default_factory=dict)  # normalised source -> its ref
    _names: list[str] | None = None  # the stories folder's names at the last discovery
    _scanned: list[Issue] = field(default_factory=list)  # what the last discovery's scan_stories reported
    # (the discovery before, this one, the sources added) when this discovery is that one with new story
    # files: the files of the one before are then kept as after an edit
    _grown: tuple[list[StoryRef], list[StoryRef], frozenset[str]] | None = None
    _read_last: tuple[list[StoryRef], dict[str, StoryFile]] | None = None
    _settled: tuple[object, ...] | None = None
    # (the discovery, what check_versions read, its issues, the statuses it set)
    _versions_checked: tuple[object, tuple[object, ...], list[Issue], dict[str, Status]] | None = None
    _placed: tuple[list[Story], dict[str, str], list[Story]] | None = None  # (stories, prefixes, placed)
    _urls_checked: tuple[tuple[object, ...], list[Issue]] | None = None  # (what check_unique_urls read, its answer)
    _shows_images: dict[str, tuple[StoryFile, bool]] = field(default_factory=dict)  # source -> (file, answer)
    decoded: DecodeLog | None = None  # images known to decode, kept between builds (the image cache's)
    bodies: BodyStore | None = None  # rendered story bodies, kept between builds (the image cache folder's)
    parses: ParseStore | None = None  # stories' parsed front matter, kept between builds (the same folder's)
    # Stories in which no private value was found, kept between builds for the same values and code
    # (the image cache folder's scanned.log): a warm build does not search them again
    scans: KeyStore | None = None
    _scans_for: str = ""  # the digest of the values and code the kept keys are for
    _scans_of: tuple[object, object] | None = None  # the registry and settings _scans_for was made from
    _scans_known: frozenset[str] = frozenset()
    _scans_clean: dict[str, str] = field(default_factory=dict)  # source -> key, found clean with them

    def load(self, today: dt.date, saved: set[str] | None = None) -> Portal:
        """The portal as the files are now. ``saved``: the story files (sources) saved since the last
        load, as the preview's watcher saw them; None when unknown (every file's status is compared)."""
        # Loading allocates hundreds of thousands of small objects that all live until the
        # end: the cyclic collector would rescan them again and again (45% of the time at
        # 10,000 stories) and can free none of them.
        enabled = gc.isenabled()
        gc.disable()
        try:
            with remembering_decodes(self.decoded), remembering_bodies(self.bodies), remembering_listings():
                return self._load(today, saved)
        finally:
            if enabled:
                gc.enable()

    def _load(self, today: dt.date, saved: set[str] | None = None) -> Portal:
        look = self._to_look_at(saved)  # first: a load that fails below still remembers what was saved
        settled_before, self._settled = self._settled, None  # None until this load has resolved every file
        root, config = self.settings.root, self.settings.portal
        if self._taxonomy is None:  # a function of the settings, which are this loader's
            self._taxonomy = build_taxonomy(config)
        taxonomy = self._taxonomy
        registry, issues = self.registry(taxonomy)
        if registry is not None:  # who may be named depends on the day: so do the fields that name them
            registry, named_in_fields = registry.on_day(today)
            issues = [*issues, *named_in_fields]
        messages = load_messages(self.settings)
        issues = [*self.settings.notes, *messages.issues, *issues]
        refs, found = self.discover(look)
        issues += found
        files = self.read_all(refs, look)
        self._pending = set()  # every file read: what was saved before is seen
        if registry is None:  # every advocate check would be noise: report shapes only
            issues += [i for f in files.values() for i in f.issues]
            private, raw_names = raw_guarded(root, config)  # still guarded, though no story is published
            empty = Registry(MappingProxyType({}), MappingProxyType({}), private=private, broken_names=raw_names)
            issues += config_issues(self.settings, empty.private_matcher)
            return Portal(
                self.settings,
                today,
                taxonomy,
                empty,
                (),
                MappingProxyType({s: Status.INVALID for s in files}),
                tuple(sort_issues(issues)),
                messages,
                registry_read=False,
            )
        # what mkdocs.yml shows: no private value, nor the name of anyone no page may name today
        issues += config_issues(self.settings, registry.private_matcher, registry.guarded_name_matcher(today))
        prefixes = {lang.code: lang.url_prefix for lang in site_languages(config)}
        stories, status = [], {}
        if self._private_key != (registry.private, registry.internal):
            self._private, self._private_key = {}, (registry.private, registry.internal)
            # Any advocate's private value may be typed into any story: a change of them resolves every story again.
            self._private_generation += 1
        # Nor may any story name an advocate who may not be named: after a change of who may be named
        # (a consent revoked), a story is resolved again if it may show one of the names that changed.
        unnamed = registry.unnamed_normalised(today)
        names = NameChanges(unnamed)
        self._open_scans(registry)
        folders = FolderStates(root)
        # Resolved last time from the same files, registry, date and private values, and nothing saved
        # since but story files (no image beside one): only those need their inputs compared.
        settled = (
            look is not None
            and settled_before is not None
            # the same discovery, or it with new story files: nothing but story files saved since
            and (settled_before[0] is refs or self.grew_from(settled_before[0], refs))
            and settled_before[1] is registry
            and settled_before[2:] == (today, self._private_generation)
        )
        changed = set()
        if settled and look is not None:
            changed = {ref.source for ref in self.saved_refs(look)} | (self._grown[2] if self._grown else set())
        for source, file in files.items():
            if settled and source not in changed:
                story, state, story_issues = self._resolved[source][1]
                issues += story_issues
                status[source] = state
                if story is not None:
                    stories.append(story)
                continue
            images = folders.state(file.ref.folder) if self.may_show_images(file) else ()
            inputs = (file, registry_entries(file, registry), today, images, self._private_generation)
            kept = self._resolved.get(source)
            if kept is not None and kept[0] == inputs and names.same_names(kept[2], kept[3]):
                story, state, story_issues = kept[1]
                if kept[2] is not unnamed:
                    self._resolved[source] = (inputs, kept[1], unnamed, kept[3])
            else:
                found_private = self.private_values(file, registry)
                story, state, story_issues = resolve_story(file, registry, taxonomy, config, root, today, found_private)
                mask = words_mask(shown_texts(file)) if self.keeps_name_words else None
                self._resolved[source] = (inputs, (story, state, story_issues), unnamed, mask)
            issues += story_issues
            status[source] = state
            if story is not None:
                stories.append(story)
        self._settled = (refs, registry, today, self._private_generation)
        self._keep_scans()
        valid = [s for s in stories if status[s.source] is not Status.INVALID]
        handwritten = handwritten_addresses(root, self.settings.docs_dir)  # an alias may not take their place
        dupes = self.unique_urls(valid, files, refs, handwritten)
        for issue in dupes:
            status[issue.path] = Status.INVALID
        issues += dupes
        for issue in found:  # a duplicate or invalid slug makes the story unpublishable
            if issue.severity is Severity.ERROR and issue.path in status:
                status[issue.path] = Status.INVALID
        issues += self.versions_checked(stories, status, files, refs)
        stories = self.placed(stories, prefixes)
        return Portal(
            self.settings,
            today,
            taxonomy,
            registry,
            tuple(stories),
            MappingProxyType(status),
            tuple(sort_issues(issues)),
            messages,
        )

    def discover(self, look: set[str] | None) -> tuple[list[StoryRef], list[Issue]]:
        """discover_stories, or the last answer when the stories folder holds the same names and every
        file saved since under it is a story file found then and still a plain file (an edit, not a file
        made, removed or renamed); with new plain story files besides (a new story), the last answer
        with them (slug_problems checked again). The names are listed every time: a story appearing is
        never missed, whatever the watcher said."""
        base = os.path.join(self.settings.root, self.settings.portal.stories_dir)
        try:
            names = sorted(os.listdir(base))
        except OSError:
            names = None
        kept, self._grown = self._discovered, None
        if look is None or kept is None or names is None or os.path.islink(base):  # a link: scan_stories says so
            return self._discover_all(names)
        if names == self._names and self._same_stories(look):
            return kept
        added = self._added_stories(names, look)
        if added is None:
            return self._discover_all(names)
        config = self.settings.portal
        refs = list(kept[0])
        for ref in added:  # in scan_stories' order: by the stories folder's entry names
            bisect.insort(refs, ref, key=lambda r: entry_name(r, config))
        self._grown = (kept[0], refs, frozenset(ref.source for ref in added))
        self._sources.update({os.path.normpath(ref.source): ref for ref in added})
        self._names = names
        self._discovered = (refs, self._scanned + slug_problems(refs))
        return self._discovered

    def _discover_all(self, names: list[str] | None) -> tuple[list[StoryRef], list[Issue]]:
        refs, self._scanned = scan_stories(self.settings.root, self.settings.portal)
        self._discovered = (refs, self._scanned + slug_problems(refs))
        self._sources = {os.path.normpath(ref.source): ref for ref in refs}
        self._names = names
        return self._discovered

    def _added_stories(self, names: list[str], look: set[str]) -> list[StoryRef] | None:
        """The refs of the names new in the stories folder, when every one is a plain story file, no name
        is gone, and every other file saved under it is a story file found then (_same_stories); else None."""
        if self._names is None or any(i.rule == STORIES_MISSING for i in self._scanned):
            return None  # no folder (or a link) last time: every name would look new
        before = set(self._names)
        if not before.issubset(names):
            return None
        root, config = self.settings.root, self.settings.portal
        added = [plain_story_ref(root, config, name) for name in names if name not in before]
        if not all(added):
            return None
        found = [ref for ref in added if ref is not None]
        new = {os.path.normpath(ref.source) for ref in found}
        return found if self._same_stories({p for p in look if os.path.normpath(p) not in new}) else None

    def grew_from(self, before: object, refs: list[StoryRef]) -> bool:
        """Whether ``refs`` is the discovery ``before`` with new story files only (discover)."""
        return self._grown is not None and self._grown[0] is before and self._grown[1] is refs

    def _same_stories(self, look: set[str]) -> bool:
        base = os.path.normpath(self.settings.portal.stories_dir)
        for saved in look:
            path = os.path.normpath(saved)
            if base != os.curdir and path != base and not path.startswith(base + os.sep):
                continue  # outside the stories folder (the registry, say)
            if path not in self._sources:
                return False
            try:
                if not S_ISREG(os.lstat(os.path.join(self.settings.root, path)).st_mode):
                    return False  # a folder or a link now
            except OSError:
                return False  # removed
        return True

    def unique_urls(
        self, valid: list[Story], files: dict[str, StoryFile], refs: list[StoryRef], handwritten: dict[str, str]
    ) -> list[Issue]:
        """check_unique_urls, checked again only when what it reads changed: the stories' addresses (the
        same discovery), which stories may claim an alias, and the files that have aliases (the only ones it
        reports on). A body edit changes none of them; 10,000 stories' checks were made for it."""
        prefixes = language_prefixes(self.settings.portal)
        with_aliases = tuple((s, f) for s, f in files.items() if f.front is not None and f.front.aliases)
        inputs = (refs, prefixes, tuple(s.source for s in valid), with_aliases, handwritten)
        kept = self._urls_checked
        if kept is None or kept[0][0] is not refs or kept[0][1:] != inputs[1:]:
            kept = self._urls_checked = (inputs, check_unique_urls(valid, files, prefixes, handwritten))
        return list(kept[1])

    def versions_checked(
        self, stories: list[Story], status: dict[str, Status], files: dict[str, StoryFile], refs: list[StoryRef]
    ) -> list[Issue]:
        """check_versions, or its last answer (issues and the statuses it set) when everything it reads is the
        same: the translations and the stories in a language the site lacks (the only ones it reports on),
        what they translate (its file, story and status), every file's slug (the same discovery). Without
        translations that is one look at each story's language (10,000 stories' checks were made for each edit)."""
        config = self.settings.portal
        codes = tuple(lang.code for lang in site_languages(config))
        relevant = tuple(s for s in stories if s.translation_of is not None or s.lang not in codes)
        targets = {s.translation_of for s in relevant if s.translation_of is not None}
        originals = tuple(s for s in stories if s.slug in targets) if targets else ()
        named = tuple((p, f, status.get(p)) for p, f in files.items() if f.ref.slug in targets) if targets else ()
        inputs = (
            codes,
            tuple((s, files[s.source], status[s.source]) for s in relevant),
            originals,
            tuple((s.source, status[s.source]) for s in originals),
            named,
        )
        kept = self._versions_checked
        if kept is None or kept[0] is not refs or kept[1] != inputs:
            before = dict(status)
            found = check_versions(stories, status, files, config)
            changes = {source: state for source, state in status.items() if before[source] is not state}
            kept = self._versions_checked = (refs, inputs, found, changes)
        status.update(kept[3])
        return list(kept[2])

    def placed(self, stories: list[Story], prefixes: dict[str, str]) -> list[Story]:
        """place_versions; without translations a story's place depends on itself only, so the stories that
        are the same objects as last time (in the same places) keep last time's placement."""
        last = self._placed
        translated = any(s.translation_of is not None for s in stories)  # a translation shows its original's image
        if last is None or translated or last[1] != prefixes or len(last[0]) != len(stories):
            found = place_versions(stories, prefixes)
        else:
            found = list(last[2])
            for at, (old, new) in enumerate(zip(last[0], stories, strict=True)):
                if old is not new:
                    found[at] = place_versions([new], prefixes)[0]
        self._placed = (stories, prefixes, found)
        return found

    def saved_refs(self, look: set[str]) -> list[StoryRef]:
        """The story files (of the last discovery) among the saved paths."""
        found = (self._sources.get(os.path.normpath(saved)) for saved in look)
        return [ref for ref in found if ref is not None]

    def read_all(self, refs: list[StoryRef], look: set[str] | None) -> dict[str, StoryFile]:
        """source -> its file's parse; with the same story files as last time and ``look`` known, the
        last answer with the saved files read again (10,000 look-ups a rebuild otherwise)."""
        last = self._read_last
        if look is not None and last is not None and last[0] is refs:
            files = dict(last[1])
            for ref in self.saved_refs(look):
                files[ref.source] = self.read(ref)
        elif look is not None and last is not None and self.grew_from(last[0], refs):
            read_before, saved = last[1], {ref.source for ref in self.saved_refs(look)}
            files = {
                ref.source: read_before[ref.source]
                if ref.source in read_before and ref.source not in saved
                else self.read(ref)
                for ref in refs
            }
        else:
            # A file that was not there at the last read is looked at, whatever the watcher said (one
            # made again under a name it had before may hold anything).
            before = last[1] if last is not None else {}
            files = {ref.source: self.read(ref, look if ref.source in before else None) for ref in refs}
        self._read_last = (refs, files)
        return files

    def may_show_images(self, file: StoryFile) -> bool:
        """rules.may_show_images, kept per file read (it scans the whole body: 10,000 per preview rebuild)."""
        kept = self._shows_images.get(file.ref.source)
        if kept is None or kept[0] is not file:
            kept = (file, may_show_images(file))
            self._shows_images[file.ref.source] = kept
        return kept[1]

    def private_values(self, file: StoryFile, registry: Registry) -> list[Issue]:
        """The private values a story shows; kept while its file and the registry's private values are
        unchanged, and none where an earlier build found none in the same file with the same values."""
        source = file.ref.source
        kept = self._private.get(source)
        if kept is not None and kept[0] is file:
            return list(kept[1])
        key = hashlib.sha256(f"{source}\0{file.content_hash}".encode("utf-8", "surrogatepass")).hexdigest()
        found = [] if key in self._scans_known else registry_private_values(file, registry)
        if self.scans is not None:
            if found or file.issues:  # a story not read whole was not searched whole: never kept clean
                self._scans_clean.pop(source, None)
            else:
                self._scans_clean[source] = key
        self._private[source] = (file, found)
        return list(found)

    def _open_scans(self, registry: Registry) -> None:
        """The stories an earlier build found clean with these private values and this code."""
        if self.scans is None:
            return
        if self._scans_of is not None and self._scans_of[0] is registry and self._scans_of[1] is self.settings.portal:
            return  # the same objects (the preview re-reads neither while their files are unchanged)
        # The settings too: how a story file is read (its size limit, say) decides what is searched.
        digest = made_for([*registry.private, *registry.internal_values()], [(self.settings.portal.model_dump_json(),)])
        self._scans_of = (registry, self.settings.portal)
        if digest != self._scans_for:
            self._scans_for = digest
            self._scans_known, self._scans_clean = self.scans.known(digest), {}

    def _keep_scans(self) -> None:
        clean = frozenset(self._scans_clean.values())
        if self.scans is not None and clean != self._scans_known:
            self.scans.keep(self._scans_for, clean)
            self._scans_known = clean

    def registry(self, taxonomy: Taxonomy) -> tuple[Registry | None, list[Issue]]:
        """The registry, parsed again only when its bytes or the files under assets_dir change."""
        root, config = self.settings.root, self.settings.portal
        try:
            raw = read_regular(root / config.registry)
        except OSError:  # load_registry says why
            raw = b""
        assets = root / config.assets_dir
        stamps = (
            sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in assets.rglob("*"))
            if assets.is_dir()
            else []
        )
        key = (hashlib.sha256(raw).hexdigest(), repr(stamps))
        if self._registry_key != key:
            if self._registry_key is None or self._registry_key[1] != key[1]:
                self._advocates = RegistryMemo()  # a photo may have come or gone
            self._registry = load_registry(root, config, taxonomy, self._registry_parser, self._advocates)
            self._registry_key = key
        return self._registry

    def _to_look_at(self, saved: set[str] | None) -> set[str] | None:
        """The sources saved since the files were last all read (a load that failed half-way read
        some of them only), or None: look at every file."""
        if saved is None or self._pending is None:
            self._pending = None
            return None
        self._pending |= saved
        return self._pending

    def read(self, ref: StoryRef, look: set[str] | None = None) -> StoryFile:
        """The file's parse; kept without a look at the file when ``look`` (what was saved) leaves it out."""
        if look is not None and ref.source not in look:
            known = self._stats.get(ref)
            if known is not None and known[1] in self._files:
                return self._files[known[1]]
        path = os.path.join(self.settings.root, ref.source)  # not pathlib: 10,000 per preview rebuild
        try:
            stat = os.stat(path)
            seen = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
            known = self._stats.get(ref)
            if known is not None and known[0] == seen and known[1] in self._files:
                return self._files[known[1]]  # the same file, untouched since it was read: not read again
            raw = read_regular(path, stat.st_mode)
        except NotRegularFile as exc:  # a pipe or a device would never finish reading
            return StoryFile(ref, "", None, None, "", 1, (not_regular_issue(ref.source, exc.kind),))
        except OSError as exc:
            problem = Issue(ref.source, 0, 0, "file-unreadable", f"The file cannot be read: {exc.strerror}")
            return StoryFile(ref, "", None, None, "", 1, (problem,))
        key = (ref, hashlib.sha256(raw).hexdigest())
        if key not in self._files:
            # Stories' front matter only: the registry's parse holds every private value, which the
            # cache folder (and so a CI cache) should not
            with remembering_parses(self.parses):
                self._files[key] = read_story(ref, raw, self.settings.portal)
        self._stats[ref] = (seen, key)
        return self._files[key]


def load_portal(settings: SiteSettings, today: dt.date | None = None) -> Portal:
    """Load and check everything once; the one entry point for a full build or validate."""
    return PortalLoader(settings).load(build_date(today or settings.portal.build_date))


def registry_entries(file: StoryFile, registry: Registry) -> tuple[object, ...]:
    """What resolving the story reads of the registry: the entries of the advocates it names.

    A story naming an advocate the registry lacks is told the nearest ids: it reads them all.
    So a revocation resolves again only the stories of that advocate.
    """
    if file.front is None:
        return ()
    entries = tuple((a, registry.advocates.get(a), a in registry.broken) for a in file.front.advocates)
    if any(entry is None and not broken for _, entry, broken in entries):
        return (registry,)
    return entries


class FolderStates:
    """The image files of a story folder as (path, size, modification time), read once per load.

    Markdown files are left out: they are stories, read (and compared) on their own.
    """

    def __init__(self, root: Path):
        self.root = root
        self.states: dict[str, tuple[tuple[str, int, int], ...]] = {}

    def state(self, folder: str) -> tuple[tuple[str, int, int], ...]:
        if folder not in self.states:
            found = []
            for top, _, names in os.walk(self.root / folder):
                for name in names:
                    if not name.endswith(".md"):
                        path = os.path.join(top, name)
                        stat = os.lstat(path)
                        found.append((path, stat.st_size, stat.st_mtime_ns))
            self.states[folder] = tuple(sorted(found))
        return self.states[folder]


def place_versions(stories: list[Story], prefixes: dict[str, str]) -> list[Story]:
    """Each story on its language's site (its URL prefix); a translation without its own image shows the original's.

    A story that needs neither stays the same object, so the preview's memos still know it.
    """
    heroes = {s.slug: s.image for s in stories}
    placed = []
    for story in stories:
        prefix, image = prefixes.get(story.lang, ""), story.image or heroes.get(story.translation_of or "")
        same = prefix == story.prefix and image == story.image
        placed.append(story if same else dc.replace(story, prefix=prefix, image=image))
    return placed
