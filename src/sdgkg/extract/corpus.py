"""Scoring extraction on a corpus of articles with gold files (`sdgkg extract --report DIR`).

A corpus folder holds articles (NAME.txt, in sub-folders or not) each with its gold file
(NAME.toml, see sdgkg.extract.gold). Each article is extracted as `sdgkg extract` would, nothing
is written, and what was found is compared with the gold file: mentions as (entity, text as
written), new entities as (type, label) with a person's post and organisation, facts as (event
kind, attribute, value). Names the graph does not know compare word by word as forms of one
another (Тимура Абдрахманова is Тимур Абдрахманов). Precision and recall are summed per language
and per kind: mentions, entities, each event kind, and dates (the date attributes of all kinds).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sdgkg.errors import InputError
from sdgkg.extract.gold import Gold, entity_items, load_gold
from sdgkg.extract.run import Extraction, extract
from sdgkg.morphology import same_value
from sdgkg.namespaces import compact

MENTIONS, ENTITIES, DATES, FACTS = "mentions", "new entities", "dates", "facts (all kinds)"


@dataclass
class Score:
    """True positives, false positives and false negatives of one kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class ArticleScore:
    """One article: its scores per kind, and what was missed or wrongly found."""

    document: str
    lang: str
    scores: dict[str, Score] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    mentions: list[tuple[str, str, int, int, str]] = field(default_factory=list)


def corpus_articles(folder: Path) -> list[tuple[Path, Path]]:
    """(article, gold file) pairs under `folder`, sorted; an article without gold is an error."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of articles")
    pairs = []
    for article in sorted(folder.rglob("*.txt")):
        gold = article.with_suffix(".toml")
        if not gold.is_file():
            raise InputError(f"{article}: no gold file {gold.name} beside it")
        pairs.append((article, gold))
    if not pairs:
        raise InputError(f"{folder}: no articles (*.txt with a NAME.toml gold file)")
    return pairs


def score_corpus(
    folder: str | os.PathLike[str], root: Path, date: str | None = None
) -> list[ArticleScore]:
    """Extract every article of the corpus and score it against its gold file."""
    pairs = corpus_articles(Path(folder))
    golds = [load_gold(gold, str(gold)) for _, gold in pairs]  # all parse before any work
    found = extract([article for article, _ in pairs], root, date=date)
    return [score_article(item, gold) for item, gold in zip(found, golds, strict=True)]


def score_article(item: Extraction, gold: Gold) -> ArticleScore:
    lang = item.document.lang
    result = ArticleScore(item.document.shown, lang)
    text = item.document.text
    got_mentions = {(compact(m.entity), text[m.start : m.end]) for m in item.mentions}
    result.mentions = [
        (compact(m.entity), text[m.start : m.end], m.start, m.end, _motivation(m))
        for m in item.mentions
    ]
    result.scores[MENTIONS] = _compare(
        result, MENTIONS, got_mentions, gold.mentions, lambda a, b: a == b
    )
    got_entities = entity_items([e.as_gold() for e in item.entities])
    result.scores[ENTITIES] = _compare(
        result, ENTITIES, got_entities, entity_items(gold.entities), _same_items(lang)
    )
    got_facts = {f for event in item.events for f in event.facts()}
    for kind in sorted({f[0] for f in got_facts | gold.facts}):
        result.scores[kind] = _compare(
            result,
            kind,
            {f for f in got_facts if f[0] == kind},
            {f for f in gold.facts if f[0] == kind},
            _same_items(lang),
        )
    dated = Score()
    _compare(
        ArticleScore("", lang),
        DATES,
        {f for f in got_facts if f[1] == "date"},
        {f for f in gold.facts if f[1] == "date"},
        _same_items(lang),
        dated,
    )
    result.scores[DATES] = dated
    return result


def _motivation(mention) -> str:  # type: ignore[no-untyped-def]
    return "linking" if mention.derived else "identifying"


Item = tuple[str, ...]


def _compare(
    result: ArticleScore,
    kind: str,
    got: Iterable[Item],
    want: Iterable[Item],
    same: Callable[[Item, Item], bool],
    score: Score | None = None,
) -> Score:
    score = score if score is not None else Score()
    left = list(want)
    for item in sorted(got, key=str):
        match = next((w for w in left if same(item, w)), None)
        if match is None:
            score.fp += 1
            result.wrong.append(f"{kind}: {_show(item)}")
        else:
            score.tp += 1
            left.remove(match)
    score.fn += len(left)
    result.missed += [f"{kind}: {_show(item)}" for item in sorted(left, key=str)]
    return score


def _show(item: Iterable[object]) -> str:
    return " | ".join(str(x) for x in item)


def _same_items(lang: str) -> Callable[[Item, Item], bool]:
    def same(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        return len(a) == len(b) and all(same_value(x, y, lang) for x, y in zip(a, b, strict=True))

    return same


def totals(articles: list[ArticleScore]) -> dict[str, dict[str, Score]]:
    """language -> kind -> summed score; FACTS sums every event kind."""
    summed: dict[str, dict[str, Score]] = defaultdict(lambda: defaultdict(Score))
    for article in articles:
        for kind, score in article.scores.items():
            summed[article.lang][kind].add(score)
            if kind not in (MENTIONS, ENTITIES, DATES):
                summed[article.lang][FACTS].add(score)
    return {lang: dict(kinds) for lang, kinds in sorted(summed.items())}


def render_corpus_text(articles: list[ArticleScore]) -> str:
    lines = []
    for article in articles:
        lines.append(f"{article.document} ({article.lang})")
        for start_end in article.mentions:
            iri, quote, start, end, motivation = start_end
            lines.append(f"  mention {start}-{end} {quote!r} -> {iri} ({motivation})")
        lines += [f"  missed  {m}" for m in article.missed]
        lines += [f"  wrong   {w}" for w in article.wrong]
    lines += [
        "",
        f"{'language':8} {'kind':22} {'precision':>9} {'recall':>7} {'found':>6} {'gold':>5}",
    ]
    for lang, kinds in totals(articles).items():
        for kind in _ordered(kinds):
            s = kinds[kind]
            lines.append(
                f"{lang:8} {kind:22} {s.precision:9.2f} {s.recall:7.2f} {s.tp + s.fp:6d} "
                f"{s.tp + s.fn:5d}"
            )
    return "\n".join(lines) + "\n"


def _ordered(kinds: dict[str, Score]) -> list[str]:
    fixed = [MENTIONS, ENTITIES, FACTS, DATES]
    return [k for k in fixed if k in kinds] + sorted(k for k in kinds if k not in fixed)


def render_corpus_json(articles: list[ArticleScore]) -> str:
    data = {
        "totals": {
            lang: {
                kind: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "true_positives": s.tp,
                    "false_positives": s.fp,
                    "false_negatives": s.fn,
                }
                for kind, s in kinds.items()
            }
            for lang, kinds in totals(articles).items()
        },
        "articles": [
            {
                "document": a.document,
                "lang": a.lang,
                "mentions": [
                    {"entity": m[0], "text": m[1], "start": m[2], "end": m[3], "motivation": m[4]}
                    for m in a.mentions
                ],
                "missed": a.missed,
                "wrong": a.wrong,
            }
            for a in articles
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
