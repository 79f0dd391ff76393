"""The apps in layers, without circles (README, "Architecture"): each module imports only from its own
layer or those below it, no private name of another module, and no command imports a command."""
import ast
from pathlib import Path

import pytest

TRACKER = Path(__file__).resolve().parent.parent / "tracker"
# Lowest first; the apps that serve pages (dashboard, reporting) share the top layer but not each other.
LAYERS = [{"lib"}, {"org"}, {"targets"}, {"okrs"}, {"web"}, {"meetings"}, {"dashboard"}, {"reporting"}]
TOP = {"dashboard", "reporting"}
ROOT = {"settings", "urls", "wsgi", "health", "warmup"}  # the project's own modules: above every app


def layer_of(package):
    for level, packages in enumerate(LAYERS):
        if package in packages:
            return len(LAYERS) - 2 if package in TOP else level
    assert package in ROOT, f"tracker.{package} is in no layer: add it to README's list and LAYERS"
    return len(LAYERS)


def modules():
    for path in sorted(TRACKER.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ".".join(path.relative_to(TRACKER.parent).with_suffix("").parts)


def imports(path):
    """(module imported, names imported) of each ``from tracker… import …`` and ``import tracker…``."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tracker"):
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("tracker."):
                    yield alias.name, []


def package(module):
    return module.split(".")[1]


# The project's own modules (settings, URLs, health) put the apps together: they are not layered.
@pytest.mark.parametrize(("path", "name"), [m for m in modules() if package(m[1]) not in ROOT], ids=lambda value: value if isinstance(value, str) else "")
def test_a_module_imports_nothing_above_its_layer(path, name):
    mine = package(name)
    above = sorted({m for m, _names in imports(path) if package(m) != mine and layer_of(package(m)) >= layer_of(mine)})
    assert above == [], f"{name} imports from its own layer or above"


@pytest.mark.parametrize(("path", "name"), list(modules()), ids=lambda value: value if isinstance(value, str) else "")
def test_a_module_imports_no_private_name_of_another(path, name):
    private = sorted(
        f"{module}.{imported}" for module, names in imports(path) for imported in names
        if imported.startswith("_") and module != name
    )
    assert private == []


def test_no_command_imports_a_command():
    commands = [(path, name) for path, name in modules() if ".management.commands." in name]
    assert len(commands) >= 5
    found = sorted(f"{name} → {module}" for path, name in commands for module, _n in imports(path) if ".management.commands" in module)
    assert found == []
