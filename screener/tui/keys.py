"""The screening app's keys, declared once: the bindings, the help screen and the key line."""

from __future__ import annotations

# key, action, help text (declared once: the bindings, the help screen and the key line)
KEYS: tuple[tuple[str, str, str], ...] = (
    ("i", "include", "include"),
    ("e", "exclude", "exclude (then the reason's number; Esc cancels)"),
    ("m", "maybe", "maybe"),
    ("u", "undo", "undo the last action (decision, duplicate link, retrieval mark)"),
    ("n", "note", "note on this record (saved at once)"),
    ("l", "label", "label this record (a label it has: removed)"),
    ("slash", "search", "search and jump to any record"),
    ("b", "browse", "list records by decision, reason, reviewer, label or text"),
    ("d", "duplicate", "mark as a duplicate of a record found by search"),
    ("h", "highlight", "add a highlight term to review.toml (-term: exclude)"),
    ("down,j", "next", "next record"),
    ("up,k", "previous", "previous record"),
    ("pagedown,space", "scroll(1)", "scroll the abstract down (pageup: up)"),
    ("pageup", "scroll(-1)", ""),
    ("c", "criteria", "show or hide the criteria"),
    ("right_square_bracket", "criteria_scroll(1)", "scroll the criteria down ([: up)"),
    ("left_square_bracket", "criteria_scroll(-1)", ""),
    ("r", "not_retrieved", "full text not retrieved (with a reason)"),
    ("t", "full_text", "the full text: the attached PDF's text (full-text stage)"),
    ("x", "explain", "why this record ranks high (relevance order)"),
    ("question_mark", "help", "this help"),
    ("q", "quit", "quit (a summary is printed)"),
)
KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "down": "↓",
    "up": "↑",
}
KEY_LINE = " i/e/m decide  u undo  n note  l label  / search  b list  c crit  ? help  q quit"
