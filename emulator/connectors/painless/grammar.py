"""The Painless grammar: the subset the emulator runs, as an LALR(1) grammar for Lark's contextual lexer.

The rule structure and precedence follow OpenSearch's PainlessParser.g4 (ES 7.10 layout);
the token names follow PainlessLexer.g4. Two deliberate differences:
 * Class names the emulator knows are a TYPE token (the ANTLR lexer makes them IDs and lets
   ALL(*) prediction tell `List x` from `x[0]`; LALR(1) cannot).
 * A statement ended by the end of the script is accepted by feeding the parser a `;`
   there (the ANTLR rule is `dstatement (SEMICOLON | EOF)`), see parser.py.
Lambdas, method references, regexes and try/catch parse only far enough to be reported as
unsupported constructs.
"""

from .types import CLASSES

_RULES = r"""
start: function* statement*

function: decltype ID "(" [parameter ("," parameter)*] ")" block
parameter: decltype ID

statement: rstatement
    | dstatement ";"

?rstatement: IF "(" expression ")" trailer (ELSE trailer)?                      -> if_stmt
    | WHILE "(" expression ")" (trailer | empty)                                -> while_stmt
    | FOR "(" [initializer] ";" [expression] ";" [expression] ")" (trailer | empty) -> for_stmt
    | FOR "(" decltype ID ":" expression ")" trailer                            -> each_stmt
    | FOR "(" ID IN expression ")" trailer                                      -> ineach_stmt
    | TRY block trap+                                                           -> try_stmt

?dstatement: DO block WHILE "(" expression ")"                                  -> do_stmt
    | declaration
    | CONTINUE                                                                  -> continue_stmt
    | BREAK                                                                     -> break_stmt
    | RETURN [expression]                                                       -> return_stmt
    | THROW expression                                                          -> throw_stmt
    | expression                                                                -> expr_stmt

trap: CATCH "(" decltype ID ")" block

trailer: block
    | statement

block: LBRACK statement* [dstatement] RBRACK

empty: ";"

initializer: declaration
    | expression

declaration: decltype declvar ("," declvar)*

decltype: basetype dims
    | ID                                                                        -> unknown_type

?basetype: DEF | PRIMITIVE | TYPE

dims: (LBRACE "]")*

declvar: ID [ASSIGN expression]

// ---- expressions ---------------------------------------------------------------------------

?expression: noncond
    | noncond COND expression ":" expression                                    -> conditional
    | noncond ELVIS expression                                                  -> elvis
    | noncond assignop expression                                               -> assignment

!assignop: ASSIGN | AADD | ASUB | AMUL | ADIV | AREM | AAND | AXOR | AOR | ALSH | ARSH | AUSH

?noncond: boolor

?boolor: booland
    | boolor BOOLOR booland                                                     -> bool_op

?booland: bwor
    | booland BOOLAND bwor                                                      -> bool_op

?bwor: xor
    | bwor BWOR xor                                                             -> binary

?xor: bwand
    | xor XOR bwand                                                             -> binary

?bwand: equality
    | bwand BWAND equality                                                      -> binary

?equality: instanceof
    | equality (EQ | EQR | NE | NER) instanceof                                 -> comp

?instanceof: relational
    | instanceof INSTANCEOF decltype                                            -> instanceof

?relational: shift
    | relational (LT | LTE | GT | GTE) shift                                    -> comp

?shift: regexop
    | shift (LSH | RSH | USH) regexop                                           -> binary

?regexop: additive
    | regexop (FIND | MATCH) additive                                           -> regex_op

?additive: multiplicative
    | additive ADD multiplicative                                               -> binary
    | additive SUB multiplicative                                               -> binary

?multiplicative: unary
    | multiplicative MUL unary                                                  -> binary
    | multiplicative DIV unary                                                  -> binary
    | multiplicative REM unary                                                  -> binary

?unary: INCR chain                                                              -> pre
    | DECR chain                                                                -> pre
    | ADD unary                                                                 -> sign
    | SUB unary                                                                 -> sign
    | unarynotaddsub

?unarynotaddsub: chain
    | chain INCR                                                                -> post
    | chain DECR                                                                -> post
    | BOOLNOT unary                                                             -> not_op
    | BWNOT unary                                                               -> not_op
    | LP primordefcasttype ")" unary                                            -> cast
    | LP refcasttype ")" unarynotaddsub                                         -> cast

primordefcasttype: DEF | PRIMITIVE

refcasttype: DEF dims1
    | PRIMITIVE dims1
    | TYPE dims

dims1: (LBRACE "]")+

chain: primary postfix*                                                         -> dynamic_chain
    | TYPE postdot postfix*                                                     -> static_chain
    | NEW newtype (LBRACE expression "]")+ [postdot postfix*]                   -> new_array
    | NEW newtype LBRACE "]" LBRACK [expression ("," expression)*] RBRACK postfix* -> new_init_array

?newtype: DEF | PRIMITIVE | TYPE | ID

?primary: LP expression ")"                                                     -> precedence
    | NUMBER                                                                    -> numeric
    | TRUE                                                                      -> true
    | FALSE                                                                     -> false
    | NULL                                                                      -> null
    | STRING                                                                    -> string
    | REGEX                                                                     -> regex
    | LBRACE expression ("," expression)* "]"                                   -> list_init
    | LBRACE "]"                                                                -> list_init
    | LBRACE maptoken ("," maptoken)* "]"                                       -> map_init
    | LBRACE ":" "]"                                                            -> map_init
    | ID                                                                        -> variable
    | ID arguments                                                              -> call_local
    | NEW newtype arguments                                                     -> new_object

maptoken: expression ":" expression

?postfix: callinvoke
    | fieldaccess
    | braceaccess

?postdot: callinvoke
    | fieldaccess

callinvoke: (DOT | NSDOT) DOTID arguments
fieldaccess: (DOT | NSDOT) (DOTID | DOTINTEGER)
braceaccess: LBRACE expression "]"

arguments: "(" [argument ("," argument)*] ")"

// `x -> ...` and `Type::method` only exist so that their tokens are lexed and reported.
?argument: expression
    | ARROW                                                                     -> lambda_arrow
    | REF                                                                       -> method_ref

// ---- tokens --------------------------------------------------------------------------------

WS: /[ \t\n\r]+/
COMMENT.3: /\/\/[^\n\r]*[\n\r]|\/\*(?:.|\n|\r)*?\*\//
%ignore WS
%ignore COMMENT

LBRACK: "{"
RBRACK: "}"
LBRACE: "["
LP: "("
DOT: "."
NSDOT: "?."

IF: "if"
IN: "in"
ELSE: "else"
WHILE: "while"
DO: "do"
FOR: "for"
CONTINUE: "continue"
BREAK: "break"
RETURN: "return"
NEW: "new"
TRY: "try"
CATCH: "catch"
THROW: "throw"
INSTANCEOF: "instanceof"
TRUE: "true"
FALSE: "false"
NULL: "null"
DEF: "def"
PRIMITIVE.2: /(?:boolean|byte|short|char|int|long|float|double)(?![A-Za-z0-9_])/

BOOLNOT: "!"
BWNOT: "~"
MUL: "*"
DIV: "/"
REM: "%"
ADD: "+"
SUB: "-"
LSH: "<<"
RSH: ">>"
USH: ">>>"
LT: "<"
LTE: "<="
GT: ">"
GTE: ">="
EQ: "=="
EQR: "==="
NE: "!="
NER: "!=="
BWAND: "&"
XOR: "^"
BWOR: "|"
BOOLAND: "&&"
BOOLOR: "||"
COND: "?"
ELVIS: "?:"
FIND: "=~"
MATCH: "==~"
INCR: "++"
DECR: "--"
ASSIGN: "="
AADD: "+="
ASUB: "-="
AMUL: "*="
ADIV: "/="
AREM: "%="
AAND: "&="
AXOR: "^="
AOR: "|="
ALSH: "<<="
ARSH: ">>="
AUSH: ">>>="
ARROW: "->"
REF: "::"

// NUMBER (every numeric literal) and TYPE (the known class names) are filled in below.
{number_and_type}

STRING: /"(?:\\["\\]|[^"\\])*"|'(?:\\['\\]|[^'\\])*'/
REGEX: /\/(?:\\[^\n]|[^\/\n])+\/[cilmsUux]*/

ID: /[_a-zA-Z][_a-zA-Z0-9]*/

DOTINTEGER: /0|[1-9][0-9]*/
DOTID: /[_a-zA-Z][_a-zA-Z0-9]*/
"""

# One terminal for every numeric literal so that the longest match wins as in ANTLR's lexer
# (HEX, OCTAL, DECIMAL, INTEGER, tried in that order); parser.py tells them apart.
_NUMBER = "|".join([
    r"0[xX][0-9a-fA-F]+[lL]?",
    r"0[0-7]+[lL]?",
    r"(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][+\-]?[0-9]+)?|[eE][+\-]?[0-9]+)[fFdD]?",
    r"(?:0|[1-9][0-9]*)[lLfFdD]?",
])

# The class names scripts can write, from the emulator's type table.
_TYPE = "|".join(key for key in CLASSES if key != "MapEntry")

GRAMMAR = _RULES.replace("{number_and_type}", f"NUMBER: /{_NUMBER}/\n\nTYPE.2: /(?:{_TYPE})(?![A-Za-z0-9_])/")
