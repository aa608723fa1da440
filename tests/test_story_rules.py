"""Every story rule, with its rule id and the spot it points at.

Stories written through ``site.story(**front)`` have a fixed layout: title on line 2,
type 3, advocates 4 (first item on 5), summary 6, published 7, extra fields from 8.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import pytest

from storyportal.core.model import Status

BUILD_DATE = dt.date(2026, 6, 1)  # the date site.load() and the site fixture judge on

P = "stories/northwind.md"
YT = "https://www.youtube.com/watch?v=abcdefghijk"


def located(portal) -> list[tuple]:
    return [(i.path, i.line, i.col, i.severity.value, i.rule) for i in portal.issues]


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height``: no pixels are ever allocated."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")


# -- fields of the story itself ------------------------------------------------

FIELD_CASES = [
    ("testimonial-without-quote", dict(type="testimonial"), [(P, 3, 7, "error", "story-required-field")]),
    ("video-without-video", dict(type="video"), [(P, 3, 7, "error", "story-required-field")]),
    ("title-121-chars", dict(title="x" * 121), [(P, 2, 8, "error", "story-too-long")]),
    ("title-120-chars-is-fine", dict(title="x" * 120), []),
    ("summary-301-chars", dict(summary="y" * 301), [(P, 6, 10, "error", "story-too-long")]),
    ("unknown-key", dict(sumary="typo"), [(P, 8, 1, "error", "story-unknown-field")]),
    ("industry-unknown", dict(industry="retial"), [(P, 8, 11, "error", "story-taxonomy-unknown")]),
    ("products-unknown", dict(products=["analitics"]), [(P, 9, 3, "error", "story-taxonomy-unknown")]),
    ("use-cases-unknown", dict(use_cases=["onboarding", "upsell"]), [(P, 10, 3, "error", "story-taxonomy-unknown")]),
    ("updated-before-published", dict(updated=dt.date(2026, 1, 1)), [(P, 8, 10, "error", "story-updated-before-published")]),
    ("updated-same-day-is-fine", dict(updated=dt.date(2026, 3, 14)), []),
    ("duplicate-advocate", dict(advocates=["jane-doe", "jane-doe"]), [(P, 6, 3, "error", "story-advocate-duplicate")]),
    ("invalid-alias", dict(aliases=["stories/old"]), [(P, 9, 3, "error", "story-alias-invalid")]),
    ("alias-with-dot-dot", dict(aliases=["/../old/"]), [(P, 9, 3, "error", "story-alias-invalid")]),
    ("alias-protocol-relative", dict(aliases=["//evil.example/"]), [(P, 9, 3, "error", "story-alias-invalid")]),
]


@pytest.mark.parametrize("front, expected", [c[1:] for c in FIELD_CASES], ids=[c[0] for c in FIELD_CASES])
def test_story_field_rule(site, front, expected):
    site.story(**front)
    assert located(site.load()) == expected


MESSAGE_CASES = [
    ("did-you-mean-field", dict(sumary="typo"),
     f"{P}:8:1: error: 'sumary' is not a field we know (did you mean 'summary'?) [story-unknown-field]"),
    ("closest-taxonomy-value", dict(industry="retial"),
     f"{P}:8:11: error: 'retial' is not one of the allowed values of industry (did you mean 'retail'?) [story-taxonomy-unknown]"),
    ("no-close-value-lists-allowed", dict(use_cases=["upsell"]),
     f"{P}:9:3: error: 'upsell' is not one of the allowed values of use_cases (allowed: onboarding, retention) [story-taxonomy-unknown]"),
    ("title-length", dict(title="x" * 121),
     f"{P}:2:8: error: 'title' is 121 characters long; the limit is 120 (shorten it) [story-too-long]"),
    ("testimonial-quote", dict(type="testimonial"),
     f"{P}:3:7: error: A testimonial needs a 'quote' (add quote: with the advocate's words) [story-required-field]"),
]


@pytest.mark.parametrize("front, line", [c[1:] for c in MESSAGE_CASES], ids=[c[0] for c in MESSAGE_CASES])
def test_story_rule_message(site, front, line):
    site.story(**front)
    assert site.issues() == [line]


# -- advocates -----------------------------------------------------------------

def test_unknown_advocate_names_the_near_miss(site):
    site.advocate("jane-doe")
    site.story(advocates=["jane-do"])
    assert site.issues() == [
        f"{P}:5:3: error: There is no advocate 'jane-do' in advocates.yaml "
        "(did you mean 'jane-doe'? (ids must match exactly, character for character)) [story-advocate-unknown]"]


UNICODE_IDS = [
    ("cyrillic-a", "j\u0430ne-doe", "U+0430 CYRILLIC SMALL LETTER A"),
    # a zero-width space in an id is refused by yaml-invisible-character (tests/test_leak_invisible.py)
    ("nfd-accent", "jane-doe\u0301", "U+0301 COMBINING ACUTE ACCENT"),
]


@pytest.mark.parametrize("ident, named", [c[1:] for c in UNICODE_IDS], ids=[c[0] for c in UNICODE_IDS])
def test_look_alike_id_does_not_match_and_names_the_character(site, ident, named):
    site.advocate("jane-doe")
    site.story(advocates=[ident])
    assert site.issues() == [
        f"{P}:5:3: error: There is no advocate '{ident}' in advocates.yaml; it contains characters that only look "
        f"like plain letters, or are invisible: {named} "
        "(did you mean 'jane-doe'? (ids must match exactly, character for character)) [story-advocate-unknown]"]


def test_nfc_and_nfd_spellings_are_different_ids(site):
    site.registry("""
        companies:
          acme: {name: Acme, industry: retail, size: 201-1000, region: emea}
        advocates:
          jos\u00e9: {name: Jose, company: acme, consent: {scopes: [case-study], granted: 2026-01-01}}
    """)
    site.story(advocates=["jose\u0301"])
    assert [(i.path, i.line, i.col, i.rule) for i in site.load().issues] == [
        ("advocates.yaml", 4, 3, "registry-id-invalid"), (P, 5, 3, "story-advocate-unknown")]


def test_advocate_with_broken_registry_entry(site):
    site.company("acme")
    site.advocate("jane-doe", company="acmee")
    site.companies.pop("acmee")
    site.story()
    assert located(site.load()) == [
        ("advocates.yaml", 11, 14, "error", "registry-company-unknown"),
        (P, 5, 3, "error", "story-advocate-invalid")]


# -- consent, judged on the build date (2026-06-01) ----------------------------

def consent(**fields):
    entry = {"scopes": ["name", "quote", "case-study"], "granted": dt.date(2026, 1, 1)}
    entry.update(fields)
    return entry


CONSENT_CASES = [
    ("scope-does-not-cover-type", consent(scopes=["name", "testimonial"]), "consent-scope-missing", Status.WITHHELD),
    ("revoked", consent(revoked=True), "consent-revoked", Status.WITHHELD),
    ("expired-the-day-before", consent(expires=dt.date(2026, 5, 31)), "consent-expired", Status.WITHHELD),
    ("expires-on-the-build-date-still-valid", consent(expires=dt.date(2026, 6, 1)), None, Status.PUBLISHED),
    ("expires-tomorrow", consent(expires=dt.date(2026, 6, 2)), None, Status.PUBLISHED),
    ("expires-in-2205", consent(expires=dt.date(2205, 1, 1)), None, Status.PUBLISHED),
    ("granted-on-the-build-date", consent(granted=dt.date(2026, 6, 1)), None, Status.PUBLISHED),
    ("not-yet-granted", consent(granted=dt.date(2026, 6, 2)), "consent-not-yet-granted", Status.WITHHELD),
]


@pytest.mark.parametrize("given, rule, status", [c[1:] for c in CONSENT_CASES], ids=[c[0] for c in CONSENT_CASES])
def test_consent_issue(site, given, rule, status):
    site.advocate(consent=given)
    site.story()
    expected = [(P, 5, 3, "warning", rule)] if rule else []
    assert located(site.load()) == expected


@pytest.mark.parametrize("given, rule, status", [c[1:] for c in CONSENT_CASES], ids=[c[0] for c in CONSENT_CASES])
def test_consent_status(site, given, rule, status):
    site.advocate(consent=given)
    site.story()
    assert site.load().status[P] is status


def test_consent_scope_message_lists_what_is_covered(site):
    site.advocate(consent=consent(scopes=["name", "testimonial"]))
    site.story()
    assert site.issues() == [
        f"{P}:5:3: warning: jane-doe has not agreed to appear in a case-study, so this story is withheld "
        "(their consent covers: name, testimonial) [consent-scope-missing]"]


def test_expired_consent_is_judged_on_the_build_date_not_today(site):
    site.advocate(consent=consent(expires=dt.date(2026, 5, 31)))
    site.story()
    assert site.load(dt.date(2026, 5, 31)).status[P] is Status.PUBLISHED


def test_quote_without_quote_scope(site):
    site.advocate(consent=consent(scopes=["name", "testimonial"]))
    site.story(type="testimonial", quote="We love it.")
    assert located(site.load()) == [(P, 8, 8, "warning", "consent-quote-missing")]


def test_second_advocate_consent_is_located_on_its_item(site):
    site.advocate("jane-doe")
    site.advocate("bob", consent=consent(revoked=True))
    site.story(advocates=["jane-doe", "bob"])
    assert located(site.load()) == [(P, 6, 3, "warning", "consent-revoked")]


# -- drafts and dates ------------------------------------------------------------

STATUS_CASES = [
    ("draft", dict(draft=True), Status.DRAFT),
    ("published-in-the-future", dict(published=dt.date(2026, 6, 2)), Status.SCHEDULED),
    ("published-on-the-build-date", dict(published=BUILD_DATE), Status.PUBLISHED),
]


@pytest.mark.parametrize("front, status", [c[1:] for c in STATUS_CASES], ids=[c[0] for c in STATUS_CASES])
def test_publication_status(site, front, status):
    site.story(**front)
    assert site.load().status[P] is status


@pytest.mark.parametrize("front", [dict(draft=True), dict(published=dt.date(2026, 6, 2))], ids=["draft", "scheduled"])
def test_draft_and_scheduled_are_not_problems(site, front):
    site.story(**front)
    assert site.issues() == []


# -- video addresses -----------------------------------------------------------

VIDEO_OK = [
    ("youtube-watch", YT),
    ("youtu-be", "https://youtu.be/abcdefghijk"),
    ("vimeo", "https://vimeo.com/123456"),
    ("loom", "https://www.loom.com/share/0123456789abcdef0123456789abcdef"),
]


@pytest.mark.parametrize("url", [c[1] for c in VIDEO_OK], ids=[c[0] for c in VIDEO_OK])
def test_allowed_video_address(site, url):
    site.story(type="video", video={"url": url})
    assert site.issues() == []


VIDEO_BAD = [
    ("look-alike-host", "https://youtube.com.evil.example/watch?v=abcdefghijk", "only YouTube, Vimeo, Wistia or Loom addresses are allowed"),
    ("userinfo", "https://youtube.com@evil.example/", "the address must not contain a user name, '@' or a port"),
    ("plain-http", "http://www.youtube.com/watch?v=abcdefghijk", "the address must start with https://"),
    ("protocol-relative", "//www.youtube.com/watch?v=abcdefghijk", "the address must start with https://"),
    ("javascript", "javascript:alert(1)", "the address must start with https://"),
    ("quote-in-id", 'https://www.youtube.com/watch?v=abc"defghij', "only YouTube, Vimeo, Wistia or Loom addresses are allowed"),
    ("port", "https://www.youtube.com:8443/watch?v=abcdefghijk", "the address must not contain a user name, '@' or a port"),
    ("space", "https://www.youtube.com/watch?v=abc defghij", "the address contains spaces or invisible characters"),
]


@pytest.mark.parametrize("url, reason", [c[1:] for c in VIDEO_BAD], ids=[c[0] for c in VIDEO_BAD])
def test_refused_video_address(site, url, reason):
    site.story(type="video", video={"url": url})
    assert site.issues() == [
        f"{P}:9:8: error: The video address is not accepted: {reason} "
        "(paste the address of the video page, like https://www.youtube.com/watch?v=...) [video-url-invalid]"]


# -- images --------------------------------------------------------------------

IMAGE_CASES = [
    ("dot-dot-outside-the-repository", "../../etc/passwd", "path-outside"),
    ("absolute", "/etc/passwd", "path-absolute"),
    ("windows-absolute", "C:\\hero.png", "path-absolute"),
    ("url-encoded-dot-dot", "%2e%2e/%2e%2e/etc/passwd", "path-invalid"),
    ("file-url", "file:///etc/passwd", "path-remote"),
    ("remote", "https://cdn.example/hero.png", "path-remote"),
    ("case-difference", "Hero.png", "path-missing"),
    ("missing", "nothere.png", "path-missing"),
]


@pytest.mark.parametrize("ref, rule", [c[1:] for c in IMAGE_CASES], ids=[c[0] for c in IMAGE_CASES])
def test_image_reference_problem(site, ref, rule):
    site.image("stories/hero.png")
    site.story(image=ref)
    assert located(site.load()) == [(P, 8, 8, "error", rule)]


def test_case_difference_names_the_real_file(site):
    site.image("stories/hero.jpg", fmt="JPEG")
    site.story(image="Hero.jpg")
    assert site.issues() == [f"{P}:8:8: error: 'stories/Hero.jpg' does not exist (did you mean 'hero.jpg'?) [path-missing]"]


def test_image_beside_a_flat_story_is_fine(site):
    site.image("stories/hero.png")
    site.story(image="hero.png")
    assert site.issues() == []


def test_image_beside_a_folder_story_is_fine(site):
    site.image("stories/northwind/hero.png")
    site.story(folder=True, image="hero.png")
    assert site.issues() == []


def test_image_through_a_symlink(site):
    site.image("assets/real.png")
    (site.root / "stories" / "northwind").mkdir()
    (site.root / "stories" / "northwind" / "hero.png").symlink_to(site.root / "assets" / "real.png")
    site.story(folder=True, image="hero.png")
    assert located(site.load()) == [
        ("stories/northwind/hero.png", 0, 0, "error", "path-symlink"),
        ("stories/northwind/index.md", 8, 8, "error", "path-symlink")]


IMAGE_CONTENT = [
    ("text-file-named-png", "fake.png", b"this is not a picture\n",
     f"{P}:8:8: error: 'fake.png' is not a readable PNG, JPEG, WebP or GIF image (export it again as PNG or JPEG) [image-invalid]"),
    ("decompression-bomb-header", "bomb.png", png_claiming(100_000, 100_000),
     f"{P}:8:8: error: 'bomb.png' claims an enormous size in pixels (export it again at a normal size) [image-too-large]"),
]


@pytest.mark.parametrize("name, content, line", [c[1:] for c in IMAGE_CONTENT], ids=[c[0] for c in IMAGE_CONTENT])
def test_image_content_problem(site, name, content, line):
    site.write(f"stories/{name}", content)
    site.story(image=name)
    assert site.issues() == [line]


def test_png_named_jpg(site):
    site.image("stories/hero.jpg", fmt="PNG")
    site.story(image="hero.jpg")
    assert site.issues() == [
        f"{P}:8:8: error: 'hero.jpg' is really a PNG image, but its name ends in '.jpg' (rename it to end in .png) [image-invalid]"]


def test_too_many_pixels_by_configuration(site):
    site.plugin["max_image_pixels"] = 10_000
    site.image("stories/hero.png", size=(200, 100))
    site.story(image="hero.png")
    assert located(site.load()) == [(P, 8, 8, "error", "image-too-large")]


# -- files and addresses -------------------------------------------------------

def test_duplicate_slug_flat_and_folder(site):
    site.story("a")
    site.story("a", folder=True)
    assert located(site.load()) == [("stories/a.md", 1, 1, "error", "story-duplicate-slug")]


def test_invalid_slug(site):
    site.story("My Story")
    assert site.issues() == [
        "stories/My Story.md:1:1: error: The file name 'My Story' becomes the web address, so it may use only "
        "lowercase letters a-z, digits and '-' (rename it to 'my-story') [story-slug-invalid]"]


def test_duplicate_alias(site):
    site.story("a", aliases=["/stories/old/"])
    site.story("b", aliases=["/stories/old/"])
    assert located(site.load()) == [("stories/b.md", 9, 3, "error", "story-duplicate-alias")]


def test_alias_equal_to_another_story_url(site):
    site.story("a", aliases=["/stories/b/"])
    site.story("b")
    assert site.issues() == [
        "stories/a.md:9:3: error: The address /stories/b/ is already used by stories/b.md (remove one of them) [story-duplicate-alias]"]


def test_case_study_missing_sections(site):
    site.story(body="## Challenge\n\nBefore.\n")
    assert site.issues() == [
        f"{P}:9:1: error: A case study needs the sections '## Solution', '## Results' "
        "(add each as a heading line: ## Solution) [case-study-section-missing]"]


def test_case_study_sections_per_language(site):
    site.plugin["case_study_sections"] = {"en": ["Challenge"], "de": ["Herausforderung", "Lösung"]}
    site.story(lang="de", body="## Herausforderung\n\nVorher.\n")
    assert site.issues() == [
        f"{P}:10:1: error: A case study needs the sections '## Lösung' (add each as a heading line: ## Lösung) "
        "[case-study-section-missing]"]


def test_case_study_sections_default_language(site):
    site.plugin["case_study_sections"] = {"en": ["Challenge"], "de": ["Herausforderung"]}
    site.story(body="## Challenge\n\nBefore.\n")
    assert site.issues() == []


def test_stray_data_file(site):
    site.write("stories/notes.csv", "a,b\n")
    site.story()
    assert located(site.load()) == [("stories/notes.csv", 1, 1, "warning", "story-stray-file")]


def test_symlink_in_stories(site):
    site.story()
    (site.root / "stories" / "copy.md").symlink_to(site.root / "stories" / "northwind.md")
    assert located(site.load()) == [("stories/copy.md", 0, 0, "error", "path-symlink")]


def test_story_file_too_large(site):
    site.plugin["max_story_bytes"] = 1000
    site.story(body="## Challenge\n\n" + "x" * 2000)
    assert located(site.load()) == [(P, 1, 1, "error", "story-too-large")]


@pytest.mark.parametrize("body", [
    "## Challenge\n\n## Solution\n\nDone.\n\n## Results\n\nBetter.\n",
    "## Challenge\n<!-- How did the work go before? -->\n\n## Solution\n\nDone.\n\n## Results\n\nBetter.\n",
], ids=["nothing", "only-guidance-comment"])
def test_case_study_section_left_empty(site, body):
    site.story(body=body)
    assert located(site.load()) == [("stories/northwind.md", 9, 1, "error", "case-study-section-empty")]


@pytest.mark.parametrize("body, rule, col", [
    ("Intro.\n\n![chart](chart.png)\n", "path-missing", 1),
    ("Intro.\n\nSee ![chart](https://cdn.example/chart.png)\n", "path-remote", 5),
    ('Intro.\n\n<img alt="x" src="../../advocates.yaml">\n', "path-outside", 1),
], ids=["missing", "remote", "outside"])
def test_body_images_are_checked_where_they_stand(site, body, rule, col):
    site.story(type="testimonial", quote="Q", body=body)
    assert located(site.load()) == [("stories/northwind.md", 12, col, "error", rule)]


def test_a_body_image_beside_the_story_is_fine(site):
    site.image("stories/northwind/chart.png")
    site.story(type="testimonial", quote="Q", folder=True, body="![chart](chart.png)\n")
    assert located(site.load()) == []
