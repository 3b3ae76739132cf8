# EDA Copilot runtime for Tcl tools: run a script file one top-level command at a time.
# Output between markers <<TAG:LINE n>> belongs to the command starting on script line n.
# Markers are built at run time so the tool's echo of the calling line never contains them.
namespace eval ::copilot_rt {}

proc ::copilot_rt::mark {tag what} {
    puts "<<${tag}:$what>>"
    flush stdout
}

# Lines below the start of the failing top-level command, from the frames of errorInfo
# (innermost first). Frames inside a called proc are dropped at its "(procedure" frame:
# the user's line is the call site.
proc ::copilot_rt::error_offset {info} {
    set offset 0
    foreach line [split $info "\n"] {
        if {[regexp {^\s*\(procedure } $line]} {
            set offset 0
        } elseif {[regexp {^\s*\("[^"]*" [a-z ]*line (\d+)\)} $line -> n]} {
            incr offset [expr {$n - 1}]
        }
    }
    return $offset
}

proc ::copilot_rt::run {path tag} {
    if {[catch {open $path r} f]} {
        # An unreadable script still ends with markers, or the caller would wait for them.
        ::copilot_rt::mark $tag BEGIN
        ::copilot_rt::mark $tag "ERROR 1"
        puts $f
        ::copilot_rt::mark $tag "END 1"
        return
    }
    fconfigure $f -encoding utf-8
    set text [read $f]
    close $f
    set saved_script [info script]
    info script $path
    ::copilot_rt::mark $tag BEGIN
    set lineno 0
    set start 1
    set cmd ""
    set status 0
    foreach l [split $text "\n"] {
        incr lineno
        if {$cmd eq ""} { set start $lineno }
        append cmd $l "\n"
        if {![info complete $cmd]} { continue }
        set trimmed [string trim $cmd]
        set body $cmd
        set cmd ""
        if {$trimmed eq "" || [string index $trimmed 0] eq "#"} { continue }
        ::copilot_rt::mark $tag "LINE $start"
        set rc [catch {uplevel #0 $body} result opts]
        flush stdout
        if {$rc == 1} {
            set where [expr {$start + [::copilot_rt::error_offset [dict get $opts -errorinfo]]}]
            ::copilot_rt::mark $tag "ERROR $where"
            puts [dict get $opts -errorinfo]
            set status 1
            break
        }
    }
    if {$status == 0 && [string trim $cmd] ne ""} {
        ::copilot_rt::mark $tag "ERROR $start"
        puts "missing close-brace, bracket or quote: the command starting on line $start never ends"
        set status 1
    }
    info script $saved_script
    ::copilot_rt::mark $tag "END $status"
}
