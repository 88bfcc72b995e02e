"""The five benchmark scenarios; each measures and returns plain results."""
