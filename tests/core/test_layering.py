"""Feature packages import downward only: no import cycle between them.

Every ``import`` of every module under ``campaign/<feature>/`` counts, including those
inside functions (the usual way a cycle hides). Imports under ``if TYPE_CHECKING:``
do not: they never run. Each feature has two layers: its entry points (routes, forms,
CLI commands, demo loaders: the web layer) sit above every feature's rules and models
(the domain layer), so a letter's page may show sign-on counts while sign-ons belong
to letters. Within each layer, and from a domain module to any web module, features
must not form a circle.
"""

from __future__ import annotations

import ast
import textwrap
from collections import defaultdict
from pathlib import Path

import campaign

WEB_MODULES = {"views", "forms", "cli", "demo"}
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}

Node = tuple[str, str]  # (feature, "web" | "domain")
Edge = tuple[Node, Node, str]  # from, to, "path:line imports module"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[tuple[str, int]]:
    """(module, line) of every import that runs, at any depth."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            # ``from campaign import db`` / ``from campaign.x import y`` where y is a module
            found.extend((f"{node.module}.{alias.name}", node.lineno) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _registers_routes(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS:
                    return True
    return False


def _layer(parts: tuple[str, ...], tree: ast.AST) -> str:
    names = {p.removesuffix(".py") for p in parts[1:]}
    return "web" if names & WEB_MODULES or _registers_routes(tree) else "domain"


def feature_edges(root: Path) -> list[Edge]:
    """Imports from a module of one feature package to a module of another (or of the
    same feature's other layer), as (from, to, where) edges of the layer graph."""
    features = {p.name for p in root.iterdir() if (p / "__init__.py").exists()}
    layers: dict[str, Node] = {}
    trees: dict[Path, ast.AST] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[0] not in features:
            continue
        tree = trees[path] = ast.parse(path.read_text(encoding="utf-8"))
        dotted = ".".join((root.name, *parts)).removesuffix(".py").removesuffix(".__init__")
        layers[dotted] = (parts[0], _layer(parts, tree))
    edges: list[Edge] = []
    for path, tree in trees.items():
        parts = path.relative_to(root).parts
        dotted = ".".join((root.name, *parts)).removesuffix(".py").removesuffix(".__init__")
        source = layers[dotted]
        for module, line in _imports(tree):
            target = layers.get(module)
            if target is None or target == source:
                continue
            where = f"{path.relative_to(root.parent)}:{line} imports {module}"
            edges.append((source, target, where))
    return edges


def cycles(edges: list[Edge]) -> list[list[str]]:
    """Each group of layers that reach each other through imports and span more than one
    feature, with the imports that tie them (Tarjan's strongly connected components)."""
    graph: dict[Node, set[Node]] = defaultdict(set)
    for source, target, _where in edges:
        graph[source].add(target)
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    stack: list[Node] = []
    on_stack: set[Node] = set()
    groups: list[set[Node]] = []

    def connect(node: Node) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len({feature for feature, _layer in group}) > 1:
                groups.append(group)

    for node in list(graph):
        if node not in index:
            connect(node)
    return [
        sorted(where for source, target, where in edges if source in g and target in g)
        for g in groups
    ]


def test_no_import_cycle_between_feature_packages():
    root = Path(campaign.__file__).parent
    found = cycles(feature_edges(root))
    assert not found, "Import cycles between feature packages:\n" + "\n\n".join(
        "\n".join(group) for group in found
    )


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "app" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    for folder in [root / "app", *(p for p in (root / "app").rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return root / "app"


def test_the_check_finds_a_cycle_hidden_in_a_function(tmp_path):
    root = _package(
        tmp_path,
        {
            "signons/services.py": """
                def confirm(signon):
                    from app.directory.linking import link
                    link(signon)
            """,
            "directory/linking.py": "from app.signons.models import SignOn\n",
            "signons/models.py": "SignOn = object\n",
        },
    )
    [group] = cycles(feature_edges(root))
    assert group == [
        "app/directory/linking.py:1 imports app.signons.models",
        "app/signons/services.py:3 imports app.directory.linking",
    ]


def test_views_above_every_feature_are_no_cycle_but_type_checking_hides_nothing_else(tmp_path):
    root = _package(
        tmp_path,
        {
            # the letter page shows sign-on counts; sign-ons belong to letters
            "letters/views.py": "from app.signons.services import count\n",
            "letters/models.py": "Letter = object\n",
            "signons/services.py": "from app.letters.models import Letter\ncount = len\n",
            # a type-only import never runs
            "audit/models.py": """
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from app.auth.models import User
            """,
            "auth/models.py": "from app.audit.models import *\n",
        },
    )
    assert cycles(feature_edges(root)) == []
    # a module that registers routes is web whatever its name; a domain module importing
    # it closes a circle
    (root / "letters" / "pages.py").write_text(
        "from app.signons.services import count\n\n@bp.post('/x')\ndef page():\n    pass\n"
    )
    (root / "signons" / "services.py").write_text("from app.letters.pages import page\n")
    [group] = cycles(feature_edges(root))
    assert group == [
        "app/letters/pages.py:1 imports app.signons.services",
        "app/letters/views.py:1 imports app.signons.services",
        "app/signons/services.py:1 imports app.letters.pages",
    ]
