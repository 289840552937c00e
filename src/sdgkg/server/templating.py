"""The pages' HTML: Jinja2 templates (in templates/) with autoescaping, one layout.

Every value reaches the page escaped unless a template marks it otherwise; the only markup
made in Python is `code_spans` (Markdown backticks as <code>), which escapes its text first.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from sdgkg.namespaces import PREFIXES, compact
from sdgkg.server.pages import PAGE_SIZES, linkable, local_path, query_url, with_lang

TEMPLATES = Path(__file__).resolve().parent / "templates"
_BACKTICKS = re.compile(r"`([^`\n]+)`")


def code_spans(text: str) -> Markup:
    """Plain text with Markdown `code` spans shown as code."""
    escaped = str(escape(text))
    return Markup(_BACKTICKS.sub(r"<code>\1</code>", escaped))


def json_script(value: Any) -> Markup:
    """JSON for a <script type="application/json"> block: `<`, `>` and `&` escaped, so no
    data can close the script element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return Markup(text)


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(code=code_spans, json_script=json_script, compact=compact)
    environment.globals.update(
        local_path=local_path,
        linkable=linkable,
        with_lang=with_lang,
        query_url=query_url,
        page_sizes=PAGE_SIZES,
        prefixes=PREFIXES,
    )
    return environment


_ENVIRONMENT = _environment()


def render_page(template: str, **context: Any) -> bytes:
    """A whole page from its template (which extends layout.html)."""
    return _ENVIRONMENT.get_template(template).render(**context).encode("utf-8")
