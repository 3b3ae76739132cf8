"""One exception hierarchy: every failure the user should read is a CopilotError."""

from __future__ import annotations


class CopilotError(Exception):
    """A failure with a one-line message for the user that says what to do next."""

    title = "error"
    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(CopilotError):
    """The request or arguments cannot be acted on (empty request, unknown tool...)."""

    title = "usage"


class SettingsError(CopilotError):
    """The config file or an environment variable holds a bad value."""

    title = "settings"


class ToolError(CopilotError):
    """The tool (sta, tclsh...) is missing, crashed, hung, or rejected the setup."""

    title = "tool"


class SetupError(ToolError):
    """The user's setup script failed inside the tool."""

    title = "setup"


class ModelError(CopilotError):
    """The model file is missing, corrupt, or cannot be loaded."""

    title = "model"


class BackendError(ModelError):
    """A model server (OpenAI-compatible) is down, refused the key, has no such model, or timed out."""

    title = "backend"


class InputError(CopilotError):
    """An input file is missing, unreadable, binary or not UTF-8."""

    title = "input"


class StoreError(CopilotError):
    """The document store is missing, corrupt, or built with another embedding model."""

    title = "store"


class TrainingError(CopilotError):
    """A training or export command cannot go on."""

    title = "train"


class ServerError(CopilotError):
    """`copilot serve` cannot start, is of another version, or a request to it failed."""

    title = "server"
