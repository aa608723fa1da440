"""Values shown as text in Markdown we write (the job summary, the program report): no markup forms.

CommonMark lets a backslash escape any ASCII punctuation character, and an escaped character
is only text: no link, image, emphasis, HTML, entity, autolink or table cell can start from it.
A line break would end the table row or list item, so it becomes a space.
"""

from __future__ import annotations

import string

_TEXT = str.maketrans({c: "\\" + c for c in string.punctuation} | dict.fromkeys("\r\n\v\f\x85\u2028\u2029", " "))


def markdown_text(value: object) -> str:
    """``value`` as literal text in a Markdown table cell or list item."""
    return str(value).translate(_TEXT)


def markdown_code(value: object) -> str:
    """``value`` as a code span in a Markdown table cell: fenced by more backticks than it holds."""
    text = " ".join(str(value).splitlines()).replace("|", "\\|")  # a row is split at `|`, even in code spans
    fence = "`" * (_longest_backtick_run(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest
