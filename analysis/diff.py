"""What a change does to the data: compare two builds' `data/` folders.

Reviewers of a pull request see the articles, facts, aggregates and leading terms
that were added, removed or changed, not only the code diff. Pure functions over
the CSV files every build writes; `python -m analysis diff BASE NEW` and the
build's `--base` option are the two ways in.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .aggregate import KEY as SCALE_KEY

# For each data file: the columns that identify a row, and the columns whose change matters.
# Rows sharing a key (two figures for one metric in one sentence) are told apart by their order.
DATASETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "articles.csv": (("id",), ("title", "date", "kind", "places", "topics", "publication", "first_published")),
    "facts.csv": (("article_id", "metric", "place", "status", "sentence"), ("value", "qualifier", "year", "funding_source")),
    # how many articles state a figure, and whether they agree, is part of what the report shows
    "scale_by_place.csv": (tuple(SCALE_KEY), ("value", "display", "n_sources", "agree", "other_figures")),
    "terms_by_place.csv": (("place", "term"), ("count",)),
    "terms_by_topic.csv": (("topic", "term"), ("count",)),
}
LEADING_TERMS = 20  # only a place's or a topic's most frequent terms are compared; the long tail is noise


@dataclass
class DatasetChanges:
    name: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)  # {"key": ..., "column": (old, new)}

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:  # with or without the mark for Excel
        return list(csv.DictReader(fh))


def leading_terms(rows: list[dict], group: str = "place") -> list[dict]:
    """Each group's LEADING_TERMS first rows (a place's or a topic's most frequent terms)."""
    kept, seen = [], {}
    for row in rows:  # rows are sorted by group, then count descending
        seen[row[group]] = seen.get(row[group], 0) + 1
        if seen[row[group]] <= LEADING_TERMS:
            kept.append(row)
    return kept


def keyed_rows(rows: list[dict], keys: tuple[str, ...]) -> dict[tuple, dict]:
    """Rows by their key and, after it, how many earlier rows share that key: the n-th figure
    of a sentence is compared with the n-th figure of that sentence in the other build."""
    seen: Counter = Counter()
    indexed = {}
    for row in rows:
        key = tuple(row.get(k, "") for k in keys)
        indexed[(*key, seen[key])] = row
        seen[key] += 1
    return indexed


def compare_rows(name: str, base: list[dict], new: list[dict]) -> DatasetChanges:
    keys, values = DATASETS[name]
    index_base, index_new = keyed_rows(base, keys), keyed_rows(new, keys)
    changes = DatasetChanges(name)
    for key in sorted(index_new.keys() - index_base.keys()):
        changes.added.append(index_new[key])
    for key in sorted(index_base.keys() - index_new.keys()):
        changes.removed.append(index_base[key])
    for key in sorted(index_base.keys() & index_new.keys()):
        old, now = index_base[key], index_new[key]
        diffs = {c: [old.get(c, ""), now.get(c, "")] for c in values if old.get(c, "") != now.get(c, "")}
        if diffs:
            changes.changed.append({"key": dict(zip(keys, key)), "changes": diffs})
    return changes


def compare(base_data: Path, new_data: Path) -> list[DatasetChanges]:
    result = []
    for name in DATASETS:
        base, new = read_rows(base_data / name), read_rows(new_data / name)
        if name.startswith("terms_by_"):
            group = DATASETS[name][0][0]
            base, new = leading_terms(base, group), leading_terms(new, group)
        result.append(compare_rows(name, base, new))
    return result


def describe(row: dict, name: str) -> str:
    keys, values = DATASETS[name]
    parts = [row.get(k, "") for k in keys if k != "sentence"] + [row.get(v, "") for v in values[:2]]
    return " · ".join(p for p in parts if p)


def changes_text(changes: list[DatasetChanges]) -> str:
    lines = []
    for dataset in changes:
        lines.append(f"{dataset.name}: +{len(dataset.added)} -{len(dataset.removed)} ~{len(dataset.changed)}")
        lines.extend(f"  + {describe(r, dataset.name)}" for r in dataset.added)
        lines.extend(f"  - {describe(r, dataset.name)}" for r in dataset.removed)
        for c in dataset.changed:
            what = "; ".join(f"{col}: {old} -> {new}" for col, (old, new) in c["changes"].items())
            lines.append(f"  ~ {' · '.join(c['key'].values())}: {what}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Page text inside a Markdown table cell: escaped for HTML and Markdown, on one line."""
    from .report import md  # the report's escaping; imported late to keep `diff` light

    return md(text)


def changes_markdown(changes: list[DatasetChanges], base_label: str) -> str:
    """A Pelican page listing every difference, one table per data file."""
    out = ["Title: 数据变更", "Slug: changes", "", f"与基准构建（{_cell(base_label)}）相比，本次构建的数据变化如下。", ""]
    for dataset in changes:
        out.append(f"## {dataset.name}")
        out.append("")
        if dataset.empty:
            out += ["无变化。", ""]
            continue
        out += ["| 变化 | 内容 |", "|---|---|"]
        out += [f"| 新增 | {_cell(describe(r, dataset.name))} |" for r in dataset.added]
        out += [f"| 删除 | {_cell(describe(r, dataset.name))} |" for r in dataset.removed]
        for c in dataset.changed:
            what = "；".join(f"{col}：{old} → {new}" for col, (old, new) in c["changes"].items())
            out.append(f"| 修改 | {_cell(' · '.join(c['key'].values()))}：{_cell(what)} |")
        out.append("")
    return "\n".join(out)


def changes_json(changes: list[DatasetChanges]) -> str:
    return json.dumps([asdict(c) for c in changes], ensure_ascii=False, indent=1) + "\n"
