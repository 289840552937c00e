"""The native checker on the W3C SHACL test suite: each test's expected report, or Unsupported
where the test needs a feature the checker leaves to pySHACL (listed, with the feature)."""

from __future__ import annotations

import pytest

from sdgkg.validation import native

from .shacl_suite import Graph, ResultKey, SuiteCase, suite_cases, term_text

CASES = suite_cases()

# Tests whose shapes use what the native checker does not implement: it must say so (pySHACL
# then decides), never answer.
UNSUPPORTED = {
    "core/node/equals-001": "sh:equals",
    "core/node/disjoint-001": "sh:disjoint",
    "core/property/equals-001": "sh:equals",
    "core/property/disjoint-001": "sh:disjoint",
    "core/property/lessThan-001": "sh:lessThan",
    "core/property/lessThan-002": "sh:lessThan",
    "core/property/lessThanOrEquals-001": "sh:lessThanOrEquals",
    "core/property/datatype-ill-formed": "sh:datatype xsd:byte",
    "core/property/qualifiedValueShapesDisjoint-001": "sh:qualifiedValueShapesDisjoint",
    "core/property/qualifiedMinCountDisjoint-001": "sh:qualifiedValueShapesDisjoint",
    "sparql/component/optional-001": "sh:parameter",
    "sparql/component/propertyValidator-select-001": "sh:parameter",
    "sparql/component/validator-001": "sh:parameter",
    "sparql/property/sparql-001": "on a property shape",
}


def path_text(path: native.Path) -> str:
    """A native path as the suite's reader writes one (full IRIs, brackets where needed)."""
    if path.predicate is not None:
        return str(path.predicate)
    marks = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}
    if path.kind == "inverse":
        return "^" + _operand(path.inner[0], unary=True)
    if path.kind in marks:
        return _operand(path.inner[0], unary=True) + marks[path.kind]
    joint = "|" if path.kind == "alternative" else "/"
    return joint.join(_operand(step) for step in path.inner)


def _operand(path: native.Path, unary: bool = False) -> str:
    compound = path.kind in ("sequence", "alternative")
    bare = path.predicate is not None or not (compound or unary)
    return path_text(path) if bare else f"({path_text(path)})"


def native_report(case: SuiteCase) -> tuple[bool, frozenset[ResultKey]]:
    data = Graph(case.data)
    found = frozenset(
        ResultKey(
            focus_node=term_text(f.focus, data),
            path=None if f.path is None else path_text(f.path),
            value=None if f.value is None else term_text(f.value, data),
            component=str(f.component),
            severity=str(f.severity),
        )
        for f in native.check(list(case.data), list(case.shapes))
    )
    return not found, found


def test_every_listed_case_exists() -> None:
    assert set(UNSUPPORTED) <= {case.name for case in CASES}


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.name not in UNSUPPORTED], ids=lambda c: c.name
)
def test_the_native_checker_gives_the_expected_report(case: SuiteCase) -> None:
    assert native_report(case) == (case.expected_conforms, case.expected_results)


@pytest.mark.parametrize("case", [c for c in CASES if c.name in UNSUPPORTED], ids=lambda c: c.name)
def test_the_native_checker_says_what_it_cannot_check(case: SuiteCase) -> None:
    with pytest.raises(native.Unsupported, match=UNSUPPORTED[case.name]):
        native_report(case)
