"""The position automaton of a regex and its degree of ambiguity (sound backtracking bounds).

How it is decided (sound: a refusal may be over-cautious, an acceptance is a proof)
-------------------------------------------------------------------------------------
The regex is parsed with the same parser ``re`` compiles from (``re._parser``), so the
tree analysed is the tree executed (``(\\w|\\d)`` is already one character class there).
It becomes a position automaton whose transitions are labelled with the characters each
test may match (see "Two alphabets" below), with one state per character test and, on each
transition, the number of distinct ways ``re`` can get from one test to the next
through groups, alternatives and repeats (``(a+)+`` has two ways back to ``a``). The
backtracking search on a failing input visits every path of that automaton that reads a
prefix of the input, so its cost is bounded by the automaton's *degree of ambiguity*,
which is decided exactly with the classic criteria (Weber & Seidl 1991; Allauzen,
Mohri & Rastogi 2008):

* exponential (refused): a state has two different loops reading the same text, i.e.
  in one loop of the automaton two tests can be at the same input position in two
  different ways. This covers nested quantifiers (``(\\w+-?)+``, ``(a*)*``,
  ``(\\w+\\.?)*``, ``(.*)*``) and overlapping alternatives under a repeat (``(a|a)*``,
  ``(a|aa)*``), but not ``([a-z0-9-]+\\.)*``: there every iteration ends with a ``.``
  the inner repeat cannot read, so each text has one path.
* polynomial of degree ``d``: ``d`` + 1 loops in sequence that can share the same text,
  such as ``.*.*.*`` or ``\\w+\\w+\\w+`` (``d`` = 2, cost ~ n**3): refused.
* degree 1, two such loops (``.*.*``, ``[a-z]+[a-z0-9]*``; cost ~ n**2): accepted only
  when both are repeats of a single character test, which ``re`` runs as one tight loop
  (0.3 to 0.5 ms for the worst 320-character inputs, measured), and when nothing else in
  the regex can read the same text in two ways (``.*(a|a).*``), which would multiply
  that cost. Repeats of groups (``(ab)*(ab)*``) cost ten times or more per step, so
  two of them in a row are refused.

Also refused: repeats whose body can match the empty string (``(?:a?){2,}``): ``re``
also tries empty iterations, which nested repeats multiply into seconds of work even
on short inputs, and which the automaton above does not see;
backreferences and conditional groups (no backtracking bound); lookaheads containing
a repeat; possessive repeats around a capturing group (Python 3.11 raises
``SystemError`` on some inputs, CPython gh-101955); regexes too large to check within
a fixed budget.

Conservative simplifications, each only ever adds refusals: a bounded repeat
``{m,n}`` with ``n`` > 1 is treated as unbounded; anchors, ``\\b`` and lookarounds are
treated as always true; atomic groups and possessive repeats as ordinary ones;
``.`` as any character. ``(a|ab)*`` is accepted: it is unambiguous (each ``b``
belongs to the ``a`` before it). Not bounded: ambiguity that does not grow with the
input in a linear regex (``(a|a)(a|a)`` written out by hand multiplies the cost by a
constant fixed by the regex's own text, not by the request).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, TypeAlias

from cors_core._regex._syntax import _Alt, _Char, _Group, _Look, _Node, _Repeat, _Seq

_CAP: Final = 2  # route counts only matter as 0, 1 or "several"
_BUDGET: Final = 2_000_000  # automaton steps one check may take before giving up
_MAX_POSITIONS: Final = 4_000


# ----------------------------------------------------------------- the position automaton

_Counts: TypeAlias = dict[int, int]


@dataclass(slots=True)
class _Automaton:
    """Positions (character tests) with route counts between them; ``first``/``last``
    hold the routes from the start and to the end."""

    labels: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    loops_of: list[tuple[int, ...]] = field(default_factory=list)  # enclosing repeat ids
    follow: list[_Counts] = field(default_factory=list)
    first: _Counts = field(default_factory=dict)
    last: _Counts = field(default_factory=dict)
    nullable: int = 0
    repeats: list[_Repeat] = field(default_factory=list)


def _add(into: _Counts, source: _Counts, times: int = 1) -> None:
    for key, n in source.items():
        if n * times:
            into[key] = min(_CAP, into.get(key, 0) + n * times)


def _scaled(counts: _Counts, times: int) -> _Counts:
    out: _Counts = {}
    _add(out, counts, times)
    return out


class _Builder:
    def __init__(self) -> None:
        self.auto = _Automaton()
        self.stack: list[int] = []

    def build(self, tree: _Seq) -> _Automaton:
        if len(_positions(tree)) > _MAX_POSITIONS:
            raise _TooBigError
        first, last, nullable = self.visit(tree)
        self.auto.first, self.auto.last, self.auto.nullable = first, last, nullable
        return self.auto

    def link(self, last: _Counts, first: _Counts, times: int = 1) -> None:
        for p, a in last.items():
            _add(self.auto.follow[p], first, a * times)

    def visit(self, node: _Node) -> tuple[_Counts, _Counts, int]:
        if isinstance(node, _Char):
            if not node.mask:
                return {}, {}, 0  # matches no character of the model: a dead end
            index = len(self.auto.labels)
            self.auto.labels.append(node.mask)
            self.auto.texts.append(node.text)
            self.auto.loops_of.append(tuple(self.stack))
            self.auto.follow.append({})
            return {index: 1}, {index: 1}, 0
        if isinstance(node, _Seq):
            first: _Counts = {}
            last: _Counts = {}
            nullable = 1
            for item in node.items:
                f, l_, n = self.visit(item)
                self.link(last, f)
                _add(first, f, nullable)
                last = _scaled(last, n)
                _add(last, l_)
                nullable = min(_CAP, nullable * n)
            return first, last, nullable
        if isinstance(node, _Alt):
            first, last, nullable = {}, {}, 0
            for branch in node.branches:
                f, l_, n = self.visit(branch)
                _add(first, f)
                _add(last, l_)
                nullable = min(_CAP, nullable + n)
            return first, last, nullable
        if isinstance(node, _Group):
            return self.visit(node.body)
        if isinstance(node, _Repeat):
            return self.visit_repeat(node)
        return {}, {}, 1  # anchors, lookarounds, backreferences: zero width, always true

    def visit_repeat(self, node: _Repeat) -> tuple[_Counts, _Counts, int]:
        hi = node.hi
        if hi == 0:
            return {}, {}, 1
        looping = hi is None or hi > 1
        if looping:
            self.stack.append(len(self.auto.repeats))
            self.auto.repeats.append(node)
        f, l_, n = self.visit(node.body)
        if looping:
            self.stack.pop()
        if not looping:  # {0,1} or {1,1}
            return f, l_, (min(_CAP, 1 + n) if node.lo == 0 else n)
        # re (MAX_UNTIL/MIN_UNTIL) runs the first `lo` iterations unconditionally, so they
        # may match empty; after that it stops at the first iteration that matched empty.
        # So with a nullable body (n ways to match empty) the loop is entered, left and
        # skipped in several ways: constant factors, except when this loop sits inside
        # another one, where they make the outer loop ambiguous, as they really do.
        # Between two non-empty iterations only forced empty ones fit, a bounded number
        # of times per entry: the link back counts once.
        with_empty = min(_CAP, 1 + n)
        self.link(l_, f)
        first = _scaled(f, with_empty if node.lo >= 1 else 1)
        last = _scaled(l_, with_empty)
        nullable = with_empty if node.lo == 0 else (with_empty if n else 0)
        return first, last, nullable


class _TooBigError(Exception):
    """The regex is too large to check within the budget."""


def _positions(tree: _Node) -> list[_Char]:
    out: list[_Char] = []
    stack: list[_Node] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, _Char):
            out.append(node)
        elif isinstance(node, _Seq):
            stack.extend(node.items)
        elif isinstance(node, _Alt):
            stack.extend(node.branches)
        elif isinstance(node, _Group | _Repeat | _Look):
            stack.append(node.body)
    return out


def _is_loop(node: _Node) -> bool:
    return isinstance(node, _Repeat) and (node.hi is None or node.hi > 1)


def _is_simple(node: _Repeat) -> bool:
    """Whether re runs this repeat as one tight loop over a single character test."""
    items = node.body.items
    while len(items) == 1 and isinstance(items[0], _Group) and items[0].prefix == "(?:":
        items = items[0].body.items
    return len(items) == 1 and isinstance(items[0], _Char)


def _captures(node: _Node) -> bool:
    return any(isinstance(n, _Group) and n.prefix == "(" for n in _walk(node))


def _has_loop(node: _Node) -> bool:
    return any(_is_loop(n) for n in _walk(node))


def _walk(node: _Node) -> Iterator[_Node]:
    """Every node, children before their parent (innermost repeats first)."""
    if isinstance(node, _Seq):
        for item in node.items:
            yield from _walk(item)
    elif isinstance(node, _Alt):
        for branch in node.branches:
            yield from _walk(branch)
    elif isinstance(node, _Group | _Repeat | _Look):
        yield from _walk(node.body)
    yield node


# ----------------------------------------------------------------------- graph helpers


class _Budget:
    def __init__(self) -> None:
        self.left = _BUDGET

    def spend(self, n: int = 1) -> None:
        self.left -= n
        if self.left < 0:
            raise _TooBigError


def _sccs(n: int, succ: list[list[int]]) -> list[list[int]]:
    """Strongly connected components (iterative Tarjan), in reverse topological order."""
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack[v] = True
            recurse = False
            while i < len(succ[v]):
                w = succ[v][i]
                i += 1
                if index[w] < 0:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if on_stack[w]:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp: list[int] = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out


@dataclass(slots=True)
class _Analysis:
    auto: _Automaton
    succ: list[list[int]]
    comps: list[list[int]]  # reverse topological order
    comp_of: list[int]
    cyclic: list[int]  # ids of components that hold a loop
    pred: list[list[int]]

    @classmethod
    def of(cls, auto: _Automaton) -> _Analysis:
        n = len(auto.labels)
        succ = [sorted(q for q, c in auto.follow[p].items() if c) for p in range(n)]
        comps = _sccs(n, succ)
        comp_of = [0] * n
        for i, comp in enumerate(comps):
            for p in comp:
                comp_of[p] = i
        cyclic = [i for i, comp in enumerate(comps) if len(comp) > 1 or comp[0] in succ[comp[0]]]
        pred: list[list[int]] = [[] for _ in range(n)]
        for p, qs in enumerate(succ):
            for q in qs:
                pred[q].append(p)
        return cls(auto, succ, comps, comp_of, cyclic, pred)

    def other_ambiguity(self, allowed: set[int], budget: _Budget) -> tuple[int, int] | None:
        """Where two paths that read the same text part ways, if neither path goes on into
        ``allowed``: ``(p, q)``, or ``(p, p)`` for two routes into ``p``. Paths already
        apart (after taking different loops of ``allowed``) may part again freely."""
        auto = self.auto

        def succ(p: int) -> _Counts:
            return auto.first if p < 0 else auto.follow[p]

        seen = {(-1, -1)}
        todo = [(-1, -1)]
        while todo:
            p, q = todo.pop()
            for p2, count in succ(p).items():
                if p == q and count > 1 and p2 not in allowed:
                    return p2, p2
                for q2 in succ(q):
                    budget.spend()
                    if not auto.labels[p2] & auto.labels[q2] or (p2, q2) in seen:
                        continue
                    if p == q and p2 != q2 and p2 not in allowed and q2 not in allowed:
                        return p2, q2
                    seen.add((p2, q2))
                    todo.append((p2, q2))
        return None

    def exponential(self, budget: _Budget) -> list[int] | None:
        """Positions of a loop that reads some text in two different ways, if any."""
        labels, follow = self.auto.labels, self.auto.follow
        for ci in self.cyclic:
            comp = self.comps[ci]
            members = set(comp)
            for p in comp:  # two routes around the same loop
                if any(c >= 2 and q in members for q, c in follow[p].items()):
                    return comp
            inner = {p: [q for q in self.succ[p] if q in members] for p in comp}
            pairs = [(p, q) for p in comp for q in comp]
            ids = {pair: i for i, pair in enumerate(pairs)}
            psucc: list[list[int]] = []
            for p, q in pairs:
                budget.spend(len(inner[p]) * len(inner[q]) + 1)
                psucc.append(
                    [ids[p2, q2] for p2 in inner[p] for q2 in inner[q] if labels[p2] & labels[q2]]
                )
            for pcomp in _sccs(len(pairs), psucc):
                if len(pcomp) < 2:
                    continue
                states = [pairs[i] for i in pcomp]
                if any(p == q for p, q in states) and any(p != q for p, q in states):
                    return sorted({p for pair in states for p in pair})
        return None

    def reach(self, start: int, forward: bool = True) -> set[int]:
        nxt = self.succ if forward else self.pred
        seen = {start}
        todo = [start]
        while todo:
            for q in nxt[todo.pop()]:
                if q not in seen:
                    seen.add(q)
                    todo.append(q)
        return seen

    def _ida(self, p: int, q: int, c1: set[int], c2: set[int], budget: _Budget) -> bool:
        """Whether some text ``v`` loops ``p`` to ``p``, leads ``p`` to ``q``, loops ``q``."""
        labels = self.auto.labels
        middle = self.reach(p) & self.reach(q, forward=False)
        start, goal = (p, p, q), (p, q, q)
        seen = {start}
        todo = [start]
        while todo:
            x, y, z = todo.pop()
            for x2 in self.succ[x]:
                if x2 not in c1:
                    continue
                for y2 in self.succ[y]:
                    if y2 not in middle or not labels[x2] & labels[y2]:
                        continue
                    for z2 in self.succ[z]:
                        budget.spend()
                        if z2 not in c2 or not labels[x2] & labels[y2] & labels[z2]:
                            continue
                        state = (x2, y2, z2)
                        if state == goal:
                            return True
                        if state not in seen:
                            seen.add(state)
                            todo.append(state)
        return False

    def polynomial(self, budget: _Budget) -> tuple[int, list[int], list[tuple[int, int]]]:
        """The degree of polynomial ambiguity, and the loops (component ids) behind it.

        Degree ``d``: ``d`` pairs of loops ``(p, q)`` where some text loops ``p``, leads
        from ``p`` to ``q`` and loops ``q``, each pair reachable from the one before.
        """
        cyc = self.cyclic
        comp_reach: dict[int, set[int]] = {}
        for ci in cyc:
            reached = self.reach(self.comps[ci][0])
            comp_reach[ci] = {cj for cj in cyc if self.comps[cj][0] in reached}
        edges: list[tuple[int, int]] = []
        for c1 in cyc:
            for c2 in comp_reach[c1]:
                if c2 == c1:
                    continue
                s1, s2 = set(self.comps[c1]), set(self.comps[c2])
                if any(self._ida(p, q, s1, s2, budget) for p in s1 for q in s2):
                    edges.append((c1, c2))
        chain: dict[int, tuple[int, list[int]]] = {}
        for ci in reversed(cyc):  # topological order: sources first
            best: tuple[int, list[int]] = (0, [])
            for c1, c2 in edges:
                if c2 != ci:
                    continue
                degree, before = max(
                    (chain.get(d, (0, [])) for d in cyc if c1 in comp_reach[d]),
                    key=lambda dc: dc[0],
                    default=(0, []),
                )
                loops = before + ([c1] if not before or before[-1] != c1 else []) + [ci]
                if degree + 1 > best[0]:
                    best = (degree + 1, loops)
            chain[ci] = best
        degree, loops = max(chain.values(), key=lambda dc: dc[0], default=(0, []))
        return degree, loops, edges
