"""The graph's own validation report, cached per version of the graph and shapes files and of
the code that computes it (a new pySHACL or sdgkg may report differently)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sdgkg.rdfio.terms import Term
from sdgkg.store.digests import content_key
from sdgkg.store.index import cache_dir
from sdgkg.store.writes import replace_file
from sdgkg.validation.report import Severity, ValidationReport, ValidationResult

REPORTS = "reports-v3"  # the cache subfolder


def report_key(root: Path, files: Iterable[Path]) -> str:
    """The cache key of the report on `files`: their paths below `root` and contents, so a
    copy of the graph (as `sdgkg add` validates it) has the key of the graph it will become."""
    salt = f"report-v3 {version('sdgkg')} {version('pyshacl')}"
    return content_key(root, list(files), salt, cache_dir())


def load_cached_report(key: str) -> ValidationReport | None:
    path = cache_dir() / REPORTS / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        os.utime(path)  # in use: not pruned
    except (OSError, ValueError):
        return None
    results = []
    for item in data["results"]:
        fields: dict[str, Any] = {
            k: Term(**v) if isinstance(v, dict) else v for k, v in item.items()
        }
        fields["severity"] = Severity(fields["severity"])
        fields["shapes"] = tuple(fields.get("shapes", ()))
        results.append(ValidationResult(**fields))
    return ValidationReport(data["conforms"], tuple(results), data["turtle"])


def store_cached_report(key: str, report: ValidationReport) -> None:
    folder = cache_dir() / REPORTS
    try:
        folder.mkdir(parents=True, exist_ok=True)
        results = [asdict(r) for r in report.results]
        text = json.dumps(
            {"conforms": report.conforms, "results": results, "turtle": report.report_turtle}
        )
        replace_file(folder / f"{key}.json", text.encode("utf-8"))
        _prune_reports(folder)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _prune_reports(folder: Path) -> None:
    # One report per version of the graph: those nobody read for a week are dead weight.
    cutoff = time.time() - 7 * 86400
    for path in folder.glob("*.json"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
