# Print every object name of the loaded design, one line per kind: KIND name name ...
foreach {kind cmd} {port {get_ports *} cell {get_cells *} net {get_nets *} clock {all_clocks} lib_cell {get_lib_cells */*}} {
  set names {}
  if {[catch {set objs [eval $cmd]}]} { set objs {} }
  foreach o $objs { lappend names [get_full_name $o] }
  puts "$kind [join $names { }]"
}
set pins {}
foreach c [get_cells *] { foreach p [get_pins -of_objects $c] { lappend pins [get_full_name $p] } }
puts "pin [join $pins { }]"
puts "design [current_design]"
set names {}
foreach p [all_inputs] { lappend names [get_full_name $p] }
puts "input [join $names { }]"
set names {}
foreach p [all_outputs] { lappend names [get_full_name $p] }
puts "output [join $names { }]"
