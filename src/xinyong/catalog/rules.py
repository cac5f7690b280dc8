"""Pure catalog rules."""

from __future__ import annotations

# Measures art. 14: religion, genes, blood type, illness and medical history may never be
# collected. Matched on item and field names and labels, and on the keys of incoming records.
FORBIDDEN_TERMS = (
    "宗教",
    "信仰",
    "基因",
    "血型",
    "疾病",
    "病史",
    "病历",
    "religion",
    "religious",
    "faith",
    "gene",
    "genetic",
    "dna",
    "blood_type",
    "bloodtype",
    "illness",
    "disease",
    "medical_history",
    "diagnosis",
)


def forbidden_term(text: str) -> str | None:
    lowered = text.lower()
    for term in FORBIDDEN_TERMS:
        if term in lowered:
            if term.isascii() and not _ascii_word_hit(lowered, term):
                continue
            return term
    return None


def _ascii_word_hit(text: str, term: str) -> bool:
    """English terms match whole snake_case words ("gene" in "gene_test", not "general")."""
    words = text.replace("-", "_").replace(" ", "_").split("_")
    joined = "_".join(words)
    if "_" in term:
        return term in joined
    return term in words
