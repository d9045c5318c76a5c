"""What the user sees: plain event lines (and, for terminals, the live panel)."""
