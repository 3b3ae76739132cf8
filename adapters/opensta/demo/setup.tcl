# Load the EDA Copilot demo design into OpenSTA.
# OpenSTA's own `source` does not set [info script]; it keeps the file in ::sta::sdc_file.
set demo_file [info script]
if {$demo_file eq "" && [info exists ::sta::sdc_file]} { set demo_file $::sta::sdc_file }
set demo_dir [file dirname [file normalize $demo_file]]
read_liberty /usr/share/qflow/tech/osu018/osu018_stdcells.lib
read_verilog [file join $demo_dir demo_core_syn.v]
link_design demo_core
read_sdc [file join $demo_dir demo_core.sdc]
