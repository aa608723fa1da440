"""Two audiences, one registry: what the public site, the internal site and the sales exports may hold.

The registry below carries a unique marker in every private value (strings, a number, a
date, nested maps and lists) and in ``reference_calls.owner``. The public build holds
none of them in any file, searched as bytes (and inside .gz files), case-insensitively,
so an escaped, lower-cased or URL-encoded copy still counts. The internal build adds
the roster (owners, calls left) and still holds no private value.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import urllib.parse
from pathlib import Path

import pytest

from htmlscan import scan
from sitebuilder import BUILD_DATE
from storyportal.site.leakguard import scan_output

PRIVATE = {  # advocate -> private block; every leaf holds a marker no other value contains
    "jane-doe": {"email": "privmail-9q1x@northwind.example", "phone": "+44 20 7946 0321",
                 "nps": 918273, "notes": "PRIVNOTE-3k8v <b>prefers</b> email & \"mornings\"",
                 "history": ["PRIVHIST-1a2b", {"deal": "PRIVDEAL-7c7c"}], "address": {"street": "PRIVSTREET-5d5d"},
                 "birthday": dt.date(1931, 7, 19)},
    "raj-patel": {"email": "privmail-4t4t@acme.example", "phone": "+1 415 555 0198", "notes": "PRIVNOTE-8m8m"},
}
PRIVATE_MARKERS = ["privmail-9q1x", "20 7946 0321", "918273", "PRIVNOTE-3k8v", "PRIVHIST-1a2b", "PRIVDEAL-7c7c",
                   "PRIVSTREET-5d5d", "1931-07-19", "privmail-4t4t", "415 555 0198", "PRIVNOTE-8m8m"]
OWNERS = {"jane-doe": "owner-6h6h@ourco.example", "raj-patel": "OWNERNAME-2w2w Alex Smith"}
OWNER_MARKERS = ["owner-6h6h", "OWNERNAME-2w2w"]
Q2_CALL, Q1_CALL = dt.date(2026, 5, 17), dt.date(2026, 2, 2)  # BUILD_DATE is 2026-06-01, in Q2


def portal(site) -> None:
    site.company("northwind", name="Northwind Traders")
    site.company("acme", name="Acme Corp", industry="healthcare")
    site.advocate("jane-doe", company="northwind", private=PRIVATE["jane-doe"],
                  reference_calls={"available": True, "max_per_quarter": 3, "log": [Q1_CALL, Q2_CALL],
                                   "owner": OWNERS["jane-doe"]})
    site.advocate("raj-patel", company="acme", name="Raj Patel", private=PRIVATE["raj-patel"],
                  reference_calls={"available": True, "max_per_quarter": 1, "log": [], "owner": OWNERS["raj-patel"]})
    site.story("northwind", advocates=["jane-doe"], quote="We stopped guessing.",
               metrics=[{"value": "40%", "label": "faster onboarding"}])
    site.story("acme-voices", type="testimonial", advocates=["raj-patel"], title="Acme, in their words",
               quote="It just works.", published=dt.date(2026, 4, 2))


def file_texts(out: Path) -> dict[str, str]:
    """Every file of a build as lower-cased text (bytes as latin-1), .gz files also decompressed."""
    texts = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data += b"\n" + gzip.decompress(data)
        texts[path.relative_to(out).as_posix()] = data.decode("latin-1").lower()
    return texts


def forms(marker: str) -> set[str]:
    """The marker as written, URL-encoded or with JSON-escaped spaces, lower-cased."""
    return {f.lower() for f in (marker, urllib.parse.quote(marker),
                                urllib.parse.quote_plus(marker), marker.replace(" ", "\\u0020"))}


def found(texts: dict[str, str], markers) -> list[str]:
    return sorted(f"{marker} in {name}" for marker in markers for form in forms(marker)
                  for name, text in texts.items() if form in text)


@pytest.fixture
def built(site):
    portal(site)
    public = site.build()
    internal = site.build("--audience", "internal")
    return public, internal


def test_the_public_build_holds_no_private_value_and_no_owner(built):
    public, _ = built
    texts = file_texts(public)
    assert (public / "stories" / "northwind" / "index.html").is_file()  # the advocates' stories are published
    assert (public / "stories" / "acme-voices" / "index.html").is_file()
    assert len(texts) > 20
    assert found(texts, PRIVATE_MARKERS + OWNER_MARKERS) == []
    assert not (public / "sales" / "roster").exists() and not (public / "sales" / "report").exists()


def test_the_internal_build_adds_the_roster_but_no_private_value(built):
    _, internal = built
    texts = file_texts(internal)
    assert found(texts, PRIVATE_MARKERS) == []
    roster = (internal / "sales" / "roster" / "index.html").read_text(encoding="utf-8")
    assert '<a href="mailto:owner-6h6h@ourco.example">owner-6h6h@ourco.example</a>' in roster
    assert 'data-label="Owner">OWNERNAME-2w2w Alex Smith</td>' in roster  # a name, not an address: no mailto
    assert 'data-label="Calls left">2 of 3</td>' in roster  # one of three calls this quarter; the Q1 call does not count
    assert 'data-label="Calls left">1 of 1</td>' in roster
    assert 'data-label="Last call">2026-05-17</td>' in roster and 'data-label="Last call">never</td>' in roster
    # owners appear on the internal roster only, not on the pages the internal build shares with the public
    assert sorted(name for name, text in texts.items() if "owner-6h6h" in text) == ["sales/roster/index.html"]


def test_the_sales_csv_opens_with_the_csv_module_and_matches_the_json(site):
    portal(site)
    out = site.build()
    raw = (out / "sales" / "index.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    stories = json.loads((out / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    assert raw.count(b"\r\n") == len(rows) + 1 and b"\n" not in raw.replace(b"\r\n", b"")
    assert [r["slug"] for r in rows] == [s["slug"] for s in stories] == ["acme-voices", "northwind"]
    assert [r["title"] for r in rows] == [s["title"] for s in stories]
    assert [r["headline_metric"] for r in rows] == ["", "40% faster onboarding"]


FORMULAS = [
    ('=HYPERLINK("http://x")', "'=HYPERLINK(\"http://x\")"),
    ("+SUM(1,2)", "'+SUM(1,2)"),
    ("-2+3 cmd", "'-2+3 cmd"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
]


@pytest.mark.parametrize("title, cell", FORMULAS, ids=["equals", "plus", "minus", "at", "tab", "carriage-return"])
def test_a_formula_in_a_title_or_company_is_text_in_the_csv(site, title, cell):
    company = title.lstrip("\t\r") + " Inc"  # a line break in a company name is another test's subject
    site.company("acme", name=company)
    site.story("formula", title=title, metrics=[{"value": title[:20], "label": "x"}])
    out = site.build()
    rows = list(csv.DictReader(io.StringIO((out / "sales" / "index.csv").read_bytes().decode("utf-8"), newline="")))
    stories = json.loads((out / "sales" / "index.json").read_text(encoding="utf-8"))["stories"]
    assert [r["title"] for r in rows] == [cell]
    assert [r["company"] for r in rows] == ["'" + company]
    assert [r["headline_metric"] for r in rows] == ["'" + title[:20] + " x"]
    assert stories[0]["title"] == title  # the JSON keeps the value exactly as written


# -- the leak guard itself ----------------------------------------------------------

PRIVATE_VALUE = ("jane-doe", "notes", "Call Jane & Bob <after 10>")


@pytest.mark.parametrize("name, content", [
    ("page.html", "<p>Call Jane &amp; Bob &lt;after 10&gt;</p>"),
    ("data.json", '{"n": "Call Jane \\u0026 Bob \\u003cafter 10\\u003e"}'),
    ("data2.json", '{"n": "Call Jane & Bob <after 10>"}'),
    ("link.html", '<a href="https://x.example/?q=Call%20Jane%20%26%20Bob%20%3Cafter%2010%3E">x</a>'),
    ("form.html", '<a href="https://x.example/?q=Call+Jane+%26+Bob+%3Cafter+10%3E">x</a>'),
    ("sitemap.xml.gz", gzip.compress(b"<loc>Call Jane &amp; Bob &lt;after 10&gt;</loc>", mtime=0)),
], ids=["html-escaped", "json-script-escaped", "json-plain", "url-encoded", "form-encoded", "gzip"])
def test_the_leak_guard_finds_a_private_value_in_any_encoding(tmp_path, name, content):
    (tmp_path / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    leaks = scan_output(tmp_path, [PRIVATE_VALUE])
    assert [(leak.file, leak.what) for leak in leaks] == [(name, "private value of jane-doe.notes")]


def test_the_leak_guard_passes_a_clean_folder(tmp_path):
    (tmp_path / "page.html").write_text("<p>Call the account owner.</p>")
    (tmp_path / "sitemap.xml.gz").write_bytes(gzip.compress(b"<loc>https://stories.test/</loc>", mtime=0))
    assert scan_output(tmp_path, [PRIVATE_VALUE]) == []


def test_a_private_value_in_a_story_is_a_located_error_that_withholds_it(site):
    """A writer pasting an advocate's phone number into a body: validate says where, the strict
    build fails on it, and the deploy build withholds the story instead of leaking or aborting."""
    site.advocate("jane-doe", private={"phone": "+44 20 7946 0321"})
    site.story("northwind", body="## Challenge\n\nCall +44 20 7946 0321.\n\n## Solution\n\nx\n\n## Results\n\ny\n")
    site.story("southwind", title="Southwind story")
    message = ("stories/northwind.md:11:6: error: This is a private detail of an advocate (jane-doe.phone in the "
               "registry), which is never published (remove it from the story; private details stay in "
               "advocates.yaml) [story-private-value]")
    code, _, err = site.cli("build", "--strict", "--build-date", BUILD_DATE.isoformat())
    assert (code, message in err, (site.root / "site").exists()) == (1, True, False)
    out = site.build()
    assert not (out / "stories" / "northwind").exists()
    assert (out / "stories" / "southwind" / "index.html").exists()


def test_a_body_image_is_published_without_its_metadata(site):
    from PIL import Image
    site.story("acme", folder=True, body="## Challenge\n\n![Chart](chart.jpg)\n\n## Solution\n\nx\n\n## Results\n\ny\n")
    exif = Image.Exif()
    exif[0x013B] = "Artist MARKER-ARTIST-3e3e"  # Artist
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS latitude
    Image.new("RGB", (40, 30), (10, 200, 10)).save(site.root / "stories" / "acme" / "chart.jpg", "JPEG",
                                                   exif=exif.tobytes())
    out = site.build()
    page = (out / "stories" / "acme" / "index.html").read_text(encoding="utf-8")
    body = page[page.index('<div class="sp-body">'):]
    sources = {e.attrs["src"] for e in scan(body).elements if e.tag == "img"}
    sources |= {u.split()[0] for e in scan(body).elements if e.tag == "img" for u in e.attrs.get("srcset", "").split(",") if u.strip()}
    assert sources  # the image is published
    for src in sources:
        path = (out / "stories" / "acme" / src).resolve()
        with Image.open(path) as img:
            assert dict(img.getexif()) == {} and b"MARKER-ARTIST" not in path.read_bytes()
