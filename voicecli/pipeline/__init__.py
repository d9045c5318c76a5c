"""The conversation pipeline: one thread per stage, audio on rings, control on the event bus."""
