"""``storyportal request``: log an ask for a reference activity, refusing what would over-ask.

The request goes into ``advocates.yaml`` (the registry's request log), written so that
only the added lines change (:mod:`storyportal.sales.request_log`). Refusals: the consent
does not cover the activity, the advocate is not available, the limit for the period is
reached, or the cool-down has not passed. ``--force`` records an exception, with a reason
that stays in the log for the program owner to see.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from storyportal.cli.output import Exit, date_argument, describe, fail
from storyportal.cli.sales import open_portal
from storyportal.core.activities import ACTIVITY_IDS, COUNTED, Outcome, label_of
from storyportal.core.errors import closest
from storyportal.core.issues import Severity
from storyportal.core.registry import read_registry_text
from storyportal.sales import request_log
from storyportal.sales.asks import standing


def register(commands, common) -> None:
    """Adds ``storyportal request``."""
    parser = commands.add_parser("request", help="log an ask for a reference activity (refuses over-asking)")
    common(parser)
    parser.add_argument("advocate", nargs="?", metavar="ADVOCATE", help="the advocate's id in advocates.yaml")
    parser.add_argument("--activity", choices=ACTIVITY_IDS, help="what is asked (reference-call, site-visit, ...)")
    parser.add_argument("--rep", help="who asks: the sales rep's name or e-mail")
    parser.add_argument("--opportunity", help="the deal: its name or CRM id")
    parser.add_argument("--date", type=date_argument, default=None, help="the day of the ask (default: the build date)")
    parser.add_argument(
        "--outcome",
        choices=[o.value for o in Outcome],
        default=None,
        help="requested (default for a new ask), scheduled, done, declined or cancelled",
    )
    parser.add_argument(
        "--update", type=int, metavar="N", default=None, help="move request number N on: give its new --outcome"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="record the ask even past a limit, a cool-down or an unavailability (needs --reason); never past consent",
    )
    parser.add_argument("--reason", default=None, help="why --force is right this time; kept in the log")
    parser.add_argument(
        "--dry-run", action="store_true", help="show the change to advocates.yaml as a diff; write nothing"
    )
    parser.set_defaults(run=run_request)


def run_request(args) -> int:
    problem = _usage_problem(args)
    if problem:
        return fail(problem)
    args.build_date = args.date or args.build_date
    portal = open_portal(args)
    if portal is None:
        return Exit.USAGE
    path = portal.settings.root / portal.settings.portal.registry
    before = path.read_text(encoding="utf-8")
    data = request_log.load(before)
    if args.update is not None:
        outcome = _update(args, portal, data)
    else:
        outcome = _new(args, portal, data)
    if isinstance(outcome, int):
        return outcome
    after = request_log.dump(data)
    broken = _new_errors(portal, after)
    if broken:
        return fail(f"the change would make {portal.settings.portal.registry} invalid: {broken}")
    if args.dry_run:
        sys.stdout.write(request_log.diff(before, after, portal.settings.portal.registry) or "no change\n")
        return Exit.OK
    _write(path, after)
    sys.stdout.write(outcome)
    return Exit.OK


def _usage_problem(args) -> str | None:
    if args.force and not (args.reason or "").strip():
        return '--force needs --reason "why this ask goes ahead": the reason is kept in the log'
    if args.update is not None:
        if not args.outcome:
            return "--update N needs the new --outcome (scheduled, done, declined or cancelled)"
        return None
    missing = [name for name in ("advocate", "activity", "rep", "opportunity") if not getattr(args, name)]
    if missing:
        shown = ", ".join(("ADVOCATE" if m == "advocate" else f"--{m}") for m in missing)
        return f"a new request needs {shown} (or --update N --outcome ... to move one on)"
    return None


def _refused(who: str, what: str, on: dt.date, reasons, forceable: bool = True) -> int:
    lines = [f"storyportal request: refused: {what} with {who} on {on.isoformat()}:"]
    lines += [f"  - {reason}" for reason in reasons]
    if forceable:
        lines.append('Record it anyway with --force --reason "..." (the reason is kept in the log).')
    else:
        lines.append("Consent cannot be overridden: ask the program owner to update the advocate's consent first.")
    sys.stderr.write("\n".join(lines) + "\n")
    return Exit.PROBLEMS


def _who(advocate) -> str:
    return f"{advocate.name} ({advocate.company.name})"


def _new(args, portal, data) -> str | int:
    advocates = portal.registry.advocates
    advocate = advocates.get(args.advocate)
    if advocate is None:
        return _unknown_advocate(args.advocate, portal)
    on, what = portal.today, label_of(args.activity)
    now = standing(advocate, args.activity, on)
    if now.consent_refused:  # consent is the advocate's word: never overridden, not even with --force
        return _refused(_who(advocate), what, on, now.refusals, forceable=False)
    if now.refusals and not args.force:
        return _refused(_who(advocate), what, on, now.refusals)
    outcome = args.outcome or Outcome.REQUESTED.value
    request = request_log.NewRequest(
        advocate.id,
        on,
        args.activity,
        args.rep.strip(),
        args.opportunity.strip(),
        outcome,
        args.reason.strip() if args.force else None,
    )
    number = request_log.add_request(data, request)
    return (
        f"Recorded request {number} in {portal.settings.portal.registry}: {what} with {_who(advocate)}, "
        f'asked by {request.rep} for "{request.opportunity}" on {on.isoformat()} ({outcome}).\n'
        f"Move it on with: storyportal request --update {number} --outcome scheduled\n"
    )


def _unknown_advocate(ident: str, portal) -> int:
    if ident in portal.registry.broken:
        return fail(f"the advocate '{ident}' has errors in advocates.yaml; run storyportal validate")
    near = closest(ident, portal.registry.advocates)
    return fail(f"no advocate '{ident}' in advocates.yaml" + (f": did you mean '{near}'?" if near else ""))


def _update(args, portal, data) -> str | int:
    found = request_log.find_request(data, args.update)
    if found is None:
        return fail(f"no request number {args.update} in advocates.yaml")
    ident, entry = found
    advocate = portal.registry.advocates.get(ident)
    if advocate is None:
        return _unknown_advocate(ident, portal)
    outcome, activity = Outcome(args.outcome), str(entry["activity"])
    if outcome in COUNTED and not args.force:
        # Moving an ask into the count must still fit the limit (the ask itself left out).
        left = standing(advocate, activity, portal.today, ignore=args.update).left
        if left == 0:
            what = label_of(activity)
            return _refused(
                _who(advocate),
                what,
                portal.today,
                [f"the limit for this period is reached ({outcome.value} would pass it)"],
            )
    request_log.set_outcome(entry, outcome.value, args.reason.strip() if args.force else None)
    return f"Request {args.update} ({label_of(activity)} with {_who(advocate)}) is now {outcome.value}.\n"


def _new_errors(portal, after: str) -> str | None:
    """The first registry error the change would add, said plainly; None if it adds none. The
    portal was loaded from the file as it is: its registry issues are the ones already there."""
    settings = portal.settings
    old = {(i.rule, i.message) for i in portal.issues if i.path == settings.portal.registry}
    _, issues = read_registry_text(after, settings.root, settings.portal, portal.taxonomy)
    added = [i for i in issues if i.severity is Severity.ERROR and (i.rule, i.message) not in old]
    return describe(added[0]) if added else None


def _write(path: Path, text: str) -> None:
    """Replace the file in one rename, so a crash never leaves half a registry."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(temp, path.stat().st_mode & 0o777)
    os.replace(temp, path)
