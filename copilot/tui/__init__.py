"""The Textual workspace (`copilot` / `copilot tui`): chat, script, tool and history panes.

Everything here imports Textual; nothing outside this package and `copilot.commands.tui`
imports it, so the CLI stays light.
"""
