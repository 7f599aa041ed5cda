"""Rules between records that a single file cannot show: relations that point nowhere or in a circle, merged ids
still in use, likely duplicate models and organizations, and links that name another model."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from builder.load.checks import problem
from builder.problems import WARNING, Problem
from builder.records.types import RELATIONS

LINK_KINDS = ("weights", "repository")
REPO_LINKS = ("weights", "homepage")  # links that name the model's own Hugging Face repository
HF_NOT_MODELS = frozenset({"datasets", "spaces", "docs", "blog", "papers", "collections", "organizations"})
GENERIC = frozenset(
    {
        "the",
        "and",
        "for",
        "model",
        "models",
        "base",
        "chat",
        "instruct",
        "instruction",
        "preview",
        "test",
        "large",
        "small",
        "medium",
        "tiny",
        "mini",
        "micro",
        "nano",
        "huge",
        "main",
        "tree",
        "blob",
        "readme",
        "release",
        "releases",
        "version",
        "final",
        "code",
        "hf",
        "research",
        "labs",
        "inc",
        "official",
    }
)
VARIANT_WORDS = frozenset({"base", "instruct", "instruction", "chat", "it", "hf", "sft", "dpo", "rlhf"})
SIZE = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s*([kmbt])(?![a-z])")
FIX_MODEL = (
    "merge the two records (keep one id and list the other under former_ids) or, if they are different models, "
    "declare how they relate (variant_of, base_model or family)"
)
FIX_ORG = (
    "merge the two records: keep one id, list the other under former_ids and its names under aliases, "
    "and point the models at the kept id"
)


@dataclass(frozen=True)
class Entry:
    """One record as the rules see it: where it is shown and its raw data."""

    path: str
    data: Mapping[str, Any]


def name_key(text: Any) -> str:
    """A name folded so that case, punctuation and word order do not matter ("Llama 2 Chat 70B" =
    "llama-2-70b-chat")."""
    words = re.findall(r"[a-z]+|\d+(?:\.\d+)?", str(text).lower().replace("+", " plus "))
    return " ".join(sorted(words))


def core_key(text: Any) -> str:
    """A name folded as name_key, without the words that mark a variant of the same model (base, instruct, chat,
    hf...)."""
    return " ".join(w for w in name_key(text).split() if w not in VARIANT_WORDS)


def url_key(url: Any) -> str | None:
    """A link folded to what it names: host and path without scheme, `www.`, case or a trailing slash; on GitHub and
    Hugging Face only the owner and repository (a README or a branch in the same repository is the same repository)."""
    if not isinstance(url, str):
        return None
    rest = re.sub(r"^[a-z]+://(www\.)?", "", url.strip().lower()).split("#")[0].split("?")[0].rstrip("/")
    host, _, path = rest.partition("/")
    parts = [p for p in path.split("/") if p]
    if host in ("github.com", "huggingface.co", "gitlab.com") and len(parts) >= 2:
        parts = parts[:2]
    return "/".join([host, *parts]) if parts else host


def organizations(data: Mapping[str, Any]) -> frozenset[str]:
    value = data.get("organization")
    return frozenset([value] if isinstance(value, str) else [v for v in value or () if isinstance(v, str)])


class _Groups:
    """Records joined by declared relations (either direction, or a shared target), as a union-find."""

    def __init__(self, models: Mapping[str, Entry]) -> None:
        self.parent: dict[str, str] = {}
        for model_id, entry in models.items():
            for relation in RELATIONS:
                target = entry.data.get(relation)
                if isinstance(target, str):
                    self.join(model_id, target)

    def root(self, item: str) -> str:
        while self.parent.get(item, item) != item:
            item = self.parent[item]
        return item

    def join(self, a: str, b: str) -> None:
        self.parent[self.root(a)] = self.root(b)

    def related(self, a: str, b: str) -> bool:
        return self.root(a) == self.root(b)


def check(models: Mapping[str, Entry], orgs: Mapping[str, Entry]) -> list[Problem]:
    """Every problem between records: relations, former ids, duplicates and link identity."""
    found = _relations(models)
    found += _former_ids(models, "model") + _former_ids(orgs, "organization")
    found += _duplicate_models(models) + _duplicate_organizations(orgs)
    found += _link_identity(models)
    return found


def _relations(models: Mapping[str, Entry]) -> list[Problem]:
    """A relation names another record (missing targets are ref-model problems) and relations never lead back to
    their start."""
    found = []
    for model_id, entry in models.items():
        for relation in RELATIONS:
            if entry.data.get(relation) == model_id:
                found.append(
                    problem(
                        entry.path,
                        "relation-self",
                        (relation,),
                        f"{relation} names this record itself: name the other model's id, or remove the field",
                    )
                )
    for cycle in _cycles(models):
        shown = " -> ".join([*(f"{i} ({r})" for i, r in cycle), cycle[0][0]])
        for model_id, relation in cycle:
            found.append(
                problem(
                    models[model_id].path,
                    "relation-cycle",
                    (relation,),
                    f"relations go round in a circle ({shown}): a model cannot be derived from itself; remove or "
                    "correct one of these fields",
                )
            )
    return found


def _cycles(models: Mapping[str, Entry]) -> list[list[tuple[str, str]]]:
    """Each circle of relations once, as (model, relation) steps; relations pointing at themselves are relation-self."""
    edges = {
        i: [(r, t) for r in RELATIONS if isinstance(t := e.data.get(r), str) and t != i and t in models]
        for i, e in models.items()
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[tuple[str, str]]] = []
    for start in sorted(edges):
        if state.get(start):
            continue
        path: list[tuple[str, str]] = []
        stack: list[tuple[str, Iterable[tuple[str, str]]]] = [(start, iter(edges[start]))]
        state[start] = 1
        while stack:
            node, pending = stack[-1]
            step = next(iter(pending), None)
            if step is None:
                state[node] = 2
                stack.pop()
                if path:
                    path.pop()
                continue
            relation, target = step
            if state.get(target) == 1:
                at = [n for n, _ in stack].index(target)
                cycles.append([*path[at:], (node, relation)])
            elif not state.get(target):
                state[target] = 1
                path.append((node, relation))
                stack.append((target, iter(edges[target])))
    return cycles


def _former_ids(records: Mapping[str, Entry], what: str) -> list[Problem]:
    """A former id is free (its old page becomes a redirect) and claimed by one record only."""
    found = []
    claimed: dict[str, str] = {}
    for record_id, entry in sorted(records.items()):
        for index, old in enumerate(entry.data.get("former_ids") or ()):
            pointer = ("former_ids", index)
            if old in records:
                found.append(
                    problem(
                        entry.path,
                        "former-id-taken",
                        pointer,
                        f"'{old}' is a former id of this {what} but {records[old].path} still uses it: merge that "
                        f"record into this one and delete it, or remove '{old}' from former_ids",
                    )
                )
            elif old in claimed:
                found.append(
                    problem(
                        entry.path,
                        "former-id-duplicate",
                        pointer,
                        f"'{old}' is also a former id of {records[claimed[old]].path}: an old address can lead "
                        "to one record only",
                    )
                )
            else:
                claimed[old] = record_id
    return found


def _duplicate_models(models: Mapping[str, Entry]) -> list[Problem]:
    """Two records that look like one model (same weights or repository, same name and organization, an alias naming the
    other) are errors until they are merged or their relation is declared."""
    groups = _Groups(models)
    found: list[Problem] = []
    reported: set[tuple[str, str, str]] = set()

    def report(code: str, a: str, b: str, pointer: tuple[str | int, ...], why: str) -> None:
        if groups.related(a, b) or (code, a, b) in reported:
            return
        reported.add((code, a, b))
        found.append(
            problem(
                models[a].path, code, pointer, f"likely the same model as '{b}' ({models[b].path}): {why}; {FIX_MODEL}"
            )
        )

    for kind in LINK_KINDS:
        by_url: dict[str, list[str]] = {}
        for model_id, entry in models.items():
            key = url_key((entry.data.get("links") or {}).get(kind))
            if key:
                by_url.setdefault(key, []).append(model_id)
        for key, ids in by_url.items():
            for a in ids:
                for b in ids:
                    if a != b and (kind == "weights" or _same_core(models[a].data, models[b].data)):
                        report("duplicate-link", a, b, ("links", kind), f"both give {key} as their {kind}")
    for a, b, kind, key in _shared_repos(models):
        report(
            "duplicate-link",
            a,
            b,
            ("links", kind),
            f"its {kind} link names the Hugging Face repository {key}, which that record links or cites too",
        )
    by_name: dict[str, list[str]] = {}
    for model_id, entry in models.items():
        for key in {name_key(model_id), name_key(entry.data.get("name"))}:
            by_name.setdefault(key, []).append(model_id)
    for ids in by_name.values():
        for a in ids:
            for b in ids:
                if a != b and organizations(models[a].data) == organizations(models[b].data):
                    report("duplicate-name", a, b, ("name",), "the same name and organization")
    for model_id, entry in models.items():
        for index, alias in enumerate(entry.data.get("aliases") or ()):
            for other in by_name.get(name_key(alias), ()):
                if other != model_id:
                    report(
                        "duplicate-alias",
                        model_id,
                        other,
                        ("aliases", index),
                        f"the alias '{alias}' is that record's name or id",
                    )
    return found


def hf_repo(url: Any) -> str | None:
    """A Hugging Face model repository a link names (owner/name), or None for other links (datasets, spaces, docs)."""
    key = url_key(url)
    parts = key.split("/") if key else []
    return key if len(parts) == 3 and parts[0] == "huggingface.co" and parts[1] not in HF_NOT_MODELS else None


def _shared_repos(models: Mapping[str, Entry]) -> Iterable[tuple[str, str, str, str]]:
    """(record, other, link kind, repository) when a record's weights or homepage link names a Hugging Face repository
    that another record links or cites as a source (an import naming a model differently), unless their sizes differ
    (parameter counts, or the sizes their ids or names state)."""
    named: dict[str, set[str]] = {}
    for model_id, entry in models.items():
        urls = [*((entry.data.get("links") or {}).get(k) for k in REPO_LINKS)]
        urls += [s.get("url") for s in entry.data.get("sources") or () if isinstance(s, Mapping)]
        for url in urls:
            if key := hf_repo(url):
                named.setdefault(key, set()).add(model_id)
    for model_id, entry in models.items():
        for kind in REPO_LINKS:
            key = hf_repo((entry.data.get("links") or {}).get(kind))
            for other in sorted(named.get(key, ())) if key else ():
                if other != model_id and _sizes_agree(entry.data, models[other].data):
                    yield model_id, other, kind, str(key)


def _sizes_agree(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two records may be one model only at one size: parameter counts within 1% where both give one, and a size their
    ids or names state in common where both state one (one card often covers a family's sizes: 1.8b, 13b)."""
    count_a, count_b = _count(a.get("parameters")), _count(b.get("parameters"))
    if count_a is not None and count_b is not None and abs(count_a - count_b) > 0.01 * max(count_a, count_b):
        return False
    sizes_a, sizes_b = (set(SIZE.findall(f"{x.get('id') or ''} {x.get('name') or ''}".lower())) for x in (a, b))
    return not (sizes_a and sizes_b and not sizes_a & sizes_b)


def _same_core(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Records sharing a code repository (one repository often serves a whole family) look like one model when their
    names differ at most by a variant word (base, instruct, chat, hf) and their parameter counts do not differ."""
    if not {core_key(a.get("id")), core_key(a.get("name"))} & {core_key(b.get("id")), core_key(b.get("name"))}:
        return False
    return _sizes_agree(a, b)


def _count(raw: Any) -> float | None:
    value = raw.get("value") if isinstance(raw, Mapping) else raw
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _duplicate_organizations(orgs: Mapping[str, Entry]) -> list[Problem]:
    """One organization, one id: the same name or alias (folded), or the same web address, on two records is an
    error."""
    found = []
    names: dict[str, list[tuple[str, tuple[str | int, ...]]]] = {}
    for org_id, entry in orgs.items():
        labels: list[tuple[Any, tuple[str | int, ...]]] = [(org_id, ("id",)), (entry.data.get("name"), ("name",))]
        labels += [(alias, ("aliases", i)) for i, alias in enumerate(entry.data.get("aliases") or ())]
        labels += [(url_key(entry.data.get("url")) and "url:" + str(url_key(entry.data.get("url"))), ("url",))]
        for label, pointer in labels:
            key = str(label) if str(label).startswith("url:") else re.sub(r"[^a-z0-9]+", "", str(label or "").lower())
            if key and key != "url:":
                names.setdefault(key, []).append((org_id, pointer))
    reported: set[tuple[str, str]] = set()
    for key, places in sorted(names.items()):
        for a, pointer in places:
            for b, _ in places:
                if a != b and (a, b) not in reported:
                    reported.add((a, b))
                    what = (
                        f"the same web address ({key[4:]})"
                        if key.startswith("url:")
                        else "the same name once case and punctuation are set aside"
                    )
                    found.append(
                        problem(
                            orgs[a].path,
                            "duplicate-organization",
                            pointer,
                            f"likely the same organization as '{b}' ({orgs[b].path}): {what}; {FIX_ORG}",
                        )
                    )
    return found


def _tokens(data: Mapping[str, Any]) -> set[str]:
    """The distinctive words of a record's id, name and aliases (three letters or more, not generic words)."""
    words: set[str] = set()
    for text in [data.get("id"), data.get("name"), *(data.get("aliases") or ())]:
        words.update(
            w
            for w in re.findall(r"[a-z0-9]+", str(text or "").lower())
            if len(w) >= 3 and re.search("[a-z]", w) and not SIZE.fullmatch(w) and w not in GENERIC
        )
    return words


def _link_identity(models: Mapping[str, Entry]) -> list[Problem]:
    """A weights or repository link naming none of the record's words was likely copied from another model."""
    found = []
    for entry in models.values():
        words = _tokens(entry.data)
        links = entry.data.get("links") or {}
        for kind in LINK_KINDS:
            key = url_key(links.get(kind))
            if not key or not words:
                continue
            named = re.sub(r"[^a-z0-9]+", "", key.partition("/")[2])
            if not any(w in named for w in words):
                found.append(
                    problem(
                        entry.path,
                        "link-identity",
                        ("links", kind),
                        f"the {kind} link {links[kind]} names none of this record's id, name or aliases "
                        f"({', '.join(sorted(words))}): check that it is this model's, or add the name it "
                        "uses to aliases",
                        WARNING,
                    )
                )
    return found
