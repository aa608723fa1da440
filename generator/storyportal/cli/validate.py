"""``storyportal validate``: every story against the registry and the taxonomy."""

from __future__ import annotations

import sys

from storyportal.cli.output import (
    Exit,
    fail,
    format_github,
    format_json,
    format_text,
    markdown_summary,
    settings_or_report,
    write_step_summary,
)
from storyportal.core.config import SiteSettings
from storyportal.core.issues import Issue, Severity, sort_issues
from storyportal.core.model import Status
from storyportal.core.portal import Portal, PortalLoader, build_date
from storyportal.site.bodycache import BodyLog
from storyportal.site.handwritten import check_docs_folder
from storyportal.site.imagecache import DECODED, DecodeLog, cache_folder, check_location
from storyportal.site.keylog import SCANNED_LOG, KeyLog
from storyportal.site.pages import plan_pages, portal_guarded_values
from storyportal.site.parsecache import ParseLog
from storyportal.site.plan import plan_site


def register(commands, common) -> None:
    """Adds ``storyportal validate``."""
    validate = commands.add_parser("validate", help="check every story against the registry and the taxonomy")
    common(validate)
    validate.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text for people, json for tools, github for pull-request annotations",
    )
    validate.add_argument("--strict", action="store_true", help="treat warnings (withheld stories) as failures")
    validate.add_argument(
        "--changed-since",
        metavar="REF",
        default=None,
        help="report only problems in files changed since this git ref, and rules that span files",
    )
    validate.set_defaults(run=run_validate)


def run_validate(args) -> int:
    settings = settings_or_report(args.config_file)
    if settings is None:
        return Exit.USAGE
    portal = warm_loader(settings).load(build_date(args.build_date or settings.portal.build_date))
    if portal.registry_missing:
        sys.stderr.write(format_text([i for i in portal.issues if i.rule == "registry-missing"]))
        return Exit.USAGE
    issues = [*portal.issues, *docs_issues(portal)]
    if args.changed_since:
        from storyportal.core.changes import ChangeError, select_issues

        try:
            issues = select_issues(portal, issues, args.changed_since)
        except ChangeError as exc:
            return fail(str(exc))
    issues = sort_issues(issues)
    summary = _summary(portal, issues)
    _emit(args.format, issues, summary)
    failing = summary["errors"] + (summary["warnings"] if args.strict else 0)
    return Exit.PROBLEMS if failing else Exit.OK


def docs_issues(portal: Portal) -> list[Issue]:
    """docs/ checked as the build checks it: what validates, builds."""
    settings = portal.settings
    guarded = portal_guarded_values(portal, settings.portal.audience)
    return check_docs_folder(settings.root / settings.docs_dir, guarded, lambda: generated_outputs(portal))


def generated_outputs(portal: Portal) -> tuple[list[str], list[str]]:
    """The pages (``src_uri``) and the other files the build plans for this portal, whose addresses a
    hand-written page may not take (planned as the plugin plans them, without images)."""
    pages = plan_pages(plan_site(portal), portal)
    return list(pages.pages), pages.text_outputs()


def warm_loader(settings: SiteSettings) -> PortalLoader:
    """A loader that reuses the builds' decode log, rendered bodies, parses and stories found clean, where the portal's cache
    folder already exists and is safe (validate never makes one): the same verdicts, without
    decoding every image and rendering every body again (CI restores the folder before validating)."""
    folder = cache_folder(settings.root, settings.portal.cache_dir)
    if not folder.is_dir() or check_location(folder, settings.root) is not None:
        return PortalLoader(settings)
    return PortalLoader(
        settings,
        decoded=DecodeLog(folder / DECODED),
        bodies=BodyLog(folder),
        parses=ParseLog(folder),
        scans=KeyLog(folder / SCANNED_LOG),
    )


def _summary(portal, issues) -> dict:
    counts = {state.value: 0 for state in Status}
    for state in portal.status.values():
        counts[state.value] += 1
    return {
        "stories": len(portal.status),
        **counts,
        "errors": sum(i.severity is Severity.ERROR for i in issues),
        "warnings": sum(i.severity is Severity.WARNING for i in issues),
        "build_date": portal.today.isoformat(),
    }


def _emit(fmt: str, issues, summary: dict) -> None:
    if fmt == "json":
        sys.stdout.write(format_json(issues, summary))
        return
    sys.stdout.write(format_github(issues) if fmt == "github" else format_text(issues))
    if fmt == "github":
        write_step_summary(markdown_summary(issues, summary))
    sys.stderr.write(
        f"{summary['stories']} stories: {summary['published']} published, {summary['withheld']} withheld, "
        f"{summary['invalid']} with errors, {summary['draft']} drafts, {summary['scheduled']} scheduled "
        f"(judged on {summary['build_date']}); {summary['errors']} error(s), {summary['warnings']} warning(s)\n"
    )
