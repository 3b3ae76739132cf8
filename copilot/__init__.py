"""EDA Copilot: a private, local copilot for chip-design tool sessions."""

__version__ = "0.1.0"
