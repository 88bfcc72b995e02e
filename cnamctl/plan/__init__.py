"""Planning: diff desired state against the live snapshot into a Plan of Changes."""

from cnamctl.plan.compute import compute_plan

__all__ = ["compute_plan"]
