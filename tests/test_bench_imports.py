"""`make bench`'s probes and sections import the app's modules by path; none of them runs in the
test suite, so a module that moves (issue 12 moved many) would break the bench only when someone
next runs it, after minutes of seeding. This reads every bench file's imports of our own packages
and checks that each module exists and has each name imported from it."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"accounts", "lifecycle", "demos", "api", "plumbing", "backups", "devdata", "config"}
BENCH_FILES = sorted((ROOT / "bench").rglob("*.py"))


def our_imports(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name or None) for each import of one of our packages in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in OURS:
                found += [(node.lineno, node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name, None)
                for alias in node.names
                if alias.name.split(".")[0] in OURS
            ]
    return found


def test_the_bench_imports_something_of_ours():
    assert sum(len(our_imports(path)) for path in BENCH_FILES) > 10


@pytest.mark.parametrize("path", BENCH_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bench_import_of_the_app_resolves(path):
    missing = []
    for line, module_name, name in our_imports(path):
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            missing.append(f"line {line}: {module_name} ({error})")
            continue
        if name not in (None, "*") and not hasattr(module, name):
            try:
                importlib.import_module(f"{module_name}.{name}")
            except ImportError:
                missing.append(f"line {line}: {name} from {module_name}")
    assert not missing, f"{path.relative_to(ROOT)} imports what is not there: {missing}"
