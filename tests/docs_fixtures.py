"""Small real documents for the docs tests: a PDF with bold headings, a man page, Markdown..."""

from __future__ import annotations

import gzip
from pathlib import Path

Run = tuple[bool, str]  # (bold, text)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: list[list[list[Run]]]) -> Path:
    """A PDF whose pages hold lines of runs in Helvetica / Helvetica-Bold (a real text layer)."""
    body: dict[int, str] = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        3: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
    }
    kids, n = [], 5
    for lines in pages:
        ops = ["BT"]
        for row, runs in enumerate(lines):
            x = 72
            for bold, text in runs:
                ops.append(f"/{'F2' if bold else 'F1'} 10 Tf 1 0 0 1 {x} {720 - 14 * row} Tm ({_escape(text)}) Tj")
                x += 6 * len(text) + 6
        ops.append("ET")
        stream = "\n".join(ops)
        body[n] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                   f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {n + 1} 0 R >>")
        body[n + 1] = f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream"
        kids.append(f"{n} 0 R")
        n += 2
    body[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = b"%PDF-1.4\n"
    offsets = {}
    for number in sorted(body):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n{body[number]}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {n}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offsets[i]:010d} 00000 n \n".encode() for i in range(1, n))
    out += f"trailer\n<< /Size {n} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)
    return path


def timing_manual_pdf(path: Path) -> Path:
    """Two pages: a chapter heading, then two commands; set_load runs onto page 2."""
    page1 = [[(True, "Commands")],
             [(True, "create_clock"), (False, "-period period [-name name] pins")],
             [(False, "The create_clock command defines the waveform of a clock.")],
             [(False, "If no pin list is given the clock is virtual.")],
             [(True, "set_load"), (False, "[-pin_load] capacitance objects")],
             [(False, "The set_load command annotates capacitance on a net or port.")]]
    page2 = [[(False, "Wire capacitance can also be annotated with set_load.")],
             [(True, "report_checks"), (False, "[-path_delay min|max]")],
             [(False, "The report_checks command reports timing paths in the design.")]]
    return write_pdf(path, [page1, page2])


MAN_PAGE = r""".TH frobnicate n 8.6 Tcl "Tcl Built-In Commands"
.SH NAME
frobnicate \- Twist the bits of a value
.SH SYNOPSIS
\fBfrobnicate \fR?\fB\-twice\fR? \fIvalue\fR
.SH DESCRIPTION
.PP
The \fBfrobnicate\fR command twists every bit of \fIvalue\fR and returns the result.
With \fB\-twice\fR the bits are twisted two times, which restores the original value.
.SH EXAMPLE
.CS
set y [frobnicate 42]
.CE
.SH KEYWORDS
bits, twist
"""


def write_man_page(folder: Path, gz: bool = True) -> Path:
    path = folder / ("frobnicate.n.gz" if gz else "frobnicate.n")
    data = MAN_PAGE.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


MARKDOWN = """# Team flow notes

Preamble about the flow.

## Loading the design

Run `read_liberty` then `read_verilog` and `link_design top`.

```tcl
# not a heading inside a fence
link_design top
```

Setext heading
--------------

The setext section explains that hold fixing happens after routing.
"""

RST = """Timing signoff
==============

Intro text.

Corners
-------

We sign off at the slow corner ss_0p72v_125c.
"""

HTML = """<html><head><title>Flow &amp; Tips</title><style>body {color: red}</style>
<script>alert('x')</script></head><body>
<h1>Flow &amp; Tips</h1><p>The <code>report_checks</code> command prints paths.</p>
<h2>Clocks</h2><p>Use <b>create_clock</b> first.</p><pre>create_clock -period 5 clk
  set x 1</pre></body></html>
"""
