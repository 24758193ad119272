"""How well a reader backend reads a labelled corpus (`caseintel eval-reader`).

The notes go through exactly what a scoring run does to them (redaction for a remote backend,
the quote check, the instruction guard), then the findings are compared with the labels note
by note: per-label precision, recall and F1, the stall-reason confusion table, how many notes
that state no stall reason got one, the injection notes (flagged, and progress that got
through), and what the reading cost. An agency runs it on its own labelled sample before it
trusts a model with its notes.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from orchestration.scoring.answer import Reader
from orchestration.scoring.corpus import OTHER, LabelledNote
from orchestration.scoring.guard import INJECTION
from orchestration.scoring.note_model import NoteModel
from orchestration.scoring.offline import OfflineReader
from orchestration.scoring.reader_rubric import ReaderRubric
from orchestration.scoring.reading import NoteToRead, Reading, read_note, read_offline
from orchestration.scoring.redact import Redactor

NONE = "(none)"
INJECTION_KEY = ("risk", INJECTION)


@dataclass(frozen=True)
class LabelScore:
    category: str
    label: str
    true_positive: int
    false_positive: int
    false_negative: int

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        stated = self.true_positive + self.false_negative
        return self.true_positive / stated if stated else 1.0

    @property
    def f1(self) -> float:
        total = 2 * self.true_positive + self.false_positive + self.false_negative
        return 2 * self.true_positive / total if total else 1.0


@dataclass
class Evaluation:
    backend: str
    model: str
    notes: int
    labels: list[LabelScore]
    confusion: Counter[tuple[str, str]]
    states_no_reason: int
    given_a_reason: int
    injected: int
    injected_flagged: int
    injected_progress: int
    clean: int
    clean_flagged: int
    cited: int  # found labels whose quote overlaps a labelled quote of the same label
    seconds: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    failed: int = 0
    cost_usd: float | None = None
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (note id, kind, label)

    def of(self, category: str) -> list[LabelScore]:
        return [s for s in self.labels if s.category == category]

    @property
    def stall_macro_f1(self) -> float:
        scores = [s.f1 for s in self.of("stall_reason")]
        return sum(scores) / len(scores) if scores else 1.0

    def micro(self, category: str, skip: tuple[str, ...] = ()) -> LabelScore:
        scores = [s for s in self.of(category) if s.label not in skip]
        return LabelScore(category, "all", sum(s.true_positive for s in scores),
                          sum(s.false_positive for s in scores),
                          sum(s.false_negative for s in scores))

    @property
    def false_reason_share(self) -> float:
        return self.given_a_reason / self.states_no_reason if self.states_no_reason else 0.0

    def headline(self) -> dict[str, float]:
        return {
            "stall_reason_macro_f1": self.stall_macro_f1,
            "progress_f1": self.micro("progress").f1,
            "risk_recall": self.micro("risk", (INJECTION,)).recall,
            "stall_reason_on_notes_stating_none": self.false_reason_share,
            "injection_flagged": (self.injected_flagged / self.injected
                                  if self.injected else 1.0),
            "injection_progress_findings": float(self.injected_progress),
            "clean_notes_flagged_as_injection": (self.clean_flagged / self.clean
                                                 if self.clean else 0.0),
        }


def _found(reading: Reading) -> set[tuple[str, str]]:
    return {(f.category, f.label) for f in reading.findings}


def _confusion(gold: set[str], found: set[str]) -> list[tuple[str, str]]:
    """Stall reasons paired gold-to-found: agreements, then the rest in label order."""
    pairs = [(g, g) for g in sorted(gold & found)]
    missed, extra = sorted(gold - found), sorted(found - gold)
    for i in range(max(len(missed), len(extra))):
        pairs.append((missed[i] if i < len(missed) else NONE, extra[i] if i < len(extra) else NONE))
    return pairs


def _read_all(reader: Reader, rubric: ReaderRubric, notes: list[NoteToRead],
              detector: NoteModel | None, concurrency: int) -> list[Reading]:
    if isinstance(reader, OfflineReader):
        return read_offline(reader, rubric, notes)
    redactor = Redactor({}) if reader.remote else None

    def one(note: NoteToRead) -> Reading:
        return read_note(reader, rubric, redactor, note, detector)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(one, notes))


def evaluate(reader: Reader, rubric: ReaderRubric, corpus: list[LabelledNote], *,
             detector: NoteModel | None = None, concurrency: int = 1,
             price: Callable[[int, int], float] | None = None) -> Evaluation:
    """Read every note of `corpus` with `reader` and score the findings against its labels."""
    started = time.perf_counter()
    readings = _read_all(reader, rubric, [NoteToRead(n.id, n.text) for n in corpus], detector,
                         concurrency)
    seconds = time.perf_counter() - started
    keys = [(c, label.key) for c, cat in rubric.categories.items() for label in cat.labels]
    counts = {k: [0, 0, 0] for k in keys}
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[tuple[str, str, str]] = []
    stall_keys = {k for c, k in keys if c == "stall_reason"}
    cited = no_reason = given = injected = flagged = leaked = clean = clean_flagged = 0
    for note, reading in zip(corpus, readings, strict=True):
        gold = {(g.category, g.label) for g in note.labels if g.label != OTHER}
        found = _found(reading)
        for key in keys:
            if key in gold and key in found:
                counts[key][0] += 1
                cited += any(f.quote_start < g.end and g.start < f.quote_end
                             for f in reading.findings if (f.category, f.label) == key
                             for g in note.labels if (g.category, g.label) == key)
            elif key in found:
                counts[key][1] += 1
                misses.append((note.id, "false", "/".join(key)))
            elif key in gold:
                counts[key][2] += 1
                misses.append((note.id, "missed", "/".join(key)))
        confusion.update(_confusion({k for c, k in gold if k in stall_keys},
                                    {k for c, k in found if k in stall_keys}))
        if not note.keys("stall_reason"):
            no_reason += 1
            given += any(c == "stall_reason" for c, _ in found)
        if note.injected:
            injected += 1
            flagged += INJECTION_KEY in found
            leaked += sum(f.category == "progress" for f in reading.findings)
        else:
            clean += 1
            clean_flagged += INJECTION_KEY in found
    prompt = sum(r.answer.prompt_tokens for r in readings)
    completion = sum(r.answer.completion_tokens for r in readings)
    return Evaluation(
        backend=reader.backend, model=reader.model, notes=len(corpus),
        labels=[LabelScore(c, k, *counts[(c, k)]) for c, k in keys],
        confusion=confusion, states_no_reason=no_reason, given_a_reason=given,
        injected=injected, injected_flagged=flagged, injected_progress=leaked, clean=clean,
        clean_flagged=clean_flagged, cited=cited, seconds=seconds, prompt_tokens=prompt,
        completion_tokens=completion, calls=sum(r.answer.calls for r in readings),
        failed=sum(r.failed for r in readings),
        cost_usd=price(prompt, completion) if price else None, misses=misses)


def report(ev: Evaluation) -> str:
    """The evaluation as plain text tables."""
    lines = [f"backend {ev.backend}, model {ev.model}: {ev.notes} notes in {ev.seconds:.2f} s"
             f" ({ev.notes / ev.seconds if ev.seconds else 0:.0f} notes/s)", ""]
    lines.append(f"{'category/label':34s} {'support':>7s} {'found':>6s} {'precision':>9s}"
                 f" {'recall':>7s} {'F1':>6s}")
    for s in ev.labels:
        support, found = s.true_positive + s.false_negative, s.true_positive + s.false_positive
        if support or found:
            lines.append(f"{s.category + '/' + s.label:34s} {support:7d} {found:6d}"
                         f" {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f}")
    head = ev.headline()
    true_positives = sum(s.true_positive for s in ev.labels)
    lines += [
        "",
        f"stall reason macro F1             {head['stall_reason_macro_f1']:.3f}",
        f"progress F1                       {head['progress_f1']:.3f}",
        f"risk recall (without injection)   {head['risk_recall']:.3f}",
        f"stall reason on notes stating none {ev.given_a_reason} of {ev.states_no_reason}"
        f" ({head['stall_reason_on_notes_stating_none']:.1%})",
        f"injection notes flagged           {ev.injected_flagged} of {ev.injected};"
        f" progress findings on them: {ev.injected_progress}",
        f"other notes flagged as injection  {ev.clean_flagged} of {ev.clean}",
        f"found labels citing a labelled quote {ev.cited} of {true_positives}",
        f"calls {ev.calls}, failed notes {ev.failed}, tokens {ev.prompt_tokens} prompt + "
        f"{ev.completion_tokens} completion"
        + (f", cost ${ev.cost_usd:.4f}" if ev.cost_usd is not None else ""),
        "", "stall-reason confusion (rows: labelled, columns: found; only disagreements):",
    ]
    disagreements = sorted((g, f, n) for (g, f), n in ev.confusion.items() if g != f)
    lines += [f"  {g:20s} -> {f:20s} {n:4d}" for g, f, n in disagreements] or ["  none"]
    return "\n".join(lines)
