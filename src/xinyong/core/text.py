"""Text as collection stores it and the portal searches it (issue 12: M2, L2).

Two rules, one place, so that what is stored and what is searched agree:

- ``UNSTORABLE``: characters no stored value may hold — C0 controls except TAB, LF and CR,
  DEL, C1 controls, and lone surrogates. PostgreSQL refuses NUL in text and a lone surrogate
  cannot be encoded as UTF-8 at all, so either would fail a whole batch; the other controls
  are invisible and have no place in a record. TAB, LF and CR are text (a multi-line field in
  a CSV or Excel cell holds them); in a name they are whitespace and become one space.
- ``normalise_name``: a subject's name as stored and as searched for — Unicode NFKC (brackets
  kept full-width, as registered names write them), format characters (category Cf:
  zero-width spaces, the BOM, bidirectional controls such as U+202E and U+2066–2069) removed,
  runs of whitespace made one space, trimmed. Such characters would otherwise make a company
  unfindable by the name people read (or make an empty name).
"""

from __future__ import annotations

import re
import unicodedata

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_unstorable(text: str) -> bool:
    """Whether ``text`` holds a character of ``UNSTORABLE``; most text is printable, and
    ``isprintable`` answers that faster than the pattern."""
    return not text.isprintable() and UNSTORABLE.search(text) is not None


def shown(text: str) -> str:
    """``text`` as it can be quoted back in a message and stored with it: unstorable
    characters written as escapes (``\\x00``, ``\\ud800``)."""
    return UNSTORABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


# Names registered in China write brackets full-width: 嘉成（南通）科技有限公司. NFKC would make
# them half-width and so change the name people read; they are kept full-width, and a query
# typed with either kind finds the name, since queries are normalised the same way.
_BRACKETS = str.maketrans("()", "（）")


def normalise_name(raw: str) -> str:
    """NFKC with brackets full-width, format characters (Cf) out, whitespace runs one space,
    trimmed. Controls other
    than whitespace are not touched: collection refuses them (``UNSTORABLE``) and the search
    takes them out of a query first."""
    text = raw if unicodedata.is_normalized("NFKC", raw) else unicodedata.normalize("NFKC", raw)
    if "(" in text or ")" in text:
        text = text.translate(_BRACKETS)
    if text.isprintable():  # Cf and every space but U+0020 are not printable
        if " " not in text:
            return text  # the common name: nothing to do
    else:
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())
