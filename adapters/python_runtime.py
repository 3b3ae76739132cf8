# EDA Copilot runtime for Python tool shells: run a script file one top-level statement at a
# time in the REPL's namespace, between unique markers, like adapters/tcl_runtime.tcl.
# Loaded with exec() into a fresh namespace; it registers itself as sys.modules["__copilot_rt__"]
# so the REPL's own namespace gains no names. Markers are built at run time so the tool's
# echo of the calling line never contains them.
import ast
import sys
import traceback
import types
import warnings


def _mark(tag, what):
    sys.stdout.flush()
    sys.stderr.flush()
    print("<<" + tag + ":" + what + ">>", flush=True)


def _script_line(tb, path, start):
    """The last line of the script in the traceback (the call site inside the script)."""
    line = start
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename == path:
            line = lineno
    return line


def _show_warnings(caught, tag, path, start):
    for w in caught:
        where = w.lineno if w.filename == path else start
        if where != start:  # a warning raised elsewhere in the script belongs to its own line
            _mark(tag, "LINE %d" % where)
        print("Warning: %s: %s" % (w.category.__name__, w.message), flush=True)
        if where != start:
            _mark(tag, "LINE %d" % start)
    caught.clear()


def run(path, tag, namespace=None):
    """Run the script at `path` in `namespace` (the REPL's __main__ by default)."""
    if namespace is None:
        namespace = sys.modules["__main__"].__dict__
    with open(path, encoding="utf-8") as f:
        source = f.read()
    _mark(tag, "BEGIN")
    status = 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            tree = ast.parse(source, path)
        except SyntaxError as exc:
            _mark(tag, "ERROR %d" % (exc.lineno or 1))
            print("SyntaxError: %s" % exc.msg, flush=True)
            _mark(tag, "END 1")
            return
        for stmt in tree.body:
            start = stmt.lineno
            _mark(tag, "LINE %d" % start)
            try:
                code = compile(ast.Module([stmt], []), path, "exec")
                _show_warnings(caught, tag, path, start)  # compile-time warnings (SyntaxWarning)
                exec(code, namespace)
            except BaseException as exc:  # noqa: B902 - a script's SystemExit must not end the REPL
                _show_warnings(caught, tag, path, start)
                sys.stdout.flush()
                line = _script_line(exc.__traceback__, path, start)
                if isinstance(exc, SyntaxError) and exc.filename == path and exc.lineno:
                    line = exc.lineno
                _mark(tag, "ERROR %d" % line)
                shown = traceback.format_exception(type(exc), exc, exc.__traceback__.tb_next)
                print("".join(shown[-1:]).strip(), flush=True)
                print("".join(shown[:-1]).rstrip(), flush=True)
                status = 1
                break
            sys.stdout.flush()
            _show_warnings(caught, tag, path, start)
    _mark(tag, "END %d" % status)


_module = types.ModuleType("__copilot_rt__")
_module.run = run
sys.modules["__copilot_rt__"] = _module
