"""The package's layering (style.md "The shape we want"), checked by walking every import statement.

- planner/core imports nothing from planner.sources, planner.planning, planner.cli or planner.api;
- planner/engines imports nothing from planner.sources, planner.planning or planner.cli;
- planner/planning, planner/api and planner/results import nothing from planner.cli;
- no import cycles between modules (lazy imports inside functions count too);
- no module in planner/cli/ is over 350 lines.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "planner"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for t in targets:
                if t in modules and t != name:
                    deps.add(t)
        graph[name] = deps
    return graph


GRAPH = _imports()


def _deps_of(prefix: str) -> set[tuple[str, str]]:
    return {(m, d) for m, deps in GRAPH.items() if m == prefix or m.startswith(prefix + ".") for d in deps}


def test_core_is_pure():
    bad = {(m, d) for m, d in _deps_of("planner.core") if d.split(".")[1] in ("sources", "planning", "cli", "api")}
    assert not bad, bad


def test_engines_do_no_io_and_no_cli():
    bad = {(m, d) for m, d in _deps_of("planner.engines") if d.split(".")[1] in ("sources", "planning", "cli", "api")}
    assert not bad, bad


def test_nothing_below_the_cli_imports_it():
    bad = {
        (m, d)
        for m, deps in GRAPH.items()
        for d in deps
        if not m.startswith("planner.cli") and d.startswith("planner.cli")
    }
    assert not bad, bad


def test_no_import_cycles():
    """Tarjan's strongly connected components over the module graph: every component is one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w.startswith(v + ".") or v.startswith(w + "."):
                continue  # a package and its own submodules are one unit
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, cycles


def test_command_modules_are_short():
    long = {p.name: n for p in (ROOT / "cli").glob("*.py") if (n := len(p.read_text().splitlines())) > 350}
    assert not long, long
