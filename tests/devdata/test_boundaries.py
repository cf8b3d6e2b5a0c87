"""devdata is development only: the app never imports it, production settings leave it out, and
neither the installed package nor the Docker image carries it."""

import ast
import fnmatch
import tomllib
from pathlib import Path

from tests.test_deploy import manage, production_env

ROOT = Path(__file__).resolve().parent.parent.parent
APP_PACKAGES = ["accounts", "api", "config", "demos", "lifecycle"]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_nothing_in_the_app_imports_devdata():
    offenders = [
        str(path.relative_to(ROOT))
        for package in APP_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if any(name.split(".")[0] == "devdata" for name in imported_modules(path))
    ]

    assert offenders == []


def test_production_settings_have_no_seed_demo(tmp_path):
    result = manage(production_env(tmp_path), "seed_demo")

    assert result.returncode != 0
    assert "Unknown command: 'seed_demo'" in result.stderr, result.stderr


def test_neither_the_package_nor_the_image_holds_devdata():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split("\n")

    assert not any(fnmatch.fnmatch("devdata", pattern) for pattern in include)
    assert "devdata" in ignored
