# EDA Copilot plugin for any Tcl-based tool (OpenSTA, OpenROAD, tclsh, pt_shell...).
#
#   source [exec copilot serve --plugin-path]     ;# or the path `copilot serve` prints
#   copilot "report the 5 worst setup paths"      ;# prints and returns the checked script
#   copilot -run "report the worst hold path"     ;# shows it, asks, then evaluates it here
#   copilot -explain [info body my_proc]          ;# explains a script
#
# It talks to `copilot serve` on 127.0.0.1 with the per-user token from the server folder
# (Tcl 8.6 has no Unix sockets). Pure Tcl 8.6, no packages. Options: -quiet (return only),
# -yes (run a valid read-only script without asking; a design change still needs a typed
# "yes"; a script that reaches the OS never runs), -tool NAME, -setup FILE.
namespace eval ::copilot {
    variable version 0.1.0
    variable protocol 1
    variable server_dir ""   ;# set to override where the server's endpoint and token are
    variable timeout_ms 300000
}

# Same rule as copilot/locations.py: COPILOT_HOME, else XDG_DATA_HOME, else ~/.local/share.
proc ::copilot::find_server_dir {} {
    variable server_dir
    if {$server_dir ne ""} { return $server_dir }
    global env
    if {[info exists env(COPILOT_HOME)] && $env(COPILOT_HOME) ne ""} {
        return [file join $env(COPILOT_HOME) data server]
    }
    if {[info exists env(XDG_DATA_HOME)] && $env(XDG_DATA_HOME) ne ""} {
        return [file join $env(XDG_DATA_HOME) eda-copilot server]
    }
    return [file join $env(HOME) .local share eda-copilot server]
}

proc ::copilot::read_file {path} {
    set f [open $path r]
    fconfigure $f -encoding utf-8
    set text [read $f]
    close $f
    return $text
}

# ---- JSON: just enough for the protocol ------------------------------------------------
# Backslash, quote and every control character escaped (string map: no evaluation of $s).
proc ::copilot::json_string {s} {
    variable json_map
    if {![info exists json_map]} {
        set json_map [list \\ \\\\ \" \\\"]
        for {set i 0} {$i < 32} {incr i} {
            lappend json_map [format %c $i] [format \\u%04x $i]
        }
    }
    return "\"[string map $json_map $s]\""
}

proc ::copilot::json_object {pairs} {
    set items {}
    foreach {k v} $pairs {
        lappend items "[json_string $k]:$v"
    }
    return "\{[join $items ,]\}"
}

# Decode JSON into Tcl values: objects become dicts, arrays lists, true/false 1/0, null "".
proc ::copilot::json_decode {text} {
    set pos 0
    set value [json_value $text pos]
    return $value
}

proc ::copilot::json_ws {text posVar} {
    upvar $posVar pos
    while {$pos < [string length $text] && [string is space [string index $text $pos]]} {
        incr pos
    }
}

proc ::copilot::json_value {text posVar} {
    upvar $posVar pos
    json_ws $text pos
    set c [string index $text $pos]
    switch -- $c {
        "\{" {
            incr pos
            set d [dict create]
            json_ws $text pos
            if {[string index $text $pos] eq "\}"} { incr pos; return $d }
            while 1 {
                json_ws $text pos
                set k [json_value $text pos]
                json_ws $text pos
                incr pos   ;# :
                dict set d $k [json_value $text pos]
                json_ws $text pos
                set c [string index $text $pos]
                incr pos
                if {$c eq "\}"} { return $d }
                if {$c ne ","} { error "copilot: bad JSON from the server near $pos" }
            }
        }
        "\[" {
            incr pos
            set l {}
            json_ws $text pos
            if {[string index $text $pos] eq "\]"} { incr pos; return $l }
            while 1 {
                lappend l [json_value $text pos]
                json_ws $text pos
                set c [string index $text $pos]
                incr pos
                if {$c eq "\]"} { return $l }
                if {$c ne ","} { error "copilot: bad JSON from the server near $pos" }
            }
        }
        "\"" {
            incr pos
            set out ""
            while 1 {
                set c [string index $text $pos]
                if {$c eq ""} { error "copilot: unterminated JSON string" }
                incr pos
                if {$c eq "\""} { return $out }
                if {$c ne "\\"} { append out $c; continue }
                set e [string index $text $pos]
                incr pos
                switch -- $e {
                    n { append out \n }  t { append out \t }  r { append out \r }
                    b { append out \b }  f { append out \f }
                    u {
                        scan [string range $text $pos [expr {$pos + 3}]] %x code
                        append out [format %c $code]
                        incr pos 4
                    }
                    default { append out $e }
                }
            }
        }
        t { incr pos 4; return 1 }
        f { incr pos 5; return 0 }
        n { incr pos 4; return "" }
        default {
            if {![regexp {^-?[0-9.eE+-]+} [string range $text $pos end] num]} {
                error "copilot: bad JSON from the server near $pos"
            }
            incr pos [string length $num]
            return $num
        }
    }
}

# ---- the connection ---------------------------------------------------------------------
proc ::copilot::connect {} {
    variable protocol
    variable version
    set dir [find_server_dir]
    set endpoint [file join $dir endpoint]
    if {![file readable $endpoint]} {
        error "copilot: no server running (no $endpoint); start one with: copilot serve"
    }
    set info [dict create]
    foreach line [split [read_file $endpoint] \n] {
        if {[regexp {^(\S+) (.*)$} $line -> k v]} { dict set info $k $v }
    }
    if {![dict exists $info port]} {
        error "copilot: the server listens only on its Unix socket; restart it without --no-tcp"
    }
    set host [expr {[dict exists $info host] ? [dict get $info host] : "127.0.0.1"}]
    if {$host eq "localhost"} { set host 127.0.0.1 }
    if {[catch {socket $host [dict get $info port]} chan]} {
        error "copilot: cannot reach copilot serve at $host:[dict get $info port] ($chan); is it running?"
    }
    fconfigure $chan -translation lf -encoding utf-8 -buffering line
    set token [string trim [read_file [file join $dir token]]]
    call $chan [list op [json_string hello] protocol $protocol \
                               client [json_string "copilot.tcl/$version"] token [json_string $token]]
    return $chan
}

# Send one request (key, JSON-encoded value pairs) and return the decoded reply; errors
# from the server become Tcl errors with the server's message.
proc ::copilot::call {chan pairs} {
    puts $chan [json_object $pairs]
    flush $chan
    set line [read_line $chan]
    if {$line eq "" && [eof $chan]} {
        close $chan
        error "copilot: the server closed the connection"
    }
    set reply [json_decode $line]
    if {![dict get $reply ok]} {
        set err [dict get $reply error]
        catch {close $chan}
        error "copilot: [dict get $err title]: [dict get $err message]"
    }
    return $reply
}

# One reply line, or an error after timeout_ms (the tool's event loop runs meanwhile).
proc ::copilot::read_line {chan} {
    variable timeout_ms
    variable ready
    fconfigure $chan -blocking 0
    fileevent $chan readable [list set ::copilot::ready readable]
    set timer [after $timeout_ms [list set ::copilot::ready timeout]]
    try {
        while 1 {
            set ready ""
            vwait ::copilot::ready
            if {$ready eq "timeout"} {
                error "copilot: no answer from copilot serve within [expr {$timeout_ms / 1000}] s"
            }
            if {[gets $chan line] >= 0} { return $line }
            if {[eof $chan]} { return "" }
        }
    } finally {
        after cancel $timer
        catch {fileevent $chan readable {}}
        catch {fconfigure $chan -blocking 1}
    }
}

proc ::copilot::request {pairs} {
    set chan [connect]
    try {
        return [call $chan $pairs]
    } finally {
        catch {close $chan}
    }
}

proc ::copilot::show {result} {
    set script [dict get $result script]
    puts [string trimright $script]
    set verdict [expr {[dict get $result valid] ? "valid" : "NOT valid"}]
    set ran [expr {[dict get $result ran] ? "tried in a scratch session" : "not tried"}]
    puts "# $verdict; $ran; safety: [dict get $result safety]"
    foreach d [dict get $result diagnostics] {
        if {[dict get $d severity] eq "info"} { continue }
        puts "#   line [dict get $d line]: [dict get $d severity]: [dict get $d message]"
    }
    flush stdout
}

proc ::copilot::confirm {question} {
    puts -nonewline "$question \[y/N\] "
    flush stdout
    set answer [string trim [gets stdin]]
    return [expr {[string tolower $answer] in {y yes}}]
}

proc ::copilot::confirm_typed {question} {
    puts -nonewline "$question "
    flush stdout
    return [expr {[string tolower [string trim [gets stdin]]] eq "yes"}]
}

# copilot ?-run? ?-yes? ?-quiet? ?-explain? ?-tool NAME? ?-setup FILE? TEXT
proc copilot {args} {
    set run 0; set yes 0; set quiet 0; set explain 0; set extra {}
    while {[llength $args] > 1 && [string match -* [lindex $args 0]]} {
        set args [lassign $args opt]
        switch -- $opt {
            -run { set run 1 }
            -yes { set yes 1 }
            -quiet { set quiet 1 }
            -explain { set explain 1 }
            -tool { set args [lassign $args v]; lappend extra tool [::copilot::json_string $v] }
            -setup { set args [lassign $args v]; lappend extra setup [::copilot::json_string [file normalize $v]] }
            -- { break }
            default { error "copilot: unknown option $opt; use -run, -yes, -quiet, -explain, -tool, -setup" }
        }
    }
    if {[llength $args] != 1 || [string trim [lindex $args 0]] eq ""} {
        error {usage: copilot ?-run? ?-yes? ?-quiet? ?-explain? ?-tool NAME? "request or script"}
    }
    set text [lindex $args 0]
    if {$explain} {
        set reply [::copilot::request [list op [::copilot::json_string explain] \
                                           script [::copilot::json_string $text] {*}$extra]]
        set out [dict get $reply result text]
        if {!$quiet} { puts -nonewline $out; flush stdout }
        return $out
    }
    set reply [::copilot::request [list op [::copilot::json_string generate] \
                                       request [::copilot::json_string $text] {*}$extra]]
    set result [dict get $reply result]
    set script [dict get $result script]
    if {!$quiet || $run} { ::copilot::show $result }
    if {!$run} { return $script }
    # Same rule as copilot/checks/gate.py: blocked or unchecked never runs; a design change
    # needs a typed "yes" (-yes does not cover it); -yes runs only valid read-only scripts.
    set safety [expr {[dict exists $result safety] ? [dict get $result safety] : "unchecked"}]
    if {$safety eq "blocked"} {
        error "copilot: the script reaches the operating system; it will not be run"
    }
    if {$safety ni {read-only modifying}} {
        error "copilot: the script's safety is '$safety', not checked; it will not be run"
    }
    if {$safety eq "modifying"} {
        if {![::copilot::confirm_typed "This script CHANGES the design or writes files. Type yes to run it:"]} {
            return ""
        }
    } elseif {!($yes && [dict get $result valid]) && ![::copilot::confirm "Run it?"]} {
        return ""
    }
    return [uplevel #0 $script]
}
