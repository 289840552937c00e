"""Validation: the graph, and new facts, against the SHACL shapes in `shapes/`.

Owns the report types and renderers (`report`, `sarif`), the pySHACL runner (`shacl`), the
split of a big run over cores (`shards`), the focus-node analysis that checks only what new
facts can change (`focus`), the cache of the graph's own report (`cache`), what a curator needs
beside each result (`explain`: where, via `locate`; the shapes, via `names`; the constraint in
words and a hint, via `hints`) and `validate` itself (`run`). It may import
`store`, `rdfio`, `parallel` and the project-wide modules, and is the one package besides `store`
that imports rdflib and pySHACL; nothing here imports `curation`, `extract`, `server` or the CLI.
"""

from sdgkg.validation.report import Severity, ValidationReport, ValidationResult
from sdgkg.validation.run import check_subjects_unique, validate

__all__ = ["Severity", "ValidationReport", "ValidationResult", "check_subjects_unique", "validate"]
