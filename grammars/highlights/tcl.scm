; Syntax highlighting for Tcl scripts in the TUI's script editor (Textual TextArea).
; Written for the Tcl grammar bundled in tree-sitter-language-pack 0.13.0; capture names are
; names Textual's TextArea themes style (comment, keyword, function.call, type.builtin, ...):
; flags are type.builtin and variables constant.builtin, for a colour of their own.
; Later patterns win over earlier ones for the same text, so specific ones come last.

(comment) @comment
(quoted_word) @string
(number) @number
(escaped_character) @string.special

(command name: (simple_word) @function.call)

(word_list
  (simple_word) @type.builtin
  (#match? @type.builtin "^-[A-Za-z_]"))

(variable_substitution) @constant.builtin
(set (id) @constant.builtin)
(procedure name: (simple_word) @function)
(argument) @constant.builtin

["set" "proc" "if" "elseif" "else" "foreach" "while" "expr" "catch" "try" "on" "finally"
 "global" "namespace" "regexp"] @keyword

["[" "]" "{" "}" "(" ")"] @punctuation.bracket
