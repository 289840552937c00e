// The query editor of `sdgkg serve`: CodeMirror 6 with the SPARQL grammar of
// codemirror-lang-sparql, over the page's plain <textarea> (which it keeps in step, so the
// form submits as it does without JavaScript).
//
// - syntax highlighting, bracket matching, history, search (CodeMirror's basic setup);
// - completion of the project's prefixes (read from the page) and their PREFIX lines;
// - the server's syntax error shown at its line and column (data-error-line/-column);
// - Ctrl-Enter runs the query.
import { basicSetup, EditorView } from "codemirror";
import { keymap, Decoration } from "@codemirror/view";
import { EditorSelection, Prec, StateField } from "@codemirror/state";
import { autocompletion } from "@codemirror/autocomplete";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { sparql } from "codemirror-lang-sparql";

const KEYWORDS = [
  "SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND",
  "VALUES", "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "CONSTRUCT", "DESCRIBE", "ASK",
  "LANG", "LANGMATCHES", "STR", "COUNT", "GROUP_CONCAT", "COALESCE", "EXISTS", "NOT EXISTS",
];

function readPrefixes() {
  const element = document.getElementById("sdgkg-prefixes");
  return element ? JSON.parse(element.textContent) : {};
}

// Completes `sk` to `skos:` (any prefix the server predeclares), `PREFIX sk` to the whole
// declaration, and SPARQL keywords.
function completions(prefixes) {
  const names = Object.entries(prefixes).map(([name, iri]) => ({
    label: name + ":", detail: iri, type: "namespace", boost: 1,
  }));
  const declarations = Object.entries(prefixes).map(([name, iri]) => ({
    label: `${name}: <${iri}>`, type: "namespace",
  }));
  const keywords = KEYWORDS.map((word) => ({ label: word, type: "keyword" }));
  return (context) => {
    const word = context.matchBefore(/[A-Za-z_][\w.-]*:?/);
    if (!word && !context.explicit) return null;
    const from = word ? word.from : context.pos;
    const before = context.state.doc.sliceString(Math.max(0, from - 7), from);
    const options = /PREFIX\s+$/i.test(before) ? declarations : [...names, ...keywords];
    return { from, options, validFor: /^[\w.-]*:?$/ };
  };
}

// The server's error: the line marked, the place underlined with the message.
const errorLine = Decoration.line({ class: "cm-sdgkg-error-line" });

function errorField(line) {
  return StateField.define({
    create: (state) => Decoration.set([errorLine.range(state.doc.line(line).from)]),
    update: (marks, transaction) => (transaction.docChanged ? Decoration.none : marks),
    provide: (field) => EditorView.decorations.from(field),
  });
}

function placeOf(doc, line, column) {
  const number = Math.min(Math.max(line, 1), doc.lines);
  const text = doc.line(number);
  return Math.min(text.from + Math.max(column, 1) - 1, text.to);
}

function showError(view, textarea) {
  const line = Number(textarea.dataset.errorLine || 0);
  if (!line) return;
  const column = Number(textarea.dataset.errorColumn || 1);
  const box = document.getElementById("query-error");
  const message = box ? box.textContent.trim() : "syntax error";
  const from = placeOf(view.state.doc, line, column);
  const to = Math.min(from + 1, view.state.doc.length);
  view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message }]));
  view.dispatch({ selection: EditorSelection.cursor(from), scrollIntoView: true });
  view.focus();
}

function start() {
  const textarea = document.getElementById("query");
  if (!textarea) return;
  const form = textarea.form;
  const run = () => {
    textarea.value = view.state.doc.toString();
    form.requestSubmit ? form.requestSubmit() : form.submit();
    return true;
  };
  const line = Number(textarea.dataset.errorLine || 0);
  const extensions = [
    basicSetup,
    sparql(),
    autocompletion({ override: [completions(readPrefixes())] }),
    lintGutter(),
    Prec.highest(keymap.of([{ key: "Mod-Enter", run }])),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ "aria-label": "SPARQL query" }),
  ];
  if (line) extensions.push(errorField(Math.min(line, textarea.value.split("\n").length)));
  const view = new EditorView({ doc: textarea.value, extensions });
  textarea.insertAdjacentElement("afterend", view.dom);
  textarea.hidden = true;
  form.addEventListener("submit", () => {
    textarea.value = view.state.doc.toString();
  });
  showError(view, textarea);
  window.sdgkgEditor = view; // for people's own scripts (and the browser tests)
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
