"""The import rule of docs/architecture.md, checked on the source: a violating import fails here.

- ``shop/`` holds Oscar forks and ``shop.core``; forks may call the marketplace.
- The marketplace (``vendors``) imports from ``shop`` only models, ``shop.core``, the search index, the one
  way to place an order (``shop.checkout.services``, for a live snap-up) and the one way to count a basket
  (``shop.basket.counts``, for /visitor.json).
- ``shop.core`` imports nothing of the project.
- Only ``config.urls`` and the web layer itself import the web layer (``vendors.web``): rules live in the
  domain packages, pages call them.
- No cycles between packages (a domain package, a module of an Oscar fork, ``shop.core``), nor between
  modules, counting imports inside functions too: a cycle held off by a function-local import is still
  a cycle. Models are the bottom layer every package may read, so a ``models`` module is not a node of
  the package graph.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("shop", "vendors", "config")


def _modules() -> dict[str, Path]:
    found = {}
    for top in SOURCES:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                imported.add(candidate if candidate in MODULES else base)
    return {module for module in imported if module.split(".")[0] in SOURCES and module in MODULES}


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _package(module: str) -> str:
    """The node of the package graph: vendors.<domain>, vendors.web.<area>, shop.core, config; each module of
    an Oscar fork on its own (Oscar loads each override by itself, and a fork's modules share no rule)."""
    parts = module.split(".")
    if parts[0] == "vendors" and len(parts) > 2 and parts[1] == "web":
        return ".".join(parts[:3])
    if parts[0] == "shop" and len(parts) > 1 and parts[1] != "core":
        return module
    return ".".join(parts[:2]) if len(parts) > 1 else parts[0]


def _is_models(module: str) -> bool:
    return module.endswith(".models") or module == "vendors.models"


def marketplace_violations(imports: dict[str, set[str]]) -> list[str]:
    allowed = ("shop.core", "shop.search", "shop.checkout.services", "shop.basket.counts")
    return sorted(
        f"{module} imports {target}"
        for module, targets in imports.items()
        if module.startswith("vendors")
        for target in targets
        if target.startswith("shop.") and not (_is_models(target) or target.startswith(allowed))
    )


def core_violations(imports: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in imports.items()
        if module.startswith("shop.core")
        for target in targets
        if not target.startswith("shop.core")
    )


def web_violations(imports: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in imports.items()
        if not (module.startswith("vendors.web") or module == "config.urls")
        for target in targets
        if target.startswith("vendors.web")
    )


def package_cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, targets in imports.items():
        if _is_models(module):
            continue
        for target in targets:
            if not _is_models(target) and _package(target) != _package(module):
                graph[_package(module)].add(_package(target))
    return _cycles(graph)


def module_cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Cycles between single modules, inside a package too (services <-> tasks)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module, targets in imports.items():
        graph[module].update(target for target in targets if target != module and not module.startswith(target + "."))
    return _cycles(graph)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for following in sorted(graph[node]):
            if state.get(following) == "open":
                cycles.append([*path[path.index(following) :], following])
            elif following not in state:
                visit(following, [*path, following])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_the_marketplace_imports_only_models_core_and_the_search_index_from_shop():
    assert marketplace_violations(IMPORTS) == []


def test_shop_core_imports_nothing_of_the_project():
    assert core_violations(IMPORTS) == []


def test_only_the_url_configuration_and_the_web_layer_import_the_web_layer():
    assert web_violations(IMPORTS) == []


def test_packages_import_each_other_without_cycles():
    assert package_cycles(IMPORTS) == []


def test_modules_import_each_other_without_cycles():
    assert module_cycles(IMPORTS) == []


def test_a_violating_import_is_caught():
    # given: the real imports plus three violations
    imports = {name: set(targets) for name, targets in IMPORTS.items()}
    imports["vendors.listings.services"].add("shop.checkout.views")
    imports["shop.core.phone"].add("vendors.models")
    imports["vendors.fulfilment.services"].add("vendors.web.seller.views")
    imports["vendors.earnings.services"].add("vendors.fulfilment.services")
    imports["vendors.notifications.tasks"].add("vendors.notifications.services")
    # when / then
    assert marketplace_violations(imports) == ["vendors.listings.services imports shop.checkout.views"]
    assert core_violations(imports) == ["shop.core.phone imports vendors.models"]
    assert web_violations(imports) == ["vendors.fulfilment.services imports vendors.web.seller.views"]
    assert any({"vendors.earnings", "vendors.fulfilment"} == set(cycle) for cycle in package_cycles(imports))
    assert any(
        {"vendors.notifications.services", "vendors.notifications.tasks"} == set(cycle)
        for cycle in module_cycles(imports)
    )


def test_the_source_tree_was_read():
    assert {"vendors.fulfilment.services", "shop.core.phone", "config.urls"} <= set(MODULES)
    assert "vendors.earnings.services" in IMPORTS["vendors.fulfilment.services"]
