"""Ports and adapters: the core speaks its own language, in layers that import one way."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ("slack_bolt", "slack_sdk", "telegram", "apscheduler")

# bot/ in layers, lowest first: a module may import from its own layer and the ones below,
# never from above. Top-level modules are values (or the service facade, which is last).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("bot.domain", "bot.document", "bot.clock", "bot.texts"),
    ("bot.settings",),
    ("bot.labels", "bot.ports"),
    ("bot.store",),
    ("bot.people", "bot.audit"),
    ("bot.positions",),
    ("bot.publishing",),
    ("bot.insight",),
    ("bot.cadence",),
    ("bot.service",),
    ("bot.admin",),
)
TOP_LEVEL = {"__init__", "domain", "document", "clock", "labels", "ports", "service"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(package: str) -> list[tuple[Path, str]]:
    """Every import in the package, function-local and TYPE_CHECKING ones included."""
    found = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.append((path, node.module))
                found += [(path, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def bot_modules() -> set[str]:
    return {module_name(p) for p in (ROOT / "bot").rglob("*.py")}


def import_graph() -> dict[str, set[str]]:
    """Module → the bot modules it imports (`from bot.x import y` counts y if it is a module)."""
    modules = bot_modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for path, name in imports("bot"):
        if name in modules:
            graph[module_name(path)].add(name)
    for module in graph:
        graph[module].discard(module)
    return graph


def layer_of(module: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in layer):
            return index
    return None


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def test_core_imports_no_platform_library_nor_adapters() -> None:
    leaks = [(p.relative_to(ROOT), m) for p, m in imports("bot")
             if m.split(".")[0] in (*PLATFORMS, "adapters", "scheduling", "positie",
                                    "emulators", "report")]
    assert leaks == []


def test_only_scheduling_imports_apscheduler() -> None:
    users = {p.relative_to(ROOT).parts[0] for pkg in ("bot", "adapters", "positie")
             for p, m in imports(pkg) if m.split(".")[0] == "apscheduler"}
    assert users == set()


def test_adapters_do_not_import_each_other() -> None:
    packages = [p.name for p in (ROOT / "adapters").iterdir()
                if p.is_dir() and (p / "__init__.py").exists()]
    crossings = [(p.relative_to(ROOT), m) for name in packages
                 for p, m in imports(f"adapters/{name}")
                 for other in packages
                 if other != name and m.startswith(f"adapters.{other}")]
    assert crossings == []


def test_top_level_of_bot_holds_only_values_and_the_service() -> None:
    top = {p.stem for p in (ROOT / "bot").glob("*.py")}
    assert top <= TOP_LEVEL, f"move these into a subpackage: {sorted(top - TOP_LEVEL)}"


def test_every_subpackage_says_what_lives_there() -> None:
    for init in (ROOT / "bot").glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, f"{init.relative_to(ROOT)} needs a docstring paragraph"


def test_every_bot_module_has_a_layer() -> None:
    assert [m for m in bot_modules() if m != "bot" and layer_of(m) is None] == []


def test_layers_import_downwards_only() -> None:
    upward = sorted(
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in import_graph().items() for target in targets
        if module != "bot" and (layer_of(target) or 0) > (layer_of(module) or 0))
    assert upward == []


def test_no_import_circle_between_modules() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_no_import_circle_between_packages() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        packages.setdefault(package_of(module), set()).update(
            package_of(t) for t in targets if package_of(t) != package_of(module))
    cycle = find_cycle(packages)
    assert cycle is None, "package circle: " + " -> ".join(cycle or [])


def test_the_circle_finder_finds_circles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_product_file_over_400_lines() -> None:
    long = [(str(p.relative_to(ROOT)), n)
            for package in ("bot", "adapters", "scheduling", "positie", "emulators", "report")
            for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400]
    assert long == []


def test_the_report_package_presents_and_knows_no_platform() -> None:
    """report/ renders what bot/ assembled: it imports bot, never an adapter, the
    scheduler, the composition root or a platform library; every module says what it is."""
    leaks = [(p.relative_to(ROOT), m) for p, m in imports("report")
             if m.split(".")[0] in (*PLATFORMS, "adapters", "scheduling", "positie",
                                    "emulators")]
    assert leaks == []
    for path in (ROOT / "report").glob("*.py"):
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path
