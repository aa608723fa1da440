"""A scratch portal in tmp_path: ``site.company()``, ``site.advocate()``, ``site.story()``, ``site.build()``.

Each test writes only what it is about; everything else has valid defaults. Tests import
from here (``from sitebuilder import ...``); ``conftest.py`` only provides the fixture.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import textwrap
from pathlib import Path

import yaml

from storyportal.cli.main import main as cli_main
from storyportal.core.config import load_settings
from storyportal.core.portal import load_portal

BUILD_DATE = dt.date(2026, 6, 1)

TAXONOMY = {
    "industry": {"retail": "Retail", "healthcare": "Healthcare", "logistics": "Logistics"},
    "company_size": {"1-200": "1–200", "201-1000": "201–1,000", "1001-5000": "1,001–5,000"},
    "region": {"emea": "EMEA", "north-america": "North America", "apac": "APAC"},
    "products": {"analytics": "Analytics", "journeys": "Journeys"},
    "use_cases": {"onboarding": "Onboarding", "retention": "Retention"},
}
ALL_SCOPES = ["name", "quote", "logo", "case-study", "testimonial", "video", "reference-call"]
CASE_STUDY_BODY = "## Challenge\n\nBefore.\n\n## Solution\n\nWhat we did.\n\n## Results\n\nAfter.\n"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


class SiteBuilder:
    def __init__(self, root: Path):
        self.root = root
        # Search (Pagefind) off unless a test is about it: its index is not byte-reproducible, and it
        # costs a process per build. The demo portal (mkdocs.yml) builds with it.
        self.plugin: dict = {"taxonomy": TAXONOMY, "build_date": None, "search": False}
        self.mkdocs: dict = {"site_name": "Test stories", "site_url": "https://stories.test/"}
        self.companies: dict = {}
        self.advocates: dict = {}
        self.registry_raw: str | None = None
        self.extra_plugins: list = []  # e.g. ["search"]
        self.theme: dict = {}  # more Material theme settings, e.g. {"palette": {"primary": "indigo"}}
        (root / "stories").mkdir()
        (root / "docs").mkdir()

    # -- registry ---------------------------------------------------------------
    def company(self, ident: str = "acme", **fields) -> dict:
        entry = {"name": "Acme Corp", "industry": "retail", "size": "201-1000", "region": "emea"}
        entry.update(fields)
        self.companies[ident] = entry
        return entry

    def advocate(self, ident: str = "jane-doe", company: str = "acme", scopes=None, **fields) -> dict:
        if company not in self.companies and self.registry_raw is None:
            self.company(company)
        entry = {"name": "Jane Doe", "title": "VP Customer Experience", "company": company,
                 "consent": {"scopes": list(ALL_SCOPES if scopes is None else scopes), "granted": dt.date(2026, 1, 10)},
                 "private": {"email": "jane@acme.example"}}
        entry.update(fields)
        self.advocates[ident] = entry
        return entry

    def registry(self, text: str) -> None:
        """Write advocates.yaml exactly as given (for position tests)."""
        self.registry_raw = dedent(text)

    # -- stories ----------------------------------------------------------------
    def story(self, slug: str = "northwind", text: str | None = None, folder: bool = False, body: str | None = None,
              **front) -> Path:
        """Write a story; ``text`` is the whole file verbatim, else ``front`` overrides valid defaults."""
        if text is None:
            text = self.story_text(body=body, **front)
        path = self.root / "stories" / (f"{slug}/index.md" if folder else f"{slug}.md")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        if not self.advocates and self.registry_raw is None:
            self.advocate()
        return path

    def story_text(self, body: str | None = None, **front) -> str:
        data = {"title": "How Acme cut onboarding time by 40%", "type": "case-study", "advocates": ["jane-doe"],
                "summary": "Acme onboards customers in days, not weeks.", "published": dt.date(2026, 3, 14)}
        data.update(front)
        data = {k: v for k, v in data.items() if v is not None}
        if body is None:
            body = CASE_STUDY_BODY if data.get("type") == "case-study" else "A short story.\n"
        return "---\n" + _dump(data) + "---\n" + body

    def image(self, rel: str, size=(64, 48), fmt: str = "PNG", color=(200, 40, 40)) -> Path:
        from PIL import Image
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, color).save(path, fmt)
        return path

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
        return path

    def page_languages(self, wanted: dict[str, str]) -> None:
        """Give pages (by source, e.g. ``stories/acme.md``) an interface language, ``page.meta["sp_lang"]``,
        through a MkDocs hook: a stand-in for the per-language sites, which set it for their pages."""
        self.write("hooks.py", _LANG_HOOK.format(wanted=wanted))
        self.mkdocs["hooks"] = ["hooks.py"]

    # -- running ----------------------------------------------------------------
    def flush(self) -> None:
        config = dict(self.mkdocs)
        theme = {"name": "material", "custom_dir": str(_THEME), "font": False, **self.theme}
        config.update({"docs_dir": "docs", "theme": theme,
                       "plugins": [{"storyportal": {k: v for k, v in self.plugin.items() if v is not None}},
                                   *self.extra_plugins]})
        (self.root / "mkdocs.yml").write_text(_dump(config))
        registry = self.registry_raw
        if registry is None:
            registry = _dump({"companies": self.companies, "advocates": self.advocates})
        (self.root / "advocates.yaml").write_text(registry, encoding="utf-8")

    def load(self, today: dt.date = BUILD_DATE):
        self.flush()
        settings, problems = load_settings(self.root / "mkdocs.yml")
        assert settings is not None, problems
        return load_portal(settings, today)

    def issues(self, today: dt.date = BUILD_DATE) -> list[str]:
        return [i.format() for i in self.load(today).issues]

    def build(self, *args: str, today: dt.date = BUILD_DATE) -> Path:
        """``storyportal build`` into ``site/`` (or ``-d``); fails the test if the build fails."""
        code, out, err = self.cli("build", "--build-date", today.isoformat(), *args)
        assert code == 0, err
        return self.root / ("site-internal" if "internal" in args else "site")

    def cli(self, *args: str) -> tuple[int, str, str]:
        self.flush()
        return self.run(*args)

    def run(self, *args: str) -> tuple[int, str, str]:
        """The ``storyportal`` command on the files as they are on disk (not written again)."""
        return run_cli(self.root, *args)


_LANG_HOOK = """
from mkdocs.plugins import event_priority

@event_priority(-50)  # after the storyportal plugin has set the page's meta
def on_page_markdown(markdown, page, **kwargs):
    wanted = {wanted!r}
    if page.file.src_uri in wanted:
        page.meta["sp_lang"] = wanted[page.file.src_uri]
    return markdown
"""
_THEME = Path(__file__).resolve().parent.parent / "theme"


class _NoAliasDumper(yaml.SafeDumper):
    """The same date object used twice must not become a YAML alias (which the loader refuses)."""

    def ignore_aliases(self, data):
        return True


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True)


def run_cli(root: Path, *args: str) -> tuple[int, str, str]:
    """``storyportal ARGS`` in ``root``, in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli_main(list(args))
            except SystemExit as exc:
                code = exc.code
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


# -- right-to-left stories --------------------------------------------------------------------------------
ARABIC_SECTIONS = ["التحدي", "الحل", "النتائج"]
HEBREW_SECTIONS = ["האתגר", "הפתרון", "התוצאות"]


def rtl_stories(site: SiteBuilder) -> None:
    """An English story, an Arabic one and a Hebrew one (with their own case-study sections)."""
    site.plugin["case_study_sections"] = {"en": ["Challenge", "Solution", "Results"],
                                          "ar": ARABIC_SECTIONS, "he": HEBREW_SECTIONS}
    site.story("acme")
    site.story("acme-ar", lang="ar", title="كيف خفّضت أكمي وقت تأهيل العملاء بنسبة ٤٠٪",
               summary="أصبحت أكمي تؤهّل عملاءها الجدد في أيام بدلاً من أسابيع.",
               metrics=[{"value": "٤٠٪", "label": "تأهيل أسرع"}], tags=["القنوات المتعددة"],
               body="".join(f"## {h}\n\nنص الفقرة الخاصة بهذا القسم من القصة.\n\n" for h in ARABIC_SECTIONS))
    site.story("acme-he", lang="he", title="איך אקמי קיצרה את זמן ההטמעה ב-40%",
               summary="אקמי מטמיעה לקוחות חדשים בתוך ימים במקום שבועות.",
               body="".join(f"## {h}\n\nטקסט הפסקה של החלק הזה בסיפור.\n\n" for h in HEBREW_SECTIONS))
