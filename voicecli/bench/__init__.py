"""voicecli bench: simulated callers, real pipeline, latency and correctness report."""
