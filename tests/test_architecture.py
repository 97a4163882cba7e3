"""The layout keeps to docs/architecture.md: layers, no cycles, apps meet only through their
public modules, and no module grows past what a newcomer can read."""

import subprocess  # noqa: S404 - runs the import linter on this checkout
import sys
from pathlib import Path

import grimp
import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "doorstep"
APPS = {
    "residents", "cases", "messaging", "evidence", "plans", "vulnerability", "housing",
    "inclusion", "reporting",
}  # fmt: skip
# What one capability may import from another: its actions, reads, permission checks, models
# (for foreign keys and types) and the registries it offers.
PUBLIC_MODULES = {"services", "queries", "access", "models"}
REGISTRIES = {
    "messaging.nudges",
    "messaging.cohorts",
    "residents.search",
    "residents.merging",
    "reporting.survey",
}
MAX_LINES = 600
MAX_ACTION_MODULE_LINES = 400


def test_import_contracts_hold():
    """Layers and cycles, as the [tool.importlinter] contracts in pyproject.toml state them."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(lint_imports), "--no-cache"],
        cwd=SRC.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("doorstep", cache_dir=None)


def _crossings(graph):
    for importer in sorted(graph.modules):
        source = importer.split(".")
        if len(source) < 3 or source[1] not in APPS:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            target = imported.split(".")
            if target[0] != "doorstep" or len(target) < 2 or target[1] not in APPS:
                continue
            if target[1] != source[1]:
                yield importer, imported


def test_apps_meet_only_through_public_modules(graph):
    wrong = []
    for importer, imported in _crossings(graph):
        target = imported.split(".")
        entry = target[2] if len(target) > 2 else ""
        if entry in PUBLIC_MODULES or f"{target[1]}.{entry}" in REGISTRIES:
            continue
        wrong.append(f"{importer} -> {imported}")
    assert not wrong, "import another app's services, queries, access or registries:\n" + "\n".join(
        wrong
    )


def test_the_check_sees_a_wrong_crossing():
    """The check itself can fail: a view importing another app's views is reported."""
    graph = grimp.ImportGraph()
    graph.add_import(importer="doorstep.plans.views", imported="doorstep.messaging.views")
    crossings = list(_crossings(graph))
    assert ("doorstep.plans.views", "doorstep.messaging.views") in crossings


def _line_counts():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path, sum(1 for _ in path.open(encoding="utf-8"))


def test_no_module_is_too_long():
    long = [f"{p.relative_to(SRC)}: {n}" for p, n in _line_counts() if n > MAX_LINES]
    assert not long, f"split these by kind of work (≤ {MAX_LINES} lines):\n" + "\n".join(long)


def test_action_modules_stay_small():
    long = [
        f"{p.relative_to(SRC)}: {n}"
        for p, n in _line_counts()
        if "services" in p.parts and n > MAX_ACTION_MODULE_LINES
    ]
    assert not long, f"action modules hold ≤ {MAX_ACTION_MODULE_LINES} lines:\n" + "\n".join(long)
