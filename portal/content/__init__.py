"""Content pages: files in `content/`, the one Markdown renderer, and the plain-language check."""
