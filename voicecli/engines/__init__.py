"""One thin class per model: load it from the store, call it. No threads here."""
