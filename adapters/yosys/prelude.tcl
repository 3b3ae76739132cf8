# Loaded after adapters/tcl_runtime.tcl in every yosys batch run: markers go through the
# yosys log, so they stay in order with the output of yosys commands (Tcl `puts` and the
# yosys log are separate streams, and yosys's lags behind).
proc ::copilot_rt::mark {tag what} {
    yosys log "<<${tag}:$what>>"
}
