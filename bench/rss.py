"""A process's own peak RSS.

``getrusage(RUSAGE_SELF).ru_maxrss`` is not it for a child process on Linux: the
kernel carries the peak over from before ``execve``, when the child was a copy of
its parent, so a child of a large benchmark process reports at least the
parent's RSS at fork time (checked: a 400 MiB parent's fresh child reports 410 MiB
in ``ru_maxrss`` and 9 MiB in ``VmHWM``). ``VmHWM`` in /proc/self/status is the peak
of the process's own address space, which ``execve`` replaces.
"""

from __future__ import annotations

import resource
from pathlib import Path

STATUS = Path("/proc/self/status")


def peak_rss_kib() -> int:
    """Peak resident set size of this process since its exec, in KiB."""
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux and BSD
