"""Plain-text rendering of a document: terminal output and platform fallbacks."""

from __future__ import annotations

from bot.document import AnswerButtons, Bullets, Document, Paragraph


def render_text(doc: Document) -> str:
    out = [doc.title, "", doc.intro]
    for section in doc.sections:
        out += ["", f"■ {section.title}"]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Bullets):
                out += [f"  • {item}" for item in block.items]
            elif isinstance(block, AnswerButtons):
                out.append("  " + "  ".join(f"[{label}]" for _, label in block.options))
    if doc.footer:
        out += ["", doc.footer]
    return "\n".join(out)
