"""Audio plumbing: WAV I/O and resampling, levels, ring buffers, the playout ring, devices."""
