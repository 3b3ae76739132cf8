# Load the EDA Copilot demo design into OpenSTA.
set demo_dir [file dirname [file normalize [info script]]]
read_liberty /usr/share/qflow/tech/osu018/osu018_stdcells.lib
read_verilog [file join $demo_dir demo_core_syn.v]
link_design demo_core
read_sdc [file join $demo_dir demo_core.sdc]
