"""The GitHub workflows: safe for pull requests from anyone, and the commands they run work.

The checks on the files are static; then the `run:` lines that call our tools are
run for real on a copy of the demo portal in a scratch git repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
DEMO_DATE = "2026-11-24"  # "today" for the demo data (see advocates.yaml)
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+\.\d+\.\d+\s*$")


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as the boolean true.
    found = workflow.get("on", workflow.get(True))
    return {found: None} if isinstance(found, str) else dict(found)


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def all_workflows() -> list[str]:
    return sorted(p.name for p in WORKFLOWS.glob("*.yml"))


# -- static: what the workflows may do ---------------------------------------------

def test_the_workflows_are_the_expected_ones():
    assert all_workflows() == ["deploy.yml", "pr.yml"]


def test_pull_requests_run_with_pull_request_only():
    assert list(triggers(load("pr.yml"))) == ["pull_request"]
    for name in all_workflows():
        assert "pull_request_target" not in triggers(load(name)), name
        assert "workflow_run" not in triggers(load(name)), name


def test_the_pull_request_workflow_is_read_only_and_has_no_secrets():
    workflow = load("pr.yml")
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}
    assert "secrets." not in (WORKFLOWS / "pr.yml").read_text()
    checkout = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}


@pytest.mark.parametrize("name", ["pr.yml", "deploy.yml"])
def test_no_expression_is_interpolated_into_a_shell_script(name):
    # ${{ github.event.pull_request.title }}, head_ref, base_ref... are written by whoever
    # opens the pull request; in a run: script they become shell code. Pass them via env:.
    for step in steps(load(name)):
        assert "${{" not in step.get("run", ""), step


@pytest.mark.parametrize("name", ["pr.yml", "deploy.yml"])
def test_every_action_is_pinned_to_a_commit_with_its_version(name):
    for step in steps(load(name)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]
    for line in (WORKFLOWS / name).read_text().splitlines():
        if re.match(r"\s*(- )?uses:", line):
            assert VERSION_COMMENT.search(line), line


@pytest.mark.parametrize("name", ["pr.yml", "deploy.yml"])
def test_pip_downloads_are_cached(name):
    setups = [s for s in steps(load(name)) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setups and all(s["with"]["cache"] == "pip" for s in setups)


LOCK_INSTALL = ["pip install --require-hashes -r requirements.txt", "pip install --no-deps -e ."]


@pytest.mark.parametrize("name", ["pr.yml", "deploy.yml"])
def test_the_workflow_installs_exactly_the_locked_versions(name):
    installs = [line.strip() for s in steps(load(name)) for line in s.get("run", "").splitlines()
                if re.search(r"\bpip\b.*\binstall\b", line)]
    assert installs == LOCK_INSTALL  # the lock, hash-checked, then the project without resolving anything
    assert (ROOT / "requirements.txt").is_file()


@pytest.mark.parametrize("name", ["pr.yml", "deploy.yml"])
def test_the_workflow_python_is_one_the_project_supports(name):
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    (setup,) = [s for s in steps(load(name)) if s.get("uses", "").startswith("actions/setup-python@")]
    version = setup["with"]["python-version"]
    assert requires == ">=3.11" and version in ("3.11", "3.12")
    assert setup["with"]["cache-dependency-path"] == "requirements.txt"


IMAGE_INPUTS = ["'stories/**/*.png'", "'stories/**/*.jpg'", "'stories/**/*.jpeg'", "'stories/**/*.webp'",
                "'stories/**/*.md'", "'assets/**'", "'advocates.yaml'", "'requirements.txt'"]


@pytest.mark.parametrize("name", ["pr.yml", "deploy.yml"])
def test_the_image_cache_is_restored_before_the_build_and_keyed_on_its_inputs(name):
    all_steps = steps(load(name))
    (cache,) = [s for s in all_steps if s.get("uses", "").startswith("actions/cache@")]
    (build,) = [s for s in all_steps if s.get("name") == "Build the site"]
    assert all_steps.index(cache) < all_steps.index(build)
    assert cache["with"]["path"] == "~/.cache/storyportal/"  # the image cache's default: outside the checkout
    key = cache["with"]["key"]
    renderer, inputs = re.fullmatch(r"storyportal-images-\$\{\{ runner\.os \}\}-\$\{\{ hashFiles\((.+?)\) \}\}"
                                    r"-\$\{\{ hashFiles\((.+?)\) \}\}", key).groups()
    assert renderer == "'generator/**/images.py', 'generator/**/cards.py'"
    assert inputs.split(", ") == IMAGE_INPUTS
    assert cache["with"]["restore-keys"].splitlines() == [key.rsplit("${{ hashFiles(", 1)[0]]  # same renderer, any inputs
    for pattern in ("generator/**/images.py", "generator/**/cards.py"):
        assert list(ROOT.glob(pattern)), pattern  # the renderer's files exist where the key looks


def test_deploy_runs_on_main_nightly_and_by_hand_with_the_official_pages_actions():
    workflow = load("deploy.yml")
    on = triggers(workflow)
    assert on["push"] == {"branches": ["main"]}
    assert [entry["cron"] for entry in on["schedule"]] == ["17 3 * * *"]
    assert "workflow_dispatch" in on
    assert workflow["concurrency"]["group"] == "pages"
    used = [s["uses"].split("@")[0] for s in steps(workflow) if "uses" in s]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in used
    jobs = workflow["jobs"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "id-token" not in jobs["build"]["permissions"]  # the job that runs our code cannot deploy
    assert jobs["build"]["permissions"]["contents"] == "read"


def test_codeowners_give_code_to_developers_and_content_to_customer_programs():
    owners = {}
    for line in (ROOT / ".github" / "CODEOWNERS").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            path, team = line.split()
            owners[path] = team
    developers = ["*", "/mkdocs.yml", "/theme/", "/generator/", "/.github/", "/pyproject.toml", "/bench/", "/tests/",
                  "/docs/", "/.cache/", "/Makefile", "/.ci/", "/setup.py", "/setup.cfg"]
    content = ["/stories/", "/advocates.yaml", "/assets/"]
    assert owners == {**{p: "@lumen-cloud/web-developers" for p in developers},
                      **{p: "@lumen-cloud/customer-programs" for p in content}}


def test_the_pull_request_template_has_the_consent_checklist():
    text = (ROOT / ".github" / "pull_request_template.md").read_text()
    boxes = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(boxes) == 6
    for words in ("advocates.yaml", "consent covers", "approved the quote", "logo", "private data", "images are ours"):
        assert any(words in box for box in boxes), words


# -- dynamic: the commands the steps run, on the demo ------------------------------

def tool_steps(name: str) -> list[dict]:
    """The steps that run our tools, in order."""
    return [s for s in steps(load(name)) if s.get("run", "").startswith(("storyportal", "mkdocs build"))]


def git(cwd, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path):
    """The demo portal as a pull-request checkout: origin/main, and a branch on top of it."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("mkdocs.yml", "advocates.yaml", "stories", "assets", "docs", "theme"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "--all")  # the scratch copy, not the project's repository
    git(repo, "commit", "-q", "-m", "demo")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "switch", "-q", "-c", "add-story")
    return repo


def run_step(step: dict, cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run a step's script as GitHub does: bash -e, the step's env, GitHub's variables."""
    env = {**os.environ, "STORYPORTAL_BUILD_DATE": DEMO_DATE, "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "HOME": str(tmp_path / "home")}  # a runner's home: the image cache goes to ~/.cache/storyportal
    env.pop("XDG_CACHE_HOME", None)
    for key, value in (step.get("env") or {}).items():
        env[key] = str(value).replace("${{ github.base_ref }}", "main")
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


BROKEN_STORY = ("---\ntitle: A new story\ntype: testimonial\nadvocates: [priya-ramen]\nsummary: S\n"
                "published: 2026-11-01\nquote: Q\n---\n")


def test_the_validate_steps_pass_on_the_demo(checkout, tmp_path):
    (checkout / "stories" / "new-story.md").write_text(
        (ROOT / "stories" / "harbor-pine-eu-launch.md").read_text().replace("in three European markets", "again"))
    validate = [s for s in tool_steps("pr.yml") + tool_steps("deploy.yml") if s["run"].startswith("storyportal validate")]
    assert len(validate) == 3
    for step in validate:
        done = run_step(step, checkout, tmp_path)
        assert done.returncode == 0, (step["run"], done.stdout, done.stderr)


def test_the_changed_files_step_fails_on_a_broken_story_with_annotations(checkout, tmp_path):
    (checkout / "stories" / "new-story.md").write_text(BROKEN_STORY)
    step = tool_steps("pr.yml")[0]
    assert "--changed-since" in step["run"]
    done = run_step(step, checkout, tmp_path)
    assert done.returncode == 1
    assert done.stdout.startswith("::error file=stories/new-story.md,line=4,col=13,title=story-advocate-unknown::")
    assert done.stdout.count("\n") == 1  # only the new story: the demo's withheld stories are not this branch's
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("## Story check: 1 error(s), 0 warning(s)\n")
    assert "| `stories/new-story.md` | 4 |" in summary


def test_the_full_check_in_a_pull_request_never_fails_the_job():
    full = [s for s in tool_steps("pr.yml") if s["run"].startswith("storyportal validate") and "--changed-since" not in s["run"]]
    assert len(full) == 1 and full[0]["continue-on-error"] is True


BUILD_STEPS = {"pr.yml": "storyportal build --strict -d site", "deploy.yml": "storyportal build -d site"}


def test_the_deploy_build_is_not_strict_so_an_error_on_main_cannot_keep_an_expired_story_online():
    (build,) = [s for s in tool_steps("deploy.yml") if s["name"] == "Build the site"]
    assert build["run"] == "storyportal build -d site"
    assert "--strict" not in build["run"]


@pytest.mark.parametrize("name", ["pr.yml", "deploy.yml"])
def test_the_build_step_builds_the_demo(checkout, tmp_path, name):
    (build,) = [s for s in tool_steps(name) if s["name"] == "Build the site"]
    assert build["run"] == BUILD_STEPS[name]
    done = run_step(build, checkout, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (checkout / "site" / "index.html").is_file()
    (cache,) = [s for s in steps(load(name)) if s.get("uses", "").startswith("actions/cache@")]
    kept = Path(cache["with"]["path"].replace("~", str(tmp_path / "home"), 1))
    assert any(kept.rglob("*.webp"))  # the folder the cache step keeps is where renditions go


def test_dependabot_proposes_python_and_action_updates_from_the_lock_and_the_workflows():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    assert {(u["package-ecosystem"], u["directory"]) for u in config["updates"]} == {("pip", "/"),
                                                                                    ("github-actions", "/")}
    # Dependabot's pip updater finds requirements*.txt files, so the lock must keep that name.
    assert "requirements.txt" in (ROOT / "Makefile").read_text()
