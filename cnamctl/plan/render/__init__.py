"""Renderers of a Plan: text for people, JSON for machines, Markdown for pull requests.

All three draw the same view (``view.py``); see docs/plan-format.md.
"""

from cnamctl.plan.render.jsondoc import render_json
from cnamctl.plan.render.markdown import render_markdown
from cnamctl.plan.render.text import render_text

__all__ = ["render_json", "render_markdown", "render_text"]
