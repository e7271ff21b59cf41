"""``python -m pipelines.cli``: the pipelines' commands (the installed ``fundflows`` adds deck and
chart).
"""

from pipelines.cli.main import app

app()
