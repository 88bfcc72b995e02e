"""Reliability suite: bad manifests make no request, secrets never show, hostile traffic changes nothing."""
