"""Every link and asset of a built site resolves, served by a real static server on loopback.

The crawler reads every HTML page the build wrote (the pages a visitor reaches and the
ones only a redirect or an error reaches) with the stdlib HTML parser, collects every
internal reference (a[href], link[href], script[src], img[src], img/source[srcset],
data-*-url attributes the page script fetches, og:image / og:url / canonical, redirect
targets, sitemap entries, url() in our stylesheets) and requests each one from
http.server: any status but 200 is a failure, listed with the pages that use it.
Links to other hosts are not followed, but nothing may *load* from another host.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import re
import shutil
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from htmlscan import scan
from sitebuilder import CASE_STUDY_BODY
from storyportal.cli.main import main as cli_main
from storyportal.core.body import render_body

REPO = Path(__file__).resolve().parent.parent
DEMO_DATE = "2026-11-24"
SYNTH_STORIES = 1000
# rel values of <link> that make the browser fetch something on page load
LOADING_RELS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "manifest", "apple-touch-icon", "prefetch"}


# -- building and serving --------------------------------------------------------

def storyportal(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; (exit code, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli_main(list(args))
        except SystemExit as exc:
            code = exc.code
    return code, err.getvalue()


def copy_demo(dest: Path) -> Path:
    """The repository's demo portal in ``dest``, its theme read from the repository."""
    for name in ("stories", "assets", "docs"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "advocates.yaml", dest / "advocates.yaml")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["custom_dir"] = str(REPO / "theme")
    config["watch"] = [path for path in config.get("watch", []) if path != "theme"]
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest / "mkdocs.yml"


def build(config: Path, out: Path, *args: str) -> Path:
    code, err = storyportal("build", "-f", str(config), "-d", str(out), *args)
    assert code == 0, err
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(root: Path):
    """http.server on 127.0.0.1 and a free port, for the duration of the block: yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# -- crawling --------------------------------------------------------------------

@dataclass
class Crawl:
    base: str  # http://127.0.0.1:<port>/
    site_url: str  # absolute URLs under it are ours (canonical, og:image, sitemap)
    pages: int = 0
    checked: dict[str, int] = field(default_factory=dict)  # url without fragment -> status
    used_by: dict[str, set[str]] = field(default_factory=dict)  # url -> pages referencing it
    external_loads: list[str] = field(default_factory=list)  # "page: <tag attr=url>"

    def broken(self) -> list[str]:
        return sorted(f"{status} {url} (from {', '.join(sorted(self.used_by[url])[:3])})"
                      for url, status in self.checked.items() if status != 200)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def local(url: str, crawl: Crawl) -> str:
    """Absolute addresses under site_url become addresses on the local server."""
    if crawl.site_url and url.startswith(crawl.site_url):
        return crawl.base + url[len(crawl.site_url):]
    return url


def srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def references(html: str) -> list[tuple[str, str, bool]]:
    """(description, url, loads on page view) of every reference a page makes."""
    found = []
    for el in scan(html).elements:
        a = el.attrs
        if el.tag == "a" and "href" in a:
            found.append(("a[href]", a["href"], False))
        if el.tag == "link" and "href" in a:
            rels = set(a.get("rel", "").lower().split())
            found.append((f"link[rel={a.get('rel', '')}]", a["href"], bool(rels & LOADING_RELS)))
        if el.tag in ("script", "img", "iframe", "audio", "video", "source", "embed", "track") and a.get("src"):
            found.append((f"{el.tag}[src]", a["src"], True))
        if el.tag in ("img", "source") and a.get("srcset"):
            found += [(f"{el.tag}[srcset]", u, True) for u in srcset_urls(a["srcset"])]
        if el.tag == "meta" and a.get("property", a.get("name", "")) in ("og:image", "og:url", "twitter:image"):
            found.append((f"meta[{a.get('property', a.get('name'))}]", a.get("content", ""), False))
        if el.tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            target = re.search(r"url=(.+)$", a.get("content", ""), re.I)
            found.append(("meta[refresh]", target.group(1).strip() if target else "", False))
        found += [(f"{el.tag}[{name}]", value, False) for name, value in a.items()
                  if name.startswith("data-") and name.endswith("-url") and value]
    return found


def is_other_host(url: str, crawl: Crawl) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and not url.startswith(crawl.base)


def check(crawl: Crawl, page_url: str, description: str, ref: str, loads: bool) -> str | None:
    """Record ``ref`` as used by ``page_url``; returns the local URL to request, if any."""
    if not ref or ref.startswith(("#", "mailto:", "tel:", "data:")) or ref == "javascript:void(0)":
        return None
    url = local(urljoin(page_url, local(ref, crawl)), crawl)
    if is_other_host(url, crawl):
        if loads:
            crawl.external_loads.append(f"{page_url[len(crawl.base):] or '/'}: {description} {ref}")
        return None
    url = url.split("#", 1)[0]
    crawl.used_by.setdefault(url, set()).add(page_url[len(crawl.base):] or "/")
    return url


def page_url_of(path: Path, root: Path, base: str) -> str:
    rel = path.relative_to(root).as_posix()
    return base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def crawl_site(root: Path, site_url: str) -> Crawl:
    """Request every HTML page under ``root`` and every reference in it, from a local server."""
    with served(root) as base:
        crawl = Crawl(base, site_url)
        pending: set[str] = set()
        for path in sorted(root.rglob("*.html")):
            url = page_url_of(path, root, base)
            crawl.checked[url] = status_of(url)
            crawl.used_by.setdefault(url, set()).add("(file on disk)")
            crawl.pages += 1
            html = path.read_text(encoding="utf-8")
            for description, ref, loads in references(html):
                target = check(crawl, url, description, ref, loads)
                if target is not None and target not in crawl.checked:
                    pending.add(target)
        for css in sorted(root.rglob("*.css")):  # url() in stylesheets loads too
            css_url = base + css.relative_to(root).as_posix()
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8", errors="replace")):
                target = check(crawl, css_url, "css url()", ref, True)
                if target is not None:
                    pending.add(target)
        sitemap = root / "sitemap.xml"
        if sitemap.is_file():
            for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap.read_text(encoding="utf-8")):
                target = check(crawl, base + "sitemap.xml", "sitemap <loc>", loc, False)
                if target is not None:
                    pending.add(target)
        for url in sorted(pending - set(crawl.checked)):
            crawl.checked[url] = status_of(url)
    return crawl


def assert_no_broken_links(crawl: Crawl) -> None:
    broken = crawl.broken()
    assert not broken, f"{len(broken)} broken reference(s) of {len(crawl.checked)}:\n" + "\n".join(broken[:80])
    assert not crawl.external_loads, "resources loaded from another host:\n" + "\n".join(crawl.external_loads[:40])


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# -- the demo portal ------------------------------------------------------------

DEMO_SITE_URL = "https://stories.lumencloud.example/"


@pytest.fixture(scope="module")
def demo_config(tmp_path_factory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("demo"))


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_every_link_and_asset_of_the_demo_portal_resolves(demo_config, audience):
    out = build(demo_config, demo_config.parent / f"site-{audience}", "--build-date", DEMO_DATE,
                "--audience", audience)
    crawl = crawl_site(out, DEMO_SITE_URL)
    published = [row["slug"] for row in json.loads(read_text(out / "sales" / "index.json"))["stories"]]
    assert len(published) > 20  # the demo is not vacuous: its stories are published on the demo date
    assert all(crawl.checked[f"{crawl.base}stories/{slug}/"] == 200 for slug in published)
    kinds = {"stories/facets.json", "stories/cards-0.json", "assets/storyportal.js", "sales/index.csv", ".webp",
             "cards/"}
    assert {k for k in kinds if any(k in url for url in crawl.checked)} == kinds  # the crawl reached them all
    assert_no_broken_links(crawl)
    if audience == "internal":
        assert crawl.checked[crawl.base + "sales/roster/"] == 200
        assert crawl.checked[crawl.base + "sales/report/"] == 200


def test_the_crawler_finds_a_missing_asset(tmp_path):
    """The crawler itself: a page that names a missing image, script and page is reported."""
    root = tmp_path / "out"
    (root / "a").mkdir(parents=True)
    (root / "index.html").write_text('<a href="a/">a</a><img src="missing.png" srcset="a/x.webp 2x">'
                                     '<script src="https://cdn.example/x.js"></script>'
                                     '<meta http-equiv="refresh" content="0; url=gone/">'
                                     '<link rel="canonical" href="https://site.example/nowhere/">')
    (root / "a" / "index.html").write_text('<a href="https://other.example/">elsewhere</a><a href="#top">top</a>')
    crawl = crawl_site(root, "https://site.example/")
    assert [line.split(" (")[0] for line in crawl.broken()] == [
        f"404 {crawl.base}a/x.webp", f"404 {crawl.base}gone/", f"404 {crawl.base}missing.png",
        f"404 {crawl.base}nowhere/"]
    assert crawl.external_loads == ["/: script[src] https://cdn.example/x.js"]


# -- a synthetic portal of 1,000 stories ------------------------------------------

def test_every_link_of_a_synthetic_portal_of_1000_stories_resolves(tmp_path):
    """1,000 stories (20 with hero images, aliases none): ~30 s to build, a few to crawl."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from synth import BUILD_DATE, make_portal
    finally:
        sys.path.remove(str(REPO / "bench"))
    config = make_portal(tmp_path / "synth", stories=SYNTH_STORIES, images=20)
    started = time.perf_counter()
    out = build(config, tmp_path / "synth" / "site", "--build-date", BUILD_DATE.isoformat())
    built = time.perf_counter() - started
    crawl = crawl_site(out, "https://stories.synth.example/")
    published = [row["slug"] for row in json.loads(read_text(out / "sales" / "index.json"))["stories"]]
    assert len(published) > 900  # most synthetic stories are published; a few are withheld on purpose
    assert all(crawl.checked[f"{crawl.base}stories/{slug}/"] == 200 for slug in published)
    assert_no_broken_links(crawl)
    print(f"synthetic portal: built in {built:.1f} s, {crawl.pages} pages, {len(crawl.checked)} URLs checked")


# -- links inside story bodies -------------------------------------------------------

def test_footnote_and_heading_links_in_a_body_point_at_ids_on_the_page():
    body = render_body("See [the results](#results) and a note[^1].\n\n## Results\n\nDone.\n\n[^1]: The note.\n",
                       "stories", "acme").html
    targets = set(re.findall(r'href="#([^"]+)"', body))
    ids = set(re.findall(r'\bid="([^"]+)"', body))
    assert targets == {"sp-results", "sp-fn:1", "sp-fnref:1"}
    assert targets <= ids


def test_a_body_link_to_a_missing_anchor_is_left_alone():
    body = render_body("[elsewhere](#nowhere) and [top](#)\n", "stories", "acme").html
    assert body == ('<p><a href="#nowhere" rel="noopener noreferrer nofollow">elsewhere</a> and '
                    '<a href="#" rel="noopener noreferrer nofollow">top</a></p>')


def test_every_fragment_link_in_a_built_story_has_its_target(site):
    site.story("acme", body=CASE_STUDY_BODY + "\nA claim[^1], see [the results](#results).\n\n[^1]: Source.\n")
    page = read_text(site.build() / "stories" / "acme" / "index.html")
    parsed = scan(page)
    ids = {e.attrs["id"] for e in parsed.elements if "id" in e.attrs}
    body_links = {e.attrs["href"][1:] for e in parsed.elements
                  if e.tag == "a" and e.attrs.get("href", "").startswith("#") and len(e.attrs["href"]) > 1}
    assert {"sp-results", "sp-fn:1", "sp-fnref:1"} <= body_links
    assert body_links - ids == set()


@pytest.mark.parametrize("body", [
    "![A chart][chart]\n\n[chart]: missing-chart.png\n",
    '<img title="a>b" src="missing-chart.png">\n',
], ids=["reference-style-image", "img-with-angle-bracket-in-title"])
def test_a_missing_body_image_withholds_the_story(site, body):
    site.story("acme", body=CASE_STUDY_BODY + "\n" + body)
    assert any("missing-chart.png" in issue for issue in site.issues())
