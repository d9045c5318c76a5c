"""voicecli: a fully offline voice assistant for the terminal."""

__version__ = "0.1.0"
