"""Parsed YAML kept between builds (site/parsecache.py, ``parses.log``): a text parsed before, at
the same line and by the same code, is read from the log instead of parsed again; a parse with a
problem is never kept; a damaged line is never data.
"""

from __future__ import annotations

import datetime as dt

from sitebuilder import BUILD_DATE
from storyportal.core import yamlload
from storyportal.core.yamlcodec import decode_parsed, encode_parsed
from storyportal.core.yamlload import parse_yaml, remembering_parses
from storyportal.site.parsecache import PARSES, ParseLog

TEXT = """\
title: "Ünïcode, an escaped \\u2028 and quotes \\" ok"
published: 2026-03-01
metrics:
  - value: 42
    ratio: 0.5
    big: 1e3
    shown: true
    nothing: null
"""


def parsed_with(log: ParseLog, text: str = TEXT, offset: int = 0):
    with remembering_parses(log):
        return parse_yaml(text, "stories/a.md", offset)


def parses_done(monkeypatch) -> list[str]:
    """The texts parsed from now on (not read from a log)."""
    done: list[str] = []
    parse = yamlload._parse
    monkeypatch.setattr(yamlload, "_parse", lambda text, *a: done.append(text) or parse(text, *a))
    return done


def test_a_parse_reads_back_as_it_was_written():
    parsed, _ = parse_yaml(TEXT, "stories/a.md", 3)
    assert parsed is not None
    assert decode_parsed(encode_parsed(parsed)) == parsed


def test_a_text_parsed_before_is_read_from_the_log(tmp_path, monkeypatch):
    parsed_with(ParseLog(tmp_path))
    done = parses_done(monkeypatch)
    parsed, issues = parsed_with(ParseLog(tmp_path))  # a new log object: the next build's
    assert done == [] and issues == []
    assert parsed == parse_yaml(TEXT, "stories/a.md")[0]


def test_a_changed_text_is_parsed_again(tmp_path):
    parsed_with(ParseLog(tmp_path))
    parsed, _ = parsed_with(ParseLog(tmp_path), TEXT.replace("42", "43"))
    assert parsed is not None and parsed.data["metrics"][0]["value"] == 43


def test_the_same_text_further_down_a_file_keeps_its_own_positions(tmp_path):
    parsed_with(ParseLog(tmp_path), offset=0)
    parsed, _ = parsed_with(ParseLog(tmp_path), offset=10)
    assert parsed is not None and parsed.mark(("published",)).line == 12


def test_a_parse_with_a_problem_is_never_kept(tmp_path):
    text = "title: yes\n"  # yaml-ambiguous-bool
    parsed_with(ParseLog(tmp_path), text)
    _, issues = parsed_with(ParseLog(tmp_path), text)
    assert [issue.rule for issue in issues] == ["yaml-ambiguous-bool"]
    assert not (tmp_path / PARSES).exists()


def test_parses_by_other_code_are_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlload, "code_version", lambda: "a parser that read it otherwise")
    parsed_with(ParseLog(tmp_path))
    monkeypatch.undo()
    done = parses_done(monkeypatch)
    parsed_with(ParseLog(tmp_path))
    assert done == [TEXT]


def test_a_damaged_line_is_parsed_again(tmp_path):
    parsed_with(ParseLog(tmp_path))
    log = tmp_path / PARSES
    key, _ = log.read_text().split(" ", 1)
    log.write_text(f"{key} [{{}}, [], []]\n")  # JSON, but no document parse_yaml builds
    parsed, _ = parsed_with(ParseLog(tmp_path))
    assert parsed is not None and parsed.data["published"] == dt.date(2026, 3, 1)


def test_a_line_that_holds_other_data_is_refused():
    assert decode_parsed('[{"m": {"a": {"x": 1, "y": 2}}}, [], []]') is None  # an object that is no mapping
    assert decode_parsed('[{"m": {"a": 1}}, [[[true], 1, 1]], []]') is None  # a key path of true
    assert decode_parsed('[{"d": "2026-02-30"}, [], []]') is None  # no such date
    assert decode_parsed("[" * 100_000) is None


def test_a_parse_given_out_can_be_changed_without_changing_the_log(tmp_path):
    log = ParseLog(tmp_path)
    parsed_with(log)
    first, _ = parsed_with(log)
    assert first is not None
    first.data["title"] = "changed"
    again, _ = parsed_with(log)
    assert again is not None and again.data["title"] != "changed"


def test_a_story_edited_between_builds_is_built_from_its_new_text(site):
    site.story("northwind", title="Northwind cuts invoice time")
    site.build(today=BUILD_DATE)
    site.story("northwind", title="Northwind halves invoice time")
    out = site.build(today=BUILD_DATE)
    assert "Northwind halves invoice time" in (out / "stories/northwind/index.html").read_text()
