"""Audio plumbing: WAV I/O and resampling, levels, echo paths, ring buffers and devices."""
