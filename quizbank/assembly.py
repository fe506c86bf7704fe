"""Paper assembly (组卷): draw questions from a bank by a blueprint, with a given random source.

The bank is indexed once by (type, part, difficulty) (and by tag within each), so a draw touches only the
cells it fills: a 100-question paper from a 100,000-question bank never shuffles the bank.
The paper lists 判断, 单选, 多选 in that order (the Chinese exam convention), shuffled within each group;
options are shuffled except for true/false (正确 stays first). Seed and permutations are recorded so
`rebuild` can replay the paper from `Paper.layout()`.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from quizbank.blueprints import Shortfall, is_usable, shortfalls
from quizbank.model import Blueprint, Cell, Paper, PaperQuestion, Question

TYPE_ORDER = ("truefalse", "single", "multiple")

_Key = tuple[str, str, int]  # (type, part, difficulty)


class BankShortfall(ValueError):
    """The bank cannot satisfy the blueprint; `shortfalls` says which cell is short by how many."""

    def __init__(self, shortfalls: Sequence[Shortfall]):
        self.shortfalls = tuple(shortfalls)
        lines = "\n".join(f"- {s}" for s in self.shortfalls)
        super().__init__(f"题库题目不足，无法按规则组卷 (the bank cannot fill the blueprint):\n{lines}")


@dataclass(frozen=True)
class BankIndex:
    """Usable questions of a bank grouped by (type, part, difficulty), each group also by tag.
    Build it once with `index_bank` to draw many papers from the same bank."""

    questions: Mapping[_Key, tuple[Question, ...]]
    tagged: Mapping[_Key, Mapping[str, tuple[Question, ...]]]
    bank: tuple[Question, ...] = field(repr=False)
    # A cell's pool, kept once worked out (the index never changes): drawing many papers from one index
    # does not gather the same pools again.
    _pools: dict[Cell, tuple[Question, ...]] = field(default_factory=dict, repr=False, compare=False)

    def pool(self, cell: Cell) -> Sequence[Question]:
        found = self._pools.get(cell)
        if found is None:
            keys = self._keys(cell)
            found = (
                self.questions[keys[0]]
                if len(keys) == 1
                else tuple(q for k in keys for q in self.questions[k])
            )
            self._pools[cell] = found
        return found

    def tagged_pool(self, cell: Cell, tag: str) -> list[Question]:
        return [q for k in self._keys(cell) for q in self.tagged[k].get(tag, ())]

    def _keys(self, cell: Cell) -> list[_Key]:
        return [
            k
            for k in self.questions
            if k[0] == cell.type
            and k[1] == cell.part
            and (not cell.difficulties or k[2] in cell.difficulties)
        ]


def index_bank(bank: Iterable[Question]) -> BankIndex:
    """Index the usable questions of `bank` (first of each id; malformed questions left out)."""
    groups: dict[_Key, list[Question]] = {}
    tags: dict[_Key, dict[str, list[Question]]] = {}
    seen: set[str] = set()
    kept: list[Question] = []
    for q in bank:
        if q.id in seen or not is_usable(q):
            continue
        seen.add(q.id)
        kept.append(q)
        key = (q.type, q.part, q.difficulty)
        group = groups.get(key)
        if group is None:
            group = groups[key] = []
            tags[key] = {}
        group.append(q)
        for t in q.tags:
            tags[key].setdefault(t, []).append(q)
    return BankIndex(
        questions={k: tuple(v) for k, v in groups.items()},
        tagged={k: {t: tuple(v) for t, v in d.items()} for k, d in tags.items()},
        bank=tuple(kept),
    )


def _pick(
    rng: random.Random,
    items: Sequence,
    k: int,
    accept: Callable[[object], bool],
    taken: Callable[[object], None],
) -> int:
    """Pick up to `k` acceptable items in random order, calling `taken` on each; returns how many.
    Large lists are sampled by random index; the rest is shuffled only as far as it is read (each position
    drawn from the positions not yet read, as a shuffle would), so a pick touches about `k` items."""
    got = 0
    n = len(items)
    if k <= 0 or n == 0:
        return 0
    tried: set[int] = set()
    if n > 4 * k + 32:
        attempts = 0
        while got < k and attempts < 8 * k + 64:
            attempts += 1
            j = rng.randrange(n)
            if j in tried:
                continue
            tried.add(j)
            if accept(items[j]):
                taken(items[j])
                got += 1
        if got == k:
            return got
    rest = [j for j in range(n) if j not in tried] if tried else list(range(n))
    left = len(rest)
    for i in range(left):
        if got == k:
            break
        r = i + int(rng.random() * (left - i))  # a position not read yet, each equally likely
        rest[i], rest[r] = rest[r], rest[i]
        item = items[rest[i]]
        if accept(item):
            taken(item)
            got += 1
    return got


def assemble(
    bank: Sequence[Question] | BankIndex,
    blueprint: Blueprint,
    rng: random.Random,
    *,
    seed: int | None = None,
    groups: Mapping[str, Hashable] | None = None,
) -> Paper:
    """Draw a paper. Raises `BankShortfall` when the bank cannot satisfy the blueprint.

    Each cell gets exactly `count` questions of its type, part and difficulties; required tags are met
    within the cells (a tagged question counts toward its cell); no question appears twice. `groups`
    maps question id → duplicate group (`duplicates.group_of`): at most one question of a group is drawn."""
    index = bank if isinstance(bank, BankIndex) else index_bank(bank)
    groups = groups or {}
    cells = blueprint.cells
    pools = [index.pool(c) if c.count else [] for c in cells]
    if any(c.count > len(p) for c, p in zip(cells, pools, strict=True)):
        raise BankShortfall(shortfalls(index.bank, blueprint))

    chosen: list[list[Question]] = [[] for _ in cells]
    taken_ids: set[str] = set()
    taken_groups: set[Hashable] = set()

    def free(q: Question) -> bool:
        if q.id in taken_ids:
            return False
        group = groups.get(q.id)
        return group is None or group not in taken_groups

    def mark(q: Question) -> None:
        taken_ids.add(q.id)
        group = groups.get(q.id)
        if group is not None:
            taken_groups.add(group)

    for req in blueprint.required_tags:
        have = sum(1 for picks in chosen for q in picks if req.tag in q.tags)
        candidates = [(i, q) for i, c in enumerate(cells) if c.count for q in index.tagged_pool(c, req.tag)]

        def accept(item: tuple[int, Question]) -> bool:
            i, q = item
            return free(q) and len(chosen[i]) < cells[i].count

        def take(item: tuple[int, Question]) -> None:
            i, q = item
            chosen[i].append(q)
            mark(q)

        if _pick(rng, candidates, req.at_least - have, accept, take) < req.at_least - have:
            raise BankShortfall(
                shortfalls(index.bank, blueprint) or (_tag_shortfall(req.tag, req.at_least, chosen),)
            )

    # Fill the most constrained cells first, so a broad cell does not eat a narrow cell's questions.
    for i in sorted(range(len(cells)), key=lambda i: len(pools[i])):
        need = cells[i].count - len(chosen[i])
        got = _pick(
            rng,
            pools[i],
            need,
            free,
            lambda q, i=i: (chosen[i].append(q), mark(q)),
        )
        if got < need:
            raise BankShortfall(
                shortfalls(index.bank, blueprint)
                or (Shortfall(cells[i].count, cells[i].count - (need - got), cell=cells[i]),)
            )

    by_type: dict[str, list[Question]] = {t: [] for t in TYPE_ORDER}
    for picks in chosen:
        for q in picks:
            by_type.setdefault(q.type, []).append(q)
    placed: list[PaperQuestion] = []
    points = {t: float(p) for t, p in blueprint.points.items()}
    for t in by_type:
        group = by_type[t]
        rng.shuffle(group)
        for q in group:
            n = len(q.options)
            if blueprint.shuffle_options and q.type != "truefalse":
                order = _random_order(rng, n)
            else:
                order = tuple(range(n))
            placed.append(PaperQuestion(q, order, points[q.type]))
    return Paper(blueprint, tuple(placed), seed)


_ORDERS: dict[int, tuple[tuple[int, ...], ...]] = {}  # n -> every order of n options (n ≤ 6)


def _random_order(rng: random.Random, n: int) -> tuple[int, ...]:
    """A random order of `n` options, each order equally likely: one draw among all orders of up to six
    options (720 of them), a shuffle beyond."""
    if n > 6:
        order = list(range(n))
        rng.shuffle(order)
        return tuple(order)
    orders = _ORDERS.get(n)
    if orders is None:
        orders = _ORDERS[n] = tuple(itertools.permutations(range(n)))
    return orders[int(rng.random() * len(orders))]


def _tag_shortfall(tag: str, needed: int, chosen: list[list[Question]]) -> Shortfall:
    return Shortfall(needed, sum(1 for picks in chosen for q in picks if tag in q.tags), tag=tag)


def assemble_seeded(
    bank: Sequence[Question] | BankIndex,
    blueprint: Blueprint,
    seed: int,
    *,
    groups: Mapping[str, Hashable] | None = None,
) -> Paper:
    """`assemble` with ``random.Random(seed)``: the same seed and bank give the same paper."""
    return assemble(bank, blueprint, random.Random(seed), seed=seed, groups=groups)


def rebuild(
    questions_by_id: Mapping[str, Question],
    blueprint: Blueprint,
    layout: Iterable[tuple[str, Sequence[int]]],
    seed: int | None = None,
) -> Paper:
    """The paper described by `layout` (from `Paper.layout()`), exactly as it was drawn.
    Raises ValueError when a question is missing or an option order does not fit it."""
    placed = []
    for position, (question_id, order) in enumerate(layout, start=1):
        q = questions_by_id.get(question_id)
        if q is None:
            raise ValueError(f"layout position {position}: question {question_id!r} is not in the bank")
        order = tuple(int(i) for i in order)
        if sorted(order) != list(range(len(q.options))):
            raise ValueError(
                f"layout position {position}: option order {list(order)} does not fit question {question_id!r} "
                f"with {len(q.options)} options"
            )
        if q.type not in blueprint.points:
            raise ValueError(
                f"layout position {position}: the blueprint gives no points for {q.type} questions"
            )
        placed.append(PaperQuestion(q, order, float(blueprint.points[q.type])))
    return Paper(blueprint, tuple(placed), seed)


__all__ = [
    "TYPE_ORDER",
    "BankIndex",
    "BankShortfall",
    "assemble",
    "assemble_seeded",
    "index_bank",
    "rebuild",
]
