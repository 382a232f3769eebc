"""The full-text view of the screening app: the attached PDF's text, page by page.

A widget in the main screen, shown instead of the record (its abstract) at the full-text stage.
The app's keys (i, e, m, u, r, j, k, q ...) work unchanged; the app hands ``/``, ``n`` and the
scroll keys to this view while it is shown. The view's own keys (pages, ``N``, Methods/Results,
``o``, ``a`` for the abstract) act while it has the focus (the app gives it the focus when it
shows it). The text comes from :mod:`screener.fulltexts.store` (extracted once, cached in the
database); the paging and search rules are :mod:`screener.fulltexts.reading`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from screener.fulltexts.reading import Hit, find, heading, line_of, open_in_viewer
from screener.fulltexts.store import Attached, attached, page_texts, resolve
from screener.screening.session import Session
from screener.tui.dialogs import ReleaseKeys
from screener.tui.render import highlighted, state_text

# key, action, help text (the bindings and this view's help)
FULLTEXT_KEYS: tuple[tuple[str, str, str], ...] = (
    ("right", "turn(1)", "next page"),
    ("left", "turn(-1)", "previous page"),
    ("home", "turn(-9999)", "first page"),
    ("N", "find_next(-1)", "previous match (/ searches, n: next match)"),
    ("M", "jump('methods')", "jump to the Methods heading"),
    ("R", "jump('results')", "jump to the Results heading"),
    ("o", "open_pdf", "open the PDF in the system viewer"),
    ("a", "abstract", "the record and its abstract (t: back here)"),
)
KEY_LINE = " ←→ page  / find  n/N next  M/R Methods/Results  o open PDF  a abstract  t text"
MATCH_STYLE = "black on yellow"
OTHER_MATCH_STYLE = "underline yellow"


class FullTextView(Vertical, can_focus=True):
    """The current record's full text (or, without a PDF, its links and how to mark it)."""

    DEFAULT_CSS = """
    FullTextView { width: 1fr; display: none; }
    FullTextView.shown { display: block; }
    #ft-head { height: 3; background: $boost; padding: 0 1;
               text-wrap: nowrap; text-overflow: ellipsis; }
    #ft-body { height: 1fr; padding: 0 1; }
    #ft-find { dock: bottom; display: none; }
    #ft-find.shown { display: block; }
    #ft-keys { height: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, text, show=False) for key, action, text in FULLTEXT_KEYS
    ]

    def __init__(self, session: Session, at_end: Callable[[], bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.at_end = at_end
        self.record_id: int | None = None
        self.file: Attached | None = None
        self.pages: list[str] = []
        self.page = 0
        self.hits: list[Hit] = []
        self.hit = -1

    def compose(self) -> ComposeResult:
        yield Static(id="ft-head")
        with VerticalScroll(id="ft-body", can_focus=False):
            yield Static(id="ft-page")
        yield Input(placeholder="search in the text; Enter: find, Esc: cancel", id="ft-find")
        yield Static(Text(KEY_LINE, no_wrap=True, overflow="ellipsis"), id="ft-keys")

    @property
    def reading(self) -> bool:
        return self.has_class("shown")

    def show(self, shown: bool) -> None:
        """Show the view (and focus it) or hide it; the record view (``#body``) does the
        opposite."""
        self.set_class(shown, "shown")
        for body in self.screen.query("#body"):
            body.display = not shown
        if shown:
            self.show_current()
            self.focus()

    # ------------------------------------------------------------------------------ content
    def show_current(self) -> None:
        """Show the session's current record (called by the app whenever it redraws)."""
        s = self.session
        current = None if self.at_end() else s.current
        if current != self.record_id:
            self.record_id = current
            self.file, self.pages, self.page = None, [], 0
            self.hits, self.hit = [], -1
            if current is not None:
                files = attached(s.db, current).get(current)
                if files:
                    self.file = files[0]
                    self.pages = page_texts(s.db, s.review.path, self.file)
        if self.reading:
            self.draw()

    def draw(self, scroll_to: Hit | None = None) -> None:
        # the head and status lines have fixed heights: repainted without a layout pass
        self.query_one("#ft-head", Static).update(self.head_text(), layout=False)
        self.query_one("#ft-page", Static).update(self.body_text())
        body = self.query_one("#ft-body", VerticalScroll)
        if scroll_to is None:
            body.scroll_home(animate=False)
            return
        width = max(1, body.size.width - 2)
        row = line_of(self.pages[self.page], scroll_to.start, width)
        body.scroll_to(y=max(0, row - 2), animate=False, immediate=True)

    def head_text(self) -> Text:
        s = self.session
        if self.record_id is None:
            return Text("End of the queue: k goes back, a shows the summary, q quits.")
        rec = s.record(self.record_id)
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(f"#{self.record_id} ", style="dim")
        out.append_text(highlighted(rec.title or "(no title)", s.protocol, "bold"))
        out.append("\n")
        out.append_text(state_text(s, self.record_id))
        out.append("\n")
        if self.file is None:
            out.append("no PDF attached", style="dim")
            return out
        name = resolve(s.review.path, self.file.path).name
        where = f"page {self.page + 1}/{max(1, len(self.pages))}"
        out.append(f"{where} · {name} · matched by {self.file.method}", style="bold")
        if self.hits:
            out.append(f" · match {self.hit + 1}/{len(self.hits)}")
        return out

    def body_text(self) -> Text:
        if self.record_id is None:
            return Text("")
        if self.file is None:
            return no_pdf_text(self.session, self.record_id)
        if not self.pages or not any(p.strip() for p in self.pages):
            return Text(
                "This PDF has no text layer (a scan) or could no longer be read: press o to"
                " open it in the PDF viewer, a for the abstract.",
                style="bold",
            )
        text = highlighted(self.pages[self.page], self.session.protocol)
        for n, hit in enumerate(self.hits):
            if hit.page == self.page:
                style = MATCH_STYLE if n == self.hit else OTHER_MATCH_STYLE
                text.stylize(style, hit.start, hit.end)
        return text

    # ------------------------------------------------------------------------------ keys
    def action_turn(self, step: int) -> None:
        if self.pages:
            page = min(max(0, self.page + step), len(self.pages) - 1)
            if page != self.page:
                self.page = page
                self.draw()

    def action_page_down(self) -> None:
        body = self.query_one("#ft-body", VerticalScroll)
        if body.scroll_y >= body.max_scroll_y and self.page < len(self.pages) - 1:
            self.action_turn(1)
        else:
            body.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        body = self.query_one("#ft-body", VerticalScroll)
        if body.scroll_y <= 0 and self.page > 0:
            self.action_turn(-1)
            body.scroll_end(animate=False)
        else:
            body.scroll_page_up(animate=False)

    def action_find(self) -> None:
        box = self.query_one("#ft-find", Input)
        box.value = ""
        box.add_class("shown")
        self.call_after_refresh(box.focus)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        self._close_find()
        self.post_message(ReleaseKeys())  # keys typed after Enter: n, N, j... act on the text
        self.hits = find(self.pages, event.value)
        self.hit = -1
        if not self.hits:
            self.notify(f"Not found in the text: {event.value}" if event.value else "No search.")
            self.draw()
            return
        after = [n for n, h in enumerate(self.hits) if h.page >= self.page]
        self.hit = after[0] - 1 if after else -1
        await self.action_find_next(1)

    def on_key(self, event: events.Key) -> None:
        box = self.query_one("#ft-find", Input)
        if box.has_class("shown") and event.key == "escape":
            self._close_find()
            event.stop()
            self.post_message(ReleaseKeys())

    def _close_find(self) -> None:
        self.query_one("#ft-find", Input).remove_class("shown")
        self.focus()

    async def action_find_next(self, step: int) -> None:
        if not self.hits:
            return
        self.hit = (self.hit + step) % len(self.hits)
        hit = self.hits[self.hit]
        self.page = hit.page
        self.draw(scroll_to=hit)

    def action_jump(self, kind: str) -> None:
        found = heading(self.pages, kind)
        if found is None:
            self.notify(f"No {kind.capitalize()} heading found in this text.")
            return
        self.page = found.page
        self.draw(scroll_to=found)

    def action_open_pdf(self) -> None:
        if self.file is None:
            self.notify("No PDF attached to this record.")
            return
        self.notify(open_in_viewer(resolve(self.session.review.path, self.file.path)))

    def action_abstract(self) -> None:
        self.show(False)
        self.app.set_focus(None)


def no_pdf_text(session: Session, record_id: int) -> Text:
    """What is known about a record without a PDF: its links and how to mark it."""
    links = session.location(record_id)
    out = Text("No PDF is attached to this record.\n\n", style="bold")
    labels = {"pdf": "PDF", "doi": "DOI", "pubmed": "PubMed", "url": "Link"}
    for kind, link in links.items():
        out.append(f"  {labels.get(kind, kind)}: ", style="dim")
        out.append(f"{link}\n")
    if not links:
        out.append("  No DOI, PMID or link is known.\n")
    out.append(
        "\nr marks the full text not retrieved (with a reason); a shows the abstract.\n"
        "To attach PDFs: screener fulltext attach FOLDER --review DIR",
    )
    return out
