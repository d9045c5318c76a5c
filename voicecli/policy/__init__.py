"""Pure conversation policy: no threads, no models. Turn-taking, agreement, flushing, history."""
