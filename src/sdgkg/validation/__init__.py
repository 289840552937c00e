"""Validation: the graph, and new facts, against the SHACL shapes in `shapes/`.

Owns the report types and renderers (`report`, `sarif`), the pySHACL runner (`shacl`), the
split of a big run over cores (`shards`), the focus-node analysis that checks only what new
facts can change (`focus`), the cache of the graph's own report (`cache`), what a curator needs
beside each result (`explain`: where, via `locate`; the shapes, via `names`; the constraint in
words and a hint, via `hints`), the rules checked before SHACL (`graphrules`: one file per
subject, well-typed literals) and `validate` itself (`run`). A second checker without pySHACL
(`native`) decides alone only that a large graph conforms (`fast`). It may import `store`,
`rdfio`, `parallel` and the project-wide modules, and is the one package besides `store` that
imports rdflib and pySHACL; nothing here imports `curation`, `extract`, `server` or the CLI.
Loading the package loads neither: `validate` is imported when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sdgkg.validation.graphrules import check_subjects_unique
from sdgkg.validation.report import Severity, ValidationReport, ValidationResult

if TYPE_CHECKING:
    from sdgkg.validation.run import validate

__all__ = ["Severity", "ValidationReport", "ValidationResult", "check_subjects_unique", "validate"]


def __getattr__(name: str) -> Any:
    if name == "validate":
        from sdgkg.validation.run import validate  # noqa: PLC0415 - pySHACL only when used

        return validate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
