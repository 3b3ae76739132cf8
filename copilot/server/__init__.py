"""`copilot serve`: the model, catalog and scratch sessions kept warm for plugins and commands.

Local only: a Unix socket in the server folder, and 127.0.0.1 with a per-user token for
clients that have no Unix sockets (Tcl 8.6). One JSON object per line each way.
"""
