// Demo design for EDA Copilot: a small request/response ALU with a status counter.
module demo_core (
    input  wire       clk,
    input  wire       rst_n,
    input  wire       req_valid,
    input  wire [1:0] req_op,
    input  wire [7:0] req_a,
    input  wire [7:0] req_b,
    output reg        resp_valid,
    output reg  [7:0] resp_data,
    output wire       busy,
    output reg  [3:0] count
);
    reg [7:0] a_q, b_q;
    reg [1:0] op_q;
    reg       stage_valid;

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            a_q <= 8'd0; b_q <= 8'd0; op_q <= 2'd0; stage_valid <= 1'b0;
        end else begin
            stage_valid <= req_valid;
            if (req_valid) begin
                a_q <= req_a; b_q <= req_b; op_q <= req_op;
            end
        end
    end

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) begin
            resp_valid <= 1'b0; resp_data <= 8'd0;
        end else begin
            resp_valid <= stage_valid;
            case (op_q)
                2'd0: resp_data <= a_q + b_q;
                2'd1: resp_data <= a_q - b_q;
                2'd2: resp_data <= a_q & b_q;
                default: resp_data <= a_q ^ b_q;
            endcase
        end
    end

    always @(posedge clk or negedge rst_n) begin
        if (!rst_n) count <= 4'd0;
        else if (resp_valid) count <= count + 4'd1;
    end

    assign busy = stage_valid | resp_valid;
endmodule
