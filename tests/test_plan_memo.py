"""What the preview keeps between loads and plans: exactly what a load and plan from scratch make."""

from __future__ import annotations

import datetime as dt
import json

from sitebuilder import BUILD_DATE
from storyportal.core.config import load_settings
from storyportal.core.portal import PortalLoader
from storyportal.sales.index import sales_rows
from storyportal.site.imagecache import ImageCache
from storyportal.site.media import MediaPlanner
from storyportal.site.pages import TextMemo
from storyportal.site.plan import PlanMemo, plan_site


def portal(site):
    site.company("acme", name="Acme Corp", industry="retail")
    site.company("globex", name="Globex", industry="healthcare")
    site.advocate("jane-doe", company="acme")
    site.advocate("sam-lee", company="globex", name="Sam Lee")
    for i in range(6):
        site.story(f"retail-{i}", title=f"Retail {i}", products=["analytics"] if i % 2 else ["journeys"],
                   published=dt.date(2025, 1, 1 + i))
        site.story(f"care-{i}", title=f"Care {i}", advocates=["sam-lee"], products=["analytics"],
                   published=dt.date(2025, 2, 1 + i))


def related(plan) -> dict[str, list[str]]:
    return {slug: [c.slug for c in view.related] for slug, view in plan.stories.items()}


EDITS = {
    "new story": lambda s: s.story("retail-new", title="Retail new", products=["analytics"],
                                   published=dt.date(2025, 3, 1)),
    "products changed": lambda s: s.story("retail-2", title="Retail 2", products=["analytics", "journeys"],
                                          published=dt.date(2025, 1, 3)),
    "moved to another industry": lambda s: s.story("care-3", title="Care 3", industry="retail",
                                                   advocates=["sam-lee"], published=dt.date(2025, 2, 4)),
    "deleted": lambda s: (s.root / "stories" / "retail-4.md").unlink(),
}


def test_related_stories_kept_by_the_memo_equal_a_fresh_plan_after_each_edit(site):
    portal(site)
    memo = PlanMemo()
    plan_site(site.load(), memo=memo)
    for name, change in EDITS.items():
        change(site)
        loaded = site.load()
        assert related(plan_site(loaded, memo=memo)) == related(plan_site(loaded)), name


def test_an_unchanged_story_keeps_its_planned_view_object_across_loads(site):
    portal(site)
    site.flush()
    settings, _ = load_settings(site.root / "mkdocs.yml")
    assert settings is not None
    loader, memo = PortalLoader(settings), PlanMemo()
    first = plan_site(loader.load(BUILD_DATE), memo=memo)
    story = site.root / "stories" / "retail-1.md"
    story.write_text(story.read_text().replace("What we did.", "What we did, and more."))
    again = plan_site(loader.load(BUILD_DATE), memo=memo)
    assert again.stories["care-2"] is first.stories["care-2"]
    assert again.stories["retail-1"] != first.stories["retail-1"]


def test_a_revocation_withholds_that_advocates_stories_as_a_cold_load_does(site):
    # Every story is resolved again (any story may name the advocate: story-name-unconsented);
    # the private values found in each are kept.
    portal(site)
    site.flush()
    settings, _ = load_settings(site.root / "mkdocs.yml")
    assert settings is not None
    loader = PortalLoader(settings)
    loader.load(BUILD_DATE)
    site.advocates["jane-doe"]["consent"].update(revoked=True)
    site.flush()
    after = loader.load(BUILD_DATE)
    assert not [s for s in after.published if s.slug.startswith("retail-")]
    assert {s.slug for s in after.published} == {s.slug for s in site.load().published}


def _loader(site) -> PortalLoader:
    site.flush()
    settings, _ = load_settings(site.root / "mkdocs.yml")
    assert settings is not None
    return PortalLoader(settings)


def _edit_body(story) -> None:
    story.write_text(story.read_text().replace("What we did.", "What we did, and more."))


INDEX_EDITS = {
    "body edited": lambda s: _edit_body(s.root / "stories" / "retail-1.md"),
    "tags changed": lambda s: s.story("retail-1", title="Retail 1", products=["analytics"],
                                      published=dt.date(2025, 1, 2), tags=["loyalty"]),
    "summary changed": lambda s: s.story("care-1", title="Care 1", advocates=["sam-lee"], products=["analytics"],
                                         published=dt.date(2025, 2, 2), summary="Globex, faster."),
    **EDITS,
}


def test_the_stories_index_kept_by_the_memo_equals_a_fresh_plan_after_each_edit(site):
    portal(site)
    loader, memo = _loader(site), PlanMemo()
    plan_site(loader.load(BUILD_DATE), memo=memo)
    for name, change in INDEX_EDITS.items():
        change(site)
        kept = plan_site(loader.load(BUILD_DATE), memo=memo)
        assert dict(kept.data_files) == dict(plan_site(site.load()).data_files), name


def test_a_body_edit_keeps_the_stories_index_made_last_time(site):
    portal(site)
    loader, memo = _loader(site), PlanMemo()
    first = plan_site(loader.load(BUILD_DATE), memo=memo)
    INDEX_EDITS["body edited"](site)
    again = plan_site(loader.load(BUILD_DATE), memo=memo)
    assert again.stories["retail-1"].body_html != first.stories["retail-1"].body_html
    assert again.data_files["stories/text.json"] is first.data_files["stories/text.json"]


def test_sales_rows_kept_by_the_memo_equal_fresh_rows_after_each_edit_and_another_day(site):
    portal(site)
    loader, memo = _loader(site), TextMemo()
    memo.sales_rows(loader.load(BUILD_DATE))
    for name, change in INDEX_EDITS.items():
        change(site)
        assert memo.sales_rows(loader.load(BUILD_DATE)) == sales_rows(site.load()), name
    later = BUILD_DATE + dt.timedelta(days=3 * 365)  # every story goes stale
    assert memo.sales_rows(loader.load(later)) == sales_rows(site.load(later))


def test_an_unchanged_story_keeps_its_sales_row_object(site):
    portal(site)
    loader, memo = _loader(site), TextMemo()
    first = {row.slug: row for row in memo.sales_rows(loader.load(BUILD_DATE))}
    INDEX_EDITS["tags changed"](site)
    again = {row.slug: row for row in memo.sales_rows(loader.load(BUILD_DATE))}
    assert again["care-2"] is first["care-2"] and again["retail-1"] is not first["retail-1"]


def test_a_body_that_gains_an_image_is_checked_against_its_files_by_a_kept_loader(site):
    portal(site)
    loader = _loader(site)
    loader.load(BUILD_DATE)
    story = site.root / "stories" / "retail-1.md"
    story.write_text(story.read_text().replace("What we did.", "What we did.\n\n![The team](team.png)"))
    kept = [i.format() for i in loader.load(BUILD_DATE).issues]
    assert kept == [i.format() for i in site.load().issues] and any("team.png" in i for i in kept)


def card_names(site, media) -> dict[str, str]:
    settings, _ = load_settings(site.root / "mkdocs.yml")
    assert settings is not None
    media.reset()
    plan = plan_site(PortalLoader(settings).load(BUILD_DATE), logo_url=media.logo_url,
                     card_path=lambda s, c: media.card_path(s, c.logo, c.industry.label, c.type_label))
    return {slug: view.card_image for slug, view in plan.stories.items()}


def test_cards_named_by_a_kept_planner_equal_a_fresh_planners_after_title_and_logo_edits(site, tmp_path):
    site.image("assets/logos/acme.png")
    portal(site)
    site.companies["acme"]["logo"] = "assets/logos/acme.png"
    site.flush()
    kept = MediaPlanner(site.root, ImageCache(tmp_path / "cache"))
    before = card_names(site, kept)
    site.story("retail-1", title="Retail one", products=["analytics"], published=dt.date(2025, 1, 2))
    site.image("assets/logos/acme.png", color=(0, 90, 200), size=(64, 64))
    after = card_names(site, kept)
    assert after == card_names(site, MediaPlanner(site.root, ImageCache(tmp_path / "fresh")))
    assert after["retail-1"] != before["retail-1"] and after["retail-3"] != before["retail-3"]


def test_facet_counts_kept_by_the_memo_equal_a_fresh_plan_after_each_edit(site):
    portal(site)
    loader, memo = _loader(site), PlanMemo()
    plan_site(loader.load(BUILD_DATE), memo=memo)
    for name, change in INDEX_EDITS.items():
        change(site)
        assert plan_site(loader.load(BUILD_DATE), memo=memo).facets == plan_site(site.load()).facets, name


def test_a_body_edit_counts_the_facets_from_what_was_counted_last_time(site):
    portal(site)
    loader, memo = _loader(site), PlanMemo()
    plan_site(loader.load(BUILD_DATE), memo=memo)
    counted = memo.site("en").counted
    INDEX_EDITS["body edited"](site)
    plan_site(loader.load(BUILD_DATE), memo=memo)
    assert counted is not None and memo.site("en").counted[1] is counted[1]


def test_a_logo_tag_equal_to_the_last_builds_is_the_same_object_and_a_changed_logo_gets_a_new_one(site, tmp_path):
    site.image("assets/logos/acme.png")
    media = MediaPlanner(site.root, ImageCache(tmp_path / "cache"))
    first = media.image_tag("assets/logos/acme.png", "logo")
    media.reset()
    assert media.image_tag("assets/logos/acme.png", "logo") is first
    site.image("assets/logos/acme.png", color=(0, 90, 200), size=(80, 64))
    media.reset()
    changed = media.image_tag("assets/logos/acme.png", "logo")
    fresh = MediaPlanner(site.root, ImageCache(tmp_path / "fresh")).image_tag("assets/logos/acme.png", "logo")
    assert changed == fresh != first


def test_cards_kept_by_the_memo_equal_a_fresh_plans_after_each_edit_and_another_day(site):
    portal(site)
    loader, memo = _loader(site), PlanMemo()
    plan_site(loader.load(BUILD_DATE), memo=memo)
    for name, change in INDEX_EDITS.items():
        change(site)
        kept, fresh = plan_site(loader.load(BUILD_DATE), memo=memo), plan_site(site.load())
        assert (kept.cards, kept.industries) == (fresh.cards, fresh.industries), name
    later = BUILD_DATE + dt.timedelta(days=400)
    assert plan_site(loader.load(later), memo=memo).cards == plan_site(site.load(later)).cards


def test_the_walls_chunks_kept_by_the_memo_equal_a_fresh_plans_and_json_dumps_after_each_edit(site):
    from storyportal.site.embed import plan_embeds

    portal(site)
    loader, plans, embeds = _loader(site), PlanMemo(), {}
    plan_embeds(plan_site(loader.load(BUILD_DATE), memo=plans), lambda path: None, [], embeds)
    for name, change in INDEX_EDITS.items():
        change(site)
        kept = dict(plan_embeds(plan_site(loader.load(BUILD_DATE), memo=plans), lambda path: None, [], embeds).files)
        assert kept == dict(plan_embeds(plan_site(site.load()), lambda path: None, []).files), name
        chunks = {path: text for path, text in kept.items() if path.startswith("embed/wall/cards-")}
        assert chunks and all(
            text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            for text in chunks.values()
        ), name


def test_embed_cards_patched_at_the_changed_views_equal_a_fresh_plans_after_each_edit(site):
    from storyportal.site.embed import plan_embeds

    portal(site)
    loader, plans, embeds = _loader(site), PlanMemo(), {}
    plan_embeds(plan_site(loader.load(BUILD_DATE), memo=plans), lambda path: None, [], embeds)
    for name, change in INDEX_EDITS.items():
        change(site)
        kept = plan_embeds(plan_site(loader.load(BUILD_DATE), memo=plans), lambda path: None, [], embeds)
        fresh = plan_embeds(plan_site(site.load()), lambda path: None, [])
        assert list(kept.cards.items()) == list(fresh.cards.items()), name  # the same cards, in the same order
        assert (dict(kept.snippets), dict(kept.files)) == (dict(fresh.snippets), dict(fresh.files)), name


def test_a_body_edit_keeps_every_other_storys_embed_card_object(site):
    from storyportal.site.embed import plan_embeds

    portal(site)
    loader, plans, embeds = _loader(site), PlanMemo(), {}
    first = plan_embeds(plan_site(loader.load(BUILD_DATE), memo=plans), lambda path: None, [], embeds)
    INDEX_EDITS["summary changed"](site)
    again = plan_embeds(plan_site(loader.load(BUILD_DATE), memo=plans), lambda path: None, [], embeds)
    assert again.cards["retail-2"] is first.cards["retail-2"]
    assert again.cards["care-1"].summary == "Globex, faster." != first.cards["care-1"].summary

