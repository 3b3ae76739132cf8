"""Domain adaptation: the pieces `copilot train` and the scripts in tools/ share.

Every module here imports torch/transformers inside the functions that need them, so
importing the package stays light.
"""
