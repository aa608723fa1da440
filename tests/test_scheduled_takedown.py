"""No story can stop the nightly take-down.

Stories scheduled for tomorrow carry each input that used to pass validation and then abort
every build; another story's consent ends today. Tomorrow's deploy build (``storyportal build``,
not strict) must succeed, withhold each broken story with its location, and still take the
expired story down.
"""

import datetime as dt

from PIL import Image

from sitebuilder import BUILD_DATE, CASE_STUDY_BODY

TOMORROW = BUILD_DATE + dt.timedelta(days=1)
DEEP = ("error: This line puts lists or quotes more than 20 levels inside each other "
        "(use fewer levels of '-', '>' or indentation) [body-too-deep]")
COMPLEX = ("error: The text has more unmatched brackets, formatting characters ([ ] ( ) < > * _ ` & ! \\) or nested "
           "list lines than the page builder can handle; most are in the paragraph starting here (split long "
           "paragraphs and lists with empty lines, and remove stray characters pasted by mistake) [body-too-complex]")
BROKEN = {
    "deep-list": "stories/deep-list.md:21:1: " + DEEP,
    "deep-quotes": "stories/deep-quotes.md:21:1: " + DEEP,
    "brackets": "stories/brackets.md:21:1: " + COMPLEX,
    "img-tags": "stories/img-tags.md:21:1: " + COMPLEX,
    "tall-hero": ("stories/tall-hero.md:8:8: error: 'tall.png' is 2x20000 pixels; images may be at most 16,383 "
                  "pixels wide or high, the limit of the WebP copies the site makes (crop it, or export it at a "
                  "normal size) [image-too-large]"),
    "truncated-hero": ("stories/truncated-hero.md:8:8: error: 'half.jpg' is not a readable PNG, JPEG, WebP or GIF "
                       "image (export it again as PNG or JPEG) [image-invalid]"),
    "deep-emphasis": ("stories/deep-emphasis.md:9:1: error: The text could not be turned into a web page "
                      "(RecursionError) (simplify the formatting of this story, and tell the site's developers) "
                      "[body-render-failed]"),
    "huge-number": ("stories/huge-number.md:7:11: error: A number 5,000 characters long is not accepted (at most 30) "
                    "(shorten it, or put it in quotes if it is meant as text) [yaml-number-too-long]"),
}


def scheduled_portal(site):
    site.advocate("jane-doe")
    site.company("globex", name="Globex")
    site.advocate("sam-lee", company="globex", name="Sam Lee",
                  consent={"scopes": ["name", "case-study"], "granted": dt.date(2026, 1, 10), "expires": BUILD_DATE})
    site.story("expiring", advocates=["sam-lee"], summary="EXPIRING-CONSENT-SUMMARY")
    site.story("launch", published=TOMORROW, summary="TOMORROWS-LAUNCH")
    bodies = {"deep-list": "- " * 1000 + "x\n", "deep-quotes": "> " * 200 + "x\n", "brackets": "[" * 20000 + "\n",
              "img-tags": "<img " * 20000 + "\n", "deep-emphasis": "*" * 3000 + "x" + "*" * 3000 + "\n"}
    for slug, extra in bodies.items():
        site.story(slug, published=TOMORROW, body=CASE_STUDY_BODY + "\n" + extra)
    site.image("stories/tall.png", size=(2, 20000))
    site.story("tall-hero", published=TOMORROW, image="tall.png")
    half = site.root / "stories" / "half.jpg"
    Image.effect_noise((400, 300), 64).convert("RGB").save(half, "JPEG")
    half.write_bytes(half.read_bytes()[: half.stat().st_size // 2])  # the header reads; the pixels do not
    site.story("truncated-hero", published=TOMORROW, image="half.jpg")
    text = site.story_text(published=TOMORROW)
    site.story("huge-number", text=text.replace("published:", f"featured: {'1' * 5000}\npublished:"))


def test_the_pull_request_check_names_every_build_breaking_input(site):
    scheduled_portal(site)
    code, out, err = site.cli("validate", "--build-date", BUILD_DATE.isoformat())
    assert (code, out) == (1, "".join(line + "\n" for line in sorted(BROKEN.values())))


def test_tomorrows_deploy_build_withholds_the_broken_stories_and_takes_lapsed_consent_down(site):
    scheduled_portal(site)
    today = site.build(today=BUILD_DATE)
    assert (today / "stories" / "expiring" / "index.html").is_file()

    code, out, err = site.cli("build", "--build-date", TOMORROW.isoformat())
    site_dir = site.root / "site"
    published = sorted(p.parent.name for p in (site_dir / "stories").glob("*/index.html"))
    logged = [line for line in err.splitlines() if line.startswith("ERROR")]
    assert (code, published) == (0, ["launch"])
    assert logged == [f"ERROR   -  storyportal: {line}" for line in sorted(BROKEN.values())]
    everything = "\n".join(p.read_bytes().decode("utf-8", "ignore") for p in site_dir.rglob("*") if p.is_file())
    assert "EXPIRING-CONSENT-SUMMARY" not in everything
    assert "TOMORROWS-LAUNCH" in everything
