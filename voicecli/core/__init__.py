"""The conversation core: a threadless state machine, events in, effects and events out."""
