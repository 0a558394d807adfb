"""The layers import downwards only: models → services, scheduling, exporters → realtime → routes.

Every module under app/ is read with ast, not imported, so an import inside a function or under
TYPE_CHECKING counts too. Pages and the JSON API share code through app/routes/common.py, never
through each other; services and exporters are siblings, and both may use a utility below them
(app/markdown.py).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import app

APP_DIR = Path(app.__file__).resolve().parent
ROOT = APP_DIR.parent

# What the domain layers must never reach: the web, the live board and the templates.
WEB_SIDE = (
    "app.main",
    "app.cli",
    "app.routes",
    "app.deps",
    "app.csrf",
    "app.errors",
    "app.templating",
    "app.realtime",
    "app.writer",
    "app.schedule_runner",
)


@dataclass(frozen=True)
class Rule:
    importers: str  # a module, or a package with everything in it
    forbidden: tuple[str, ...]
    why: str


RULES = (
    Rule("app.routes.pages", ("app.routes.api",), "pages share with the API through app/routes/common.py"),
    Rule("app.routes.api", ("app.routes.pages",), "the API shares with the pages through app/routes/common.py"),
    Rule("app.routes.common", ("app.routes.pages", "app.routes.api"), "the shared module sits below both sides"),
    Rule("app.models", ("app.services", "app.scheduling", "app.exporters", *WEB_SIDE), "models are the bottom"),
    Rule("app.services", WEB_SIDE, "services are the domain: no web, no live board, no templates"),
    Rule("app.scheduling", ("app.services", "app.exporters", *WEB_SIDE), "the auto-scheduler is a pure function"),
    Rule("app.exporters", ("app.services", *WEB_SIDE), "exporters are pure functions from loaded data to bytes"),
    Rule("app.services", ("app.exporters",), "services and exporters are siblings"),
    Rule("app.realtime", ("app.routes", "app.deps", "app.csrf", "app.main"), "the live board sits below the routes"),
    Rule("app.templating", ("app.routes", "app.deps", "app.realtime"), "the templates serve realtime and routes"),
    Rule("app.markdown", ("app",), "a utility below services and exporters imports nothing of the app"),
    Rule("app.cli", ("app.routes", "app.deps", "app.csrf"), "the command calls the services, as the routes do"),
)

# Imports that break a rule today and are meant to go, each with the reason it is still here.
# test_known_exceptions_are_still_needed fails once one is gone, so that it is taken off this list.
KNOWN_EXCEPTIONS = {
    ("app.services.export_data", "app.exporters.data"): (
        "ExportData, the exporters' input, is built by this service: moving those dataclasses below both is a "
        "larger change"
    ),
    ("app.services.harvest", "app.exporters.harvest"): (
        "the harvest is grouped from ExportData by the exporters' own rule (the booklet and the zip use it too): "
        "it moves below both with ExportData"
    ),
    ("app.services.event_import", "app.exporters.json"): (
        "the import reads the JSON export's document schema, which lives with its exporter"
    ),
}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str  # the most precise name: `from app.deps import EventDep` is app.deps.EventDep
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.importer} ({self.path.relative_to(ROOT)}:{self.line}) imports {self.imported}"


def module_of(path: Path) -> tuple[str, bool]:
    """The dotted name of a file under app/, and whether it is a package's __init__."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def imports_in(source: str, module: str, *, is_package: bool = False) -> Iterator[tuple[int, list[str]]]:
    """Each import statement's line and what it may name: `from a import b` names a, and a.b if b is a module."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, [alias.name]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, *([base] if base else [])])
            for alias in node.names:
                yield node.lineno, [f"{base}.{alias.name}", base]


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def all_imports() -> list[Import]:
    found = []
    for path in sorted(APP_DIR.rglob("*.py")):
        module, is_package = module_of(path)
        for line, names in imports_in(path.read_text(encoding="utf-8"), module, is_package=is_package):
            # The most precise name that is app code: `from app import routes` is app.routes.
            name = next((n for n in names if under(n, "app")), names[-1])
            found.append(Import(importer=module, imported=name, path=path, line=line))
    return found


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return all_imports()


def broken(rule: Rule, imports: list[Import]) -> list[Import]:
    return [
        found
        for found in imports
        if under(found.importer, rule.importers) and any(under(found.imported, p) for p in rule.forbidden)
    ]


def known(found: Import) -> bool:
    return any(
        under(found.importer, importer) and under(found.imported, imported) for importer, imported in KNOWN_EXCEPTIONS
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.importers}-{rule.forbidden[0]}")
def test_layer_rule_holds(rule: Rule, imports: list[Import]):
    offending = [str(found) for found in broken(rule, imports) if not known(found)]

    said = f"{rule.importers} must not import {', '.join(rule.forbidden)} ({rule.why}):"
    assert offending == [], "\n  ".join([said, *offending])


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.importers}-{rule.forbidden[0]}")
def test_layer_rule_covers_some_modules(rule: Rule, imports: list[Import]):
    importers = {found.importer for found in imports if under(found.importer, rule.importers)}

    assert importers != set(), f"no module under {rule.importers} imports anything: is the rule's name right?"


@pytest.mark.parametrize(("importer", "imported"), list(KNOWN_EXCEPTIONS))
def test_known_exceptions_are_still_needed(importer: str, imported: str, imports: list[Import]):
    still = [found for found in imports if under(found.importer, importer) and under(found.imported, imported)]

    assert still != [], f"{importer} no longer imports {imported}: take it off KNOWN_EXCEPTIONS"
    assert any(still[0] in broken(rule, imports) for rule in RULES), f"{importer} → {imported} breaks no rule"


def test_imports_in_reads_from_app_import_a_module_inside_a_function():
    source = "def f():\n    from app import routes\n"

    assert list(imports_in(source, "app.services.x")) == [(2, ["app.routes", "app"])]


def test_imports_in_resolves_relative_imports():
    source = "from . import common\nfrom ..api import notes\nimport app.deps\n"

    assert list(imports_in(source, "app.routes.pages.notes")) == [
        (1, ["app.routes.pages.common", "app.routes.pages"]),
        (2, ["app.routes.api.notes", "app.routes.api"]),
        (3, ["app.deps"]),
    ]
    assert next(imports_in("from . import board\n", "app.routes.pages", is_package=True)) == (
        1,
        ["app.routes.pages.board", "app.routes.pages"],
    )


def test_a_page_importing_the_api_breaks_a_rule():
    path = APP_DIR / "routes" / "pages" / "example.py"
    sideways = Import(importer="app.routes.pages.example", imported="app.routes.api.schedule", path=path, line=3)
    pages = next(rule for rule in RULES if rule.importers == "app.routes.pages")

    assert [str(found) for found in broken(pages, [sideways])] == [
        "app.routes.pages.example (app/routes/pages/example.py:3) imports app.routes.api.schedule"
    ]
