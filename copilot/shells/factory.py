"""Pick the adapter a profile names and start it: the one place that maps kinds to classes."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path

from copilot.shells.base import ToolSession
from copilot.shells.profile import ToolProfile

# profile `session` -> "module:class"; every class meets copilot.shells.base.ToolSession.
ADAPTERS = {
    "tcl": "copilot.shells.tcl_session:TclSession",
    "tcl-batch": "copilot.shells.batch_session:BatchTclSession",
    "python": "copilot.shells.python_session:PythonSession",
}


def session_class(profile: ToolProfile) -> type:
    module, name = ADAPTERS[profile.session].split(":")
    return getattr(importlib.import_module(module), name)


def make_session(app, profile: ToolProfile, workdir: Path | None = None,
                 timeout: float | None = None) -> ToolSession:
    """An adapter for `profile`, not started; a scratch work dir under the data dir by default."""
    if workdir is None:
        app.locations.sessions_dir.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix=f"{profile.name}-", dir=app.locations.sessions_dir))
    cls = session_class(profile)
    return cls(profile, workdir, profile.executable_for(app.settings),
               app.settings.timeout if timeout is None else timeout)


def open_session(app, profile: ToolProfile, workdir: Path | None = None,
                 timeout: float | None = None) -> ToolSession:
    """A started adapter for `profile` (raises ToolError when the tool cannot start)."""
    return make_session(app, profile, workdir, timeout).start()
