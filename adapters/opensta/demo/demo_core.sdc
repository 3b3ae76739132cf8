# Constraints for the demo design (times in ns, the library's unit).
create_clock -name clk -period 2.0 [get_ports clk]
set_clock_uncertainty 0.05 [get_clocks clk]
set_input_delay 0.4 -clock clk [get_ports {req_valid req_op[*] req_a[*] req_b[*]}]
set_input_delay 0.2 -clock clk [get_ports rst_n]
set_output_delay 0.5 -clock clk [get_ports {resp_valid resp_data[*] busy count[*]}]
set_load 0.02 [all_outputs]
set_driving_cell -lib_cell INVX1 [all_inputs]
