"""What the screening app draws, as Rich text: the record, the progress line, the criteria."""

from __future__ import annotations

from rich.text import Text

from screener.keywords import keyword_spans
from screener.outputs import printable
from screener.screening.labels import record_labels
from screener.screening.protocol import Protocol
from screener.screening.session import Session

INCLUDE_STYLE = "bold underline green"
EXCLUDE_STYLE = "bold reverse red"
STAGE_NAMES = {"title_abstract": "title/abstract", "full_text": "full text"}
DECISION_STYLES = {"include": "bold green", "exclude": "bold red", "maybe": "bold yellow"}


def highlighted(text: str, protocol: Protocol, style: str = "") -> Text:
    """``text`` with include terms green (bold underline) and exclude terms red (bold reverse)."""
    text = printable(text)  # no escape sequence reaches the terminal
    out = Text(text, style=style)
    for start, end, kind in keyword_spans(
        text, protocol.include_keywords, protocol.exclude_keywords
    ):
        out.stylize(INCLUDE_STYLE if kind == "include" else EXCLUDE_STYLE, start, end)
    return out


def record_text(session: Session, record_id: int) -> Text:
    """The record as the reviewer reads it, with its current state at the top."""
    rec = session.record(record_id)
    p = session.protocol
    out = Text()
    ids = [f"#{record_id}"]
    if rec.pmid:
        ids.append(f"PMID {rec.pmid}")
    if rec.doi:
        ids.append(f"DOI {rec.doi}")
    out.append("  ".join(ids), style="dim")
    out.append("\n")
    out.append_text(state_text(session, record_id))
    labels = record_labels(session.db, [record_id], session.label_viewer).get(record_id)
    if labels:
        out.append("\nLabels: ", style="dim")
        out.append(" · ".join(labels), style="bold magenta")
    if session.conflicts:
        out.append_text(votes_text(session, record_id))
    out.append("\n\n")
    out.append_text(highlighted(rec.title or "(no title)", p, "bold"))
    if rec.title_translated:
        out.append("\n")
        out.append_text(highlighted(rec.title_translated, p, "italic"))
    out.append("\n")
    source = ", ".join(x for x in (rec.journal, str(rec.year) if rec.year else None) if x)
    authors = "; ".join(rec.authors[:6]) + (" et al." if len(rec.authors) > 6 else "")
    out.append(" · ".join(x for x in (authors, source) if x) or "(no authors or journal)")
    if rec.keywords:
        out.append("\nKeywords: ", style="dim")
        out.append_text(highlighted("; ".join(rec.keywords), p))
    if session.stage == "full_text":
        links = session.location(record_id)
        out.append("\nFull text: ", style="dim")
        out.append("  ".join(links.values()) if links else "no PDF or link known")
    out.append("\n\n")
    out.append_text(highlighted(rec.abstract or "(no abstract)", p))
    pending = session.pending_notes.get(record_id)
    if pending:
        out.append(f"\n\nNote (saved; goes with the decision): {pending}", style="italic")
    return out


def votes_text(session: Session, record_id: int) -> Text:
    """Resolving conflicts: each reviewer's vote with reason and note."""
    out = Text()
    for who, d in session.votes(record_id).items():
        out.append(f"\n  {who}: ", style="bold")
        out.append(d.decision.upper(), style=DECISION_STYLES[d.decision])
        if d.reason:
            out.append(f" ({d.reason})")
        if d.note:
            out.append(f"  note: {d.note}", style="italic")
    return out


def state_text(session: Session, record_id: int) -> Text:
    """This reviewer's decision on the record (or automation, or retrieval) in one line."""
    mine = session.decisions.get(record_id)
    if session.conflicts:
        if mine is None:
            return Text("Conflict: no consensus yet. Votes:", style="bold")
        line = Text("Consensus: ")
        line.append(mine.decision.upper(), style=DECISION_STYLES[mine.decision])
        line.append(f" ({mine.reason})" if mine.reason else "")
        line.append(f"  {mine.note}" if mine.note else "", style="italic")
        line.append("  Votes:")
        return line
    if mine is not None:
        line = Text("Your decision: ")
        line.append(mine.decision.upper(), style=DECISION_STYLES[mine.decision])
        if mine.reason:
            line.append(f" ({mine.reason})")
        if mine.note:
            line.append(f"  note: {mine.note}", style="italic")
        return line
    if record_id in session.not_retrieved:
        why = session.not_retrieved[record_id] or "no reason given"
        return Text(f"Full text not retrieved ({why})", style="bold")
    auto = session.automated.get(record_id)
    if auto is not None:
        return Text(f"Excluded by criteria: {auto.reason or 'no reason'}", style="bold")
    return Text("Undecided", style="dim")


def progress_text(session: Session, model: str | None = None) -> Text:
    """The always-visible progress line."""
    pr = session.progress()
    out = Text()
    what = "resolved" if session.conflicts else "done"
    out.append(f" {pr.done}/{pr.total} {what}", style="bold")
    out.append(f" · incl {pr.included} · excl {pr.excluded} · maybe {pr.maybe}")
    if not session.conflicts:
        out.append(f" · streak {pr.streak}")
    if pr.automated:
        out.append(f" · criteria {pr.automated}")
    if model:
        out.append(f" · {model}")
    return out


def criteria_text(protocol: Protocol, stage: str) -> Text:
    """The protocol's question, criteria and numbered reasons for the criteria panel."""
    out = Text()
    if protocol.question:
        out.append("Question\n", style="bold")
        out.append(protocol.question + "\n\n")
    for title, items in (
        ("Include", protocol.include_criteria),
        ("Exclude", protocol.exclude_criteria),
    ):
        if items:
            out.append(title + "\n", style="bold")
            for item in items:
                out.append(f"• {item}\n")
            out.append("\n")
    reasons = protocol.reasons.get(stage, [])
    if reasons:
        out.append(f"Reasons ({STAGE_NAMES[stage]})\n", style="bold")
        for n, reason in enumerate(reasons, 1):
            out.append(f"{n} {reason}\n")
    return out if out.plain else Text("No criteria in review.toml.", style="dim")
