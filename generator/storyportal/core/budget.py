"""What a story body may ask of the Markdown renderer: bounded stack depth and bounded work.

Python-Markdown recurses once per nested list or quote (a line of 1,000 ``- `` raises
RecursionError) and does quadratic work on some inputs: every ``[`` reads ahead to its
``]``, every ``<`` that opens a tag reads ahead to its ``>``, every inline match copies
its whole paragraph, every heading or divider inside a paragraph splits it again, and a
footnote definition written after another on its line is read inside it. These checks
measure that work in one linear pass, before anything is rendered, and name the line
that asks too much. No real story comes near the limits (the largest demo story uses
well under 1% of each).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

MAX_NESTING = 20  # lists and quotes inside each other; Python's stack runs out near 300
MAX_HEADINGS = 500  # headings and dividing lines; each splits its paragraph again
MAX_CHAINED = 50  # footnote or link definitions after another one on its line
MAX_SCAN = 2_000_000  # characters read ahead from '[' to ']', '](' to ')' and '<' to '>'
MAX_COPY = 200_000_000  # formatting characters times the length of their paragraph, summed
MAX_SPLIT = 20_000_000  # characters put back when headings or nested list lines split a block
MARKUP = "[]<>*_`&!\\"

_LIST_MARKER = re.compile(r"(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|\Z)")
# ATX headings, setext underlines (= or -) and dividers (***, - - -); alternatives tried one by one,
# none with two quantifiers over the same characters, so a line is read a bounded number of times.
_DIVIDER = re.compile(r"[ ]{0,3}(?:#{1,6}(?:[ \t]|\Z)|=+[ \t]*\Z|-+[ \t]*\Z|([-*_])[ \t]*(?:\1[ \t]*){2,}\Z)")
# A list item as Python-Markdown reads one: a marker and at least one space (a tab, or '1)',
# makes no item there; counting such a line as part of the paragraph only overestimates).
_ITEM = re.compile(r"[ ]*((?:[*+-]|[0-9]{1,9}\.)[ ])")
_MAY_NEST = frozenset(" \t>-*+0123456789")
_BRACKET = re.compile(r"[\[\]]")
_PAREN = re.compile(r"\]\(|[()]")
_TAG_START = re.compile(r"<[A-Za-z/!?]")


@dataclass(frozen=True)
class BodyProblem:
    """Why a body cannot be rendered; ``line`` and ``col`` are 1-based within the body."""

    line: int
    col: int
    rule: str
    message: str
    hint: str


class Work(NamedTuple):
    """One kind of work over a whole body, and where the largest share of it comes from."""

    total: int
    worst: int
    line: int  # 0-based line of the worst share


def body_problem(text: str) -> BodyProblem | None:
    """The first reason the renderer could not handle ``text`` safely and quickly, if any."""
    lines = text.split("\n")
    return _too_deep(lines) or _too_many_headings(lines) or _chained_definitions(lines) or _too_much_work(text, lines)


def _too_deep(lines: list[str]) -> BodyProblem | None:
    for index, line in enumerate(lines):
        if line[:1] not in _MAY_NEST:
            continue  # most lines: no marker and no indentation, so no nesting to measure
        depth = nesting(line)
        if depth > MAX_NESTING:
            return BodyProblem(
                index + 1,
                1,
                "body-too-deep",
                f"This line puts lists or quotes more than {MAX_NESTING} levels inside each other",
                "use fewer levels of '-', '>' or indentation",
            )
    return None


def nesting(line: str) -> int:
    """How many lists and quotes a line opens: its list and quote markers, plus the indentation
    before them in steps of four (an indented line without a marker is only code)."""
    depth, indent, pos = 0, 0, 0
    while pos < len(line):
        char = line[pos]
        if char in " \t":
            indent += (4 if char == "\t" else 1) if not depth else 0  # spaces after a marker only separate
            pos += 1
        elif char == ">":
            depth, pos = depth + 1, pos + 1
        elif marker := _LIST_MARKER.match(line, pos):
            depth, pos = depth + 1, marker.end()
        else:
            break
        if depth > MAX_NESTING:  # enough to refuse; a long line need not be read to its end
            break
    return depth + indent // 4 if depth else 0


def _too_many_headings(lines: list[str]) -> BodyProblem | None:
    count = 0
    for index, line in enumerate(lines):
        if _DIVIDER.match(line):
            count += 1
            if count > MAX_HEADINGS:
                return BodyProblem(
                    index + 1,
                    1,
                    "body-too-complex",
                    f"The text has more than {MAX_HEADINGS} headings and dividing lines (#, ---, ===)",
                    "split it into several stories, or remove the extra lines",
                )
    return None


def _chained_definitions(lines: list[str]) -> BodyProblem | None:
    """A footnote or link definition (``[^1]: text``) belongs at the start of a line. Written one
    after another on a line, each is read as the text of the one before, and read again for every
    level (2,400 in 15 KB took minutes)."""
    count = 0
    for index, line in enumerate(lines):
        count += max(0, line.count("]:") - line.lstrip(" ").startswith("["))
        if count > MAX_CHAINED:
            return BodyProblem(
                index + 1,
                1,
                "body-too-complex",
                f"The text has more than {MAX_CHAINED} footnote or link definitions ('[^1]:', '[name]:') "
                "in the middle of a line; the page builder reads each one inside the one before",
                "start each definition on its own line",
            )
    return None


def _too_much_work(text: str, lines: list[str]) -> BodyProblem | None:
    """Each kind of work summed over the body, against its budget; blame the worst offender."""
    chunks = list(paragraphs(lines))
    measured = [
        (_tag_scan(text), MAX_SCAN),
        (_bracket_work(chunks), MAX_SCAN),
        (_copy_work(chunks), MAX_COPY),
        (_split_work(lines), MAX_SPLIT),
    ]
    if sum(work.total for work, _ in measured[:2]) <= MAX_SCAN and all(
        work.total <= limit for work, limit in measured[2:]
    ):
        return None
    _, line = max((work.worst / limit, work.line) for work, limit in measured)
    return BodyProblem(
        line + 1,
        1,
        "body-too-complex",
        "The text has more unmatched brackets, formatting characters ([ ] ( ) < > * _ ` & ! \\) "
        "or nested list lines than the page builder can handle; most are in the paragraph starting here",
        "split long paragraphs and lists with empty lines, and remove stray characters pasted by mistake",
    )


def _worst(shares: Iterable[tuple[int, int]]) -> Work:
    """Sum ``(cost, line)`` shares, keeping the largest."""
    total, worst = 0, (0, 0)
    for cost, line in shares:
        total += cost
        worst = max(worst, (cost, -line))
    return Work(total, worst[0], -worst[1])


def _bracket_work(chunks: list[tuple[int, str]]) -> Work:
    return _worst((_bracket_scan(chunk) + _paren_scan(chunk), first) for first, chunk in chunks)


def _copy_work(chunks: list[tuple[int, str]]) -> Work:
    """Every inline match copies its whole paragraph: formatting characters times paragraph length."""
    return _worst((sum(chunk.count(c) for c in MARKUP) * len(chunk), first) for first, chunk in chunks)


def _split_work(lines: list[str]) -> Work:
    """Characters copied when the renderer splits a block: a heading or divider inside it, or an
    indented line of a list, puts the rest of the block back to be read again."""
    return _worst((splits * size, first) for first, size, splits in _blocks(lines))


def _blocks(lines: list[str]) -> Iterator[tuple[int, int, int]]:
    """(first line index, length, lines that split it) of each stretch between empty lines."""
    first, size, splits, is_list = 0, 0, 0, False
    for index, line in enumerate(lines):
        if not line.strip():
            yield first, size, splits
            first, size, splits = index + 1, 0, 0
            continue
        if not size:
            is_list = bool(_LIST_MARKER.match(line.lstrip(" \t")))
        size += len(line) + 1
        splits += bool(_DIVIDER.match(line)) or (is_list and (line[:1] == "\t" or line[:4] == "    "))
    yield first, size, splits


def paragraphs(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(first line index, text) of each stretch the renderer treats as one inline text.

    Paragraphs end at empty lines. In a block that Python-Markdown reads as a list, each item
    is rendered on its own; anywhere else a '- ' line only continues the text. A table is
    counted whole: whether a block is one depends on details (matching column counts) that a
    writer can get wrong, and then its rows are a single paragraph.
    """
    start, is_list = 0, False
    chunk: list[str] = []
    for index, line in enumerate(lines):
        if not line.strip():
            yield from _flush(start, chunk)
            start, chunk = index + 1, []
            continue
        item = _ITEM.match(line)
        if not chunk:
            is_list = item is not None and item.start(1) <= 3
        elif is_list and item:
            yield from _flush(start, chunk)
            start, chunk = index, []
        chunk.append(line)
    yield from _flush(start, chunk)


def _flush(start: int, chunk: list[str]) -> Iterator[tuple[int, str]]:
    if chunk:
        yield start, "\n".join(chunk)


def _bracket_scan(chunk: str) -> int:
    """Characters read from each '[' to its matching ']' (or to the end of the paragraph)."""
    opened: list[int] = []
    cost = 0
    for found in _BRACKET.finditer(chunk):
        if found.group() == "[":
            opened.append(found.start())
        elif opened:
            cost += found.start() - opened.pop()
    return cost + sum(len(chunk) - p for p in opened)


def _paren_scan(chunk: str) -> int:
    """Characters read from each '](' to its matching ')' (or to the end of the paragraph)."""
    opened: list[tuple[int, bool]] = []
    cost = 0
    for found in _PAREN.finditer(chunk):
        if found.group() != ")":
            opened.append((found.start(), found.group() == "]("))
        elif opened:
            start, link = opened.pop()
            cost += found.start() - start if link else 0
    return cost + sum(len(chunk) - p for p, link in opened if link)


def _tag_scan(text: str) -> Work:
    """Characters the HTML reader reads from each '<' that may open a tag to the next '>'."""
    total, worst, end = 0, (0, 0), -1
    for found in _TAG_START.finditer(text):
        if end < found.start():
            end = text.find(">", found.start())
            end = len(text) if end < 0 else end
        total += end - found.start()
        worst = max(worst, (end - found.start(), -found.start()))
    return Work(total, worst[0], text.count("\n", 0, -worst[1]))
