"""The Painless interpreter: the constructs and Java semantics ML Commons connector scripts rely on.

Expected strings are what OpenSearch's Painless (JDK 21) returns for the same script; cases
named ``T01``... and ``E1``... are the research note's derived cases, restated with our own
scripts and inputs.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.connectors.painless import NumberModel, ScriptException, compile_script

JACKSON = NumberModel.JACKSON
GSON = NumberModel.GSON


def run(source: str, params: dict | None = None, model: NumberModel = JACKSON) -> str | None:
    return compile_script(source).execute({} if params is None else params, number_model=model)


def failure(source: str, params: dict | None = None, model: NumberModel = JACKSON) -> dict:
    with pytest.raises(ScriptException) as caught:
        run(source, params, model)
    return caught.value.to_body()


def cause(source: str, params: dict | None = None, model: NumberModel = JACKSON) -> dict:
    return failure(source, params, model)["error"]["caused_by"]


# ---- the derived cases ------------------------------------------------------------------------

EMBEDDING_SCRIPT = """
  def vector = params.embedding;
  if (vector == null || vector.length == 0) {
    return params.message;
  }
  return '{"name":"sentence_embedding","data_type":"FLOAT32","shape":' + [vector.length] + ',"data":' + vector + '}';
"""

RERANK_SCRIPT = """
  def results = params.results;
  def scores = new Double[results.length];
  for (int i = 0; i < results.length; i++) {
    scores[new BigDecimal(results[i].index.toString()).intValue()] = results[i].relevance_score;
  }
  def out = new StringBuilder('[');
  for (int i = 0; i < scores.length; i++) {
    if (i > 0) { out.append(','); }
    out.append('{"name":"similarity","data_type":"FLOAT32","shape":[1],"data":[').append(scores[i]).append(']}');
  }
  return out.append(']').toString();
"""

GUARD_SCRIPT = """
  if (params['guard-action'] == 'BLOCKED') throw new IllegalArgumentException('blocked by guard');
"""

DERIVED_CASES = [
    ("T01 List.toString joins with comma-space and keeps 2.0",
     "return 'vec=' + params.values;", {"values": [0.5, -0.125, 2.0]}, JACKSON, "vec=[0.5, -0.125, 2.0]"),
    ("T02 Double.toString switches to E notation below 1e-3 and from 1e7",
     "return '' + params.d;", {"d": [0.002, 0.00025, 1234567.0, 12345678.0, 5e-10, 2e22, -0.0, 42.0]}, JACKSON,
     "[0.002, 2.5E-4, 1234567.0, 1.2345678E7, 5.0E-10, 2.0E22, -0.0, 42.0]"),
    ("T03 Jackson keeps Integer and Long", "return params.count + '/' + params.list + '/' + params.huge;",
     {"count": 7, "list": [2, 0.5, 0], "huge": 4000000000}, JACKSON, "7/[2, 0.5, 0]/4000000000"),
    ("T03 Gson makes every number a Double", "return params.count + '/' + params.list + '/' + params.huge;",
     {"count": 7, "list": [2, 0.5, 0], "huge": 4000000000}, GSON, "7.0/[2.0, 0.5, 0.0]/4.0E9"),
    ("T04 Map.toString prints key=value in JSON order", "return '' + params.q;",
     {"q": {"k": 2, "s": "t", "arr": [3], "n": None, "o": {"p": False}}}, JACKSON,
     "{k=2, s=t, arr=[3], n=null, o={p=false}}"),
    ("T04 Map.toString under Gson", "return '' + params.q;",
     {"q": {"k": 2, "s": "t", "arr": [3], "n": None, "o": {"p": False}}}, GSON,
     "{k=2.0, s=t, arr=[3.0], n=null, o={p=false}}"),
    ("T05 + is left-associative", "return 2 + 3 + 'x' + 2 + 3;", {}, JACKSON, "5x23"),
    ("T06 a single-quoted literal is a String", "return 'p' + 2 + \"q\" + 'r';", {}, JACKSON, "p2qr"),
    ("T07 integer / and % truncate toward zero",
     "int a = -9; int b = 4; return a / b + ';' + a % b + ';' + 9 / 4 + ';' + 9.0 / 4;", {}, JACKSON,
     "-2;-1;2;2.25"),
    ("T08 int arithmetic wraps", "int n = -2147483648; n--; return '' + n;", {}, JACKSON, "2147483647"),
    ("T09 a missing key and a JSON null both read as null", "return params.absent + '|' + params.present;",
     {"present": None}, JACKSON, "null|null"),
    ("T10 || short-circuits and the fallback string is returned", EMBEDDING_SCRIPT,
     {"message": "Rate exceeded, retry later."}, JACKSON, "Rate exceeded, retry later."),
    ("T11 list literal and list concatenation build the tensor", EMBEDDING_SCRIPT,
     {"embedding": [0.25, -0.75, 1e-4]}, JACKSON,
     '{"name":"sentence_embedding","data_type":"FLOAT32","shape":[3],"data":[0.25, -0.75, 1.0E-4]}'),
    ("T12 .length on a Map is map.get('length')",
     "def m = params.emb; return '{\"shape\":' + [m.length] + ',\"data\":' + m + '}';",
     {"emb": {"float": [0.25]}}, JACKSON, '{"shape":[null],"data":{float=[0.25]}}'),
    ("T13 the injected escape() doubles backslashes and escapes quotes and LF", "return escape(params.t);",
     {"t": 'Say "yes"\nD:\\data'}, JACKSON, 'Say \\"yes\\"\\nD:\\\\data'),
    ("T14 escape() leaves TAB alone and turns backslash-t into four backslashes and t",
     "return escape(params.a) + '|' + escape(params.b);", {"a": "1\t2", "b": "1\\t2"}, JACKSON,
     "1\t2|1\\\\\\\\t2"),
    ("T15 escape() handles only CR, LF, BS, FF, quote and backslash", "return escape(params.t);",
     {"t": "ü\u0002\r\b\f</x>"}, JACKSON, "ü\u0002\\r\\b\\f</x>"),
    ("T17 a pre-escaped text_docs entry is spliced as is",
     "String doc = params.text_docs[0]; return '{\"parameters\":{\"inputText\":\"' + doc + '\"}}';",
     {"algorithm": "TEXT_EMBEDDING", "text_docs": ['a \\"b\\"\\nc']}, GSON,
     '{"parameters":{"inputText":"a \\"b\\"\\nc"}}'),
    ("T18 a pre-process script may return literal JSON", "return '{\"parameters\": {\"top_n\": 3, \"ok\": true}}';",
     {"algorithm": "TEXT_SIMILARITY", "query_text": "q", "text_docs": ["d"]}, GSON,
     '{"parameters": {"top_n": 3, "ok": true}}'),
    ("T19 new StringBuilder(CharSequence) starts with the text",
     "def sb = new StringBuilder('<'); sb.append(3); sb.append('|'); sb.append(4.0); sb.append('>'); "
     "return sb.toString();", {}, JACKSON, "<3|4.0>"),
    ("T20 floatValue() prints the shortest float digits",
     "def sb = new StringBuilder(); for (int i = 0; i < params.v.length; i++) { "
     "sb.append(params.v[i].floatValue()); sb.append(' '); } return sb.toString();",
     {"v": [0.2, 0.987654321, 2e-6, 8, 33554433]}, JACKSON, "0.2 0.9876543 2.0E-6 8.0 3.3554432E7 "),
    ("T21 Double.intValue() saturates, BigDecimal.intValue() wraps",
     "def out = new StringBuilder(); for (def x : params.v) { out.append(x.intValue()).append(','); } "
     "return out.append(new BigDecimal('5.0E9').intValue()).toString();",
     {"v": [-3.9, 3.9, 5e9, -5e9, 6]}, JACKSON, "-3,3,2147483647,-2147483648,6,705032704"),
    ("T22 rerank scores land in a Double[] by index and print Java doubles", RERANK_SCRIPT,
     {"results": [{"index": 1, "relevance_score": 0.5}, {"index": 0, "relevance_score": 0.0002}]}, JACKSON,
     '[{"name":"similarity","data_type":"FLOAT32","shape":[1],"data":[2.0E-4]},'
     '{"name":"similarity","data_type":"FLOAT32","shape":[1],"data":[0.5]}]'),
    ("T23 falling off the end returns null", GUARD_SCRIPT, {"guard-action": "NONE", "text": "ok"}, JACKSON, None),
    ("T25 negative index, .0 shortcut and List .length", "return params.l[-1] + params.l.0 + params.l.length;",
     {"l": ["x", "y", "z"]}, JACKSON, "zx3"),
]


@pytest.mark.parametrize(("label", "source", "params", "model", "expected"), DERIVED_CASES,
                         ids=[case[0].split(" ")[0] + "-" + str(index) for index, case in enumerate(DERIVED_CASES)])
def test_derived_case(label: str, source: str, params: dict, model: NumberModel, expected: str | None) -> None:
    assert run(source, params, model) == expected


def test_T16_escape_of_null_is_a_null_pointer_exception_inside_the_helper() -> None:
    body = failure("return escape(params.missing);")
    assert body == {
        "error": {
            "root_cause": [{
                "type": "script_exception", "reason": "runtime error",
                "script_stack": ['if (input.contains("\\\\")) {\n        ', "         ^---- HERE"],
                "script": "return escape(params.missing);", "lang": "painless",
                "position": {"offset": 48, "start": 39, "end": 75},
            }],
            "type": "script_exception", "reason": "runtime error",
            "script_stack": ['if (input.contains("\\\\")) {\n        ', "         ^---- HERE"],
            "script": "return escape(params.missing);", "lang": "painless",
            "position": {"offset": 48, "start": 39, "end": 75},
            "caused_by": {"type": "null_pointer_exception",
                          "reason": 'Cannot invoke "Object.getClass()" because "callArgs[0]" is null'},
        },
        "status": 400,
    }


def test_T22_an_integral_score_cannot_be_stored_in_a_double_array() -> None:
    body = failure(RERANK_SCRIPT, {"results": [{"index": 0, "relevance_score": 1}]})
    error = body["error"]
    assert error["caused_by"] == {"type": "class_cast_exception",
                                  "reason": "Cannot cast java.lang.Integer to java.lang.Double"}
    assert error["script_stack"][0].startswith("scores[new BigDecimal(results[i].index.toString()).intValue()] =")


def test_T23_a_throw_reports_the_statement_and_the_new_expression() -> None:
    body = failure(GUARD_SCRIPT, {"guard-action": "BLOCKED"})
    assert body == {
        "error": {
            "root_cause": [{
                "type": "script_exception", "reason": "runtime error",
                "script_stack": ["throw new IllegalArgumentException('blocked by guard');\n", "      ^---- HERE"],
                "script": GUARD_SCRIPT, "lang": "painless", "position": {"offset": 50, "start": 44, "end": 100},
            }],
            "type": "script_exception", "reason": "runtime error",
            "script_stack": ["throw new IllegalArgumentException('blocked by guard');\n", "      ^---- HERE"],
            "script": GUARD_SCRIPT, "lang": "painless", "position": {"offset": 50, "start": 44, "end": 100},
            "caused_by": {"type": "illegal_argument_exception", "reason": "blocked by guard"},
        },
        "status": 400,
    }


def test_T24_backslash_quote_in_single_quotes_is_a_compile_error() -> None:
    body = failure("return 'it\\\"s';")
    assert body["error"]["reason"] == "compile error"
    assert body["error"]["position"] == {"offset": 7, "start": 0, "end": 15}
    assert body["error"]["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "unexpected character ['it\\\"]. The only valid escape sequences in strings starting with ['] "
                  "are [\\\\] and [\\'].",
        "caused_by": {"type": "lexer_no_viable_alt_exception", "reason": None},
    }


def test_T24_backslash_n_in_double_quotes_is_a_compile_error() -> None:
    assert cause('return "a\\nb";')["reason"] == ('unexpected character ["a\\n]. The only valid escape sequences in '
                                                 'strings starting with ["] are [\\\\] and [\\"].')


def test_E2_length_on_a_string_is_a_missing_getter() -> None:
    assert cause("return params.s.length;", {"s": "abc"}) == {
        "type": "illegal_argument_exception", "reason": "dynamic getter [java.lang.String, length] not found"}


@pytest.mark.parametrize(("model", "reason"), [
    (JACKSON, "dynamic method [java.lang.Integer, contains/1] not found"),
    (GSON, "dynamic method [java.lang.Double, contains/1] not found"),
])
def test_E3_escape_of_a_number_has_no_contains(model: NumberModel, reason: str) -> None:
    assert cause("return escape(params.n);", {"n": 5}, model) == {"type": "illegal_argument_exception",
                                                                   "reason": reason}


def test_E4_a_field_shortcut_on_a_list_must_be_an_index() -> None:
    assert cause("return '' + params.results.score;", {"results": [{"score": 1}]}) == {
        "type": "illegal_argument_exception", "reason": "Illegal list shortcut value [score]."}


def test_E5_returning_a_list_is_a_class_cast_exception() -> None:
    body = failure("return params.items;", {"items": [1]})
    assert body["error"]["caused_by"] == {
        "type": "class_cast_exception",
        "reason": "cannot implicitly cast def [java.util.ArrayList] to java.lang.String"}
    assert body["error"]["position"] == {"offset": 13, "start": 0, "end": 20}


def test_E6_an_array_prints_its_type_and_an_identity_hash() -> None:
    assert re.fullmatch(r"\[Ljava\.lang\.Double;@[0-9a-f]+", run("return '' + new Double[1];"))


def test_E8_a_mistyped_builtin_name_compiles_as_painless_and_fails() -> None:
    body = failure("onnector.post_process.cohere.embedding")
    assert body["error"]["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "cannot resolve symbol [onnector.post_process.cohere.embedding]"}
    assert body["error"]["position"] == {"offset": 28, "start": 3, "end": 38}


# ---- values and formatting ----------------------------------------------------------------------

def test_double_concatenation_uses_java_double_to_string() -> None:
    assert run("return '' + (0.1 + 0.2) + ' ' + 1.0 / 3 + ' ' + 100.0 + ' ' + 1e7;") == \
        "0.30000000000000004 0.3333333333333333 100.0 1.0E7"


def test_double_division_by_zero_is_infinity_or_nan() -> None:
    assert run("double z = 0; return (1 / z) + ' ' + (-1 / z) + ' ' + (z / z) + ' ' + (5 % z);") == \
        "Infinity -Infinity NaN NaN"


def test_float_arithmetic_rounds_to_float() -> None:
    assert run("float f = 0.1f; float g = f * 3; return '' + g + ' ' + (double) f;") == \
        "0.3 0.10000000149011612"


def test_long_literal_and_overflow() -> None:
    assert run("long x = 9223372036854775807L; x++; return '' + x + ' ' + (2147483647 + 1L);") == \
        "-9223372036854775808 2147483648"


def test_integer_promotion_to_long_and_double() -> None:
    assert run("int i = 5; long l = 2; double d = 0.5; return (i / l) + ' ' + (i * d) + ' ' + (i + l);") == \
        "2 2.5 7"


def test_explicit_casts_truncate_and_saturate() -> None:
    assert run("return (int) 3.99 + ' ' + (int) -3.99 + ' ' + (int) 1e20 + ' ' + (long) -1e30 + ' ' + (int) 5L;") == \
        "3 -3 2147483647 -9223372036854775808 5"


def test_def_compound_assignment_keeps_the_receiver_class() -> None:
    assert run("def x = 5; x += 2.5; def y = 1.5; y += 1; return x + ' ' + y;") == "7 2.5"


def test_boolean_and_null_concatenate_as_words() -> None:
    assert run("String s = null; return s + ' ' + true + ' ' + (1 > 2) + ' ' + null;") == "null true false null"


def test_char_from_charAt_concatenates_as_a_character() -> None:
    assert run("return 'x' + 'abc'.charAt(1) + ('abc'.charAt(0) == (char) 'a');") == "xbtrue"


def test_string_length_counts_utf16_units() -> None:
    assert run("String s = params.s; return s.length() + ' ' + s.substring(0, 2) + ' ' + s.indexOf('z');",
               {"s": "\U0001F600z"}) == "3 \U0001F600 2"


def test_hash_map_iterates_in_hash_order() -> None:
    assert run("def m = new HashMap(); for (int i = 0; i < 12; i++) { m.put('key' + i, i); } return '' + m.keySet();") \
        == "[key1, key2, key0, key5, key6, key3, key4, key9, key7, key8, key11, key10]"


def test_map_literal_is_a_hash_map() -> None:
    assert run("return '' + ['b': 1, 'a': 2, 'c': [3]];") == "{a=2, b=1, c=[3]}"


def test_integer_and_double_keys_are_distinct_map_keys() -> None:
    assert run("def m = [:]; m.put(1, 'int'); m.put(1.0, 'double'); m.put(true, 'bool'); return m.size() + ' ' + m;") \
        == "3 {1.0=double, 1=int, true=bool}"


def test_json_object_iterates_in_document_order() -> None:
    assert run("def s = ''; for (def k : params.o.keySet()) { s += k; } return s + params.o.values();",
               {"o": {"z": 1, "a": 2, "m": 3}}) == "zam[1, 2, 3]"


def test_nested_list_to_string_and_self_reference() -> None:
    assert run("def l = [[1, [2.5]], 'a', null]; l.add(l); return '' + l;") == \
        "[[1, [2.5]], a, null, (this Collection)]"


def test_big_decimal_to_string_and_plain_string() -> None:
    assert run("def d = new BigDecimal('1.50E10'); return d + ' ' + d.toPlainString() + ' ' + new BigDecimal('-0.00') "
               "+ ' ' + new BigDecimal('0.0000001');") == "1.50E+10 15000000000 0.00 1E-7"


def test_big_decimal_arithmetic_keeps_scale() -> None:
    assert run("return new BigDecimal('1.10').add(new BigDecimal('2.205')) + ' ' + "
               "new BigDecimal('1.10').multiply(new BigDecimal('2.0'));") == "3.305 2.200"


def test_numbers_larger_than_long_are_big_integers_under_jackson() -> None:
    assert run("return params.n + ' ' + (params.n instanceof Number);",
               {"n": 123456789012345678901234567890}) == "123456789012345678901234567890 true"


def test_long_from_json_and_int_from_json_add_as_long() -> None:
    assert run("return '' + (params.a + params.b);", {"a": 3000000000, "b": 1}) == "3000000001"


def test_two_ints_from_json_overflow_as_int() -> None:
    assert run("return '' + (params.a + params.b);", {"a": 2147483647, "b": 1}) == "-2147483648"


# ---- operators ---------------------------------------------------------------------------------

def test_def_equality_compares_numbers_across_classes() -> None:
    assert run("return (params.i == params.d) + ' ' + (params.i == params.l) + ' ' + (params.s == 'x');",
               {"i": 1, "d": 1.0, "l": 1, "s": "x"}) == "true true true"


def test_null_equals_zero_is_false_without_an_error() -> None:
    assert run("return '' + (params.missing == 0) + (params.missing != null);") == "falsefalse"


def test_string_equality_is_by_value() -> None:
    assert run("String a = params.a; String b = 'x' + 'y'; return (a == b) + ' ' + a.equals(b);", {"a": "xy"}) == \
        "true true"


def test_relational_operators_on_def_promote_numbers() -> None:
    assert run("def x = params.v; return (x > 2) + ' ' + (x < 2.5) + ' ' + (x >= 2L);", {"v": 2}) == \
        "false true true"


def test_ternary_and_elvis() -> None:
    assert run("def a = params.a ?: 'fallback'; return (params.n > 1 ? 'big' : 'small') + ' ' + a;", {"n": 3}) == \
        "big fallback"


def test_instanceof_checks_the_runtime_class() -> None:
    assert run("def x = params.x; return (x instanceof String) + ' ' + (x instanceof List) + ' ' + "
               "(x instanceof Map) + ' ' + (params.n instanceof Integer);", {"x": [1], "n": 4}) == \
        "false true false true"


def test_boolean_operators_short_circuit() -> None:
    assert run("def l = params.l; return '' + (l != null && l.length > 0) + (l == null || l.length > 5);",
               {"l": None}) == "falsetrue"


def test_bitwise_and_shift_operators() -> None:
    assert run("int a = 12; return (a & 10) + ' ' + (a | 3) + ' ' + (a ^ 5) + ' ' + (~a) + ' ' + (-16 >> 2) + ' ' + "
               "(-16 >>> 28) + ' ' + (1 << 33);") == "8 15 9 -13 -4 15 2"


def test_pre_and_post_increment() -> None:
    assert run("int i = 5; int a = i++; int b = ++i; i--; return a + ' ' + b + ' ' + i;") == "5 7 6"


def test_compound_assignment_operators() -> None:
    assert run("int x = 10; x += 5; x -= 3; x *= 2; x /= 5; x %= 3; String s = 'a'; s += 1; s += null; "
               "return x + s;") == "1a1null"


def test_chained_assignment() -> None:
    assert run("def a; def b; a = b = 'same'; return a + b;") == "samesame"


def test_math_functions_take_doubles() -> None:
    assert run("return Math.max(1, 2) + ' ' + Math.min(-1.5, 2) + ' ' + Math.abs(-3) + ' ' + Math.round(2.5) + ' ' + "
               "Math.floor(-1.5) + ' ' + Math.sqrt(16);") == "2.0 -1.5 3.0 3 -2.0 4.0"


# ---- statements ----------------------------------------------------------------------------------

def test_classic_for_loop() -> None:
    assert run("def s = ''; for (int i = 0; i < 4; i++) { s += i; } return s;") == "0123"


def test_enhanced_for_loops() -> None:
    assert run("def s = ''; for (def x : params.l) { s += x; } for (y in params.l) { s += y; } return s;",
               {"l": ["a", "b"]}) == "abab"


def test_enhanced_for_over_an_array_with_a_typed_variable() -> None:
    assert run("int total = 0; for (int v : new int[] {4, 5, 6}) { total += v; } return '' + total;") == "15"


def test_while_with_break_and_continue() -> None:
    assert run("int i = 0; def s = ''; while (true) { i++; if (i == 2) { continue; } if (i > 4) { break; } s += i; } "
               "return s;") == "134"


def test_do_while_runs_the_body_first() -> None:
    assert run("int i = 10; do { i++; } while (i < 3); return '' + i;") == "11"


def test_if_else_if_else() -> None:
    script = "if (params.n < 0) { return 'neg'; } else if (params.n == 0) { return 'zero'; } else { return 'pos'; }"
    assert [run(script, {"n": n}) for n in (-1, 0, 1)] == ["neg", "zero", "pos"]


def test_last_expression_statement_is_returned() -> None:
    assert run("def x = 'a'; x + 'b'") == "ab"


def test_last_statement_without_semicolon_at_end_of_script() -> None:
    assert run("if (params.x == null) return 'none'", {}) == "none"


def test_a_block_may_end_without_a_semicolon() -> None:
    assert run("if (true == params.f) { return 'yes' } return 'no'", {"f": True}) == "yes"


def test_user_function_declared_before_the_statements() -> None:
    assert run("String wrap(def v) { return '<' + v + '>'; } int twice(int n) { n * 2 } return wrap(twice(21));") == \
        "<42>"


def test_user_function_recursion() -> None:
    assert run("int fact(int n) { if (n <= 1) { return 1; } return n * fact(n - 1); } return '' + fact(10);") == \
        "3628800"


def test_comments_and_crlf_line_endings() -> None:
    assert run("// leading comment\r\ndef a = 'x'; /* block\r\n comment */ return a; // trailing\r\n") == "x"


def test_keywords_are_member_names_after_a_dot() -> None:
    assert run("return params.embeddings.float + '' + params.embeddings.int;",
               {"embeddings": {"float": [0.5], "int": [1]}}) == "[0.5][1]"


def test_null_safe_access() -> None:
    assert run("return params.a?.b + ' ' + params.c?.length();", {"c": "abc"}) == "null 3"


def test_bracket_access_on_params_with_a_hyphenated_key() -> None:
    assert run("return params['a-b'] + params['c'][1];", {"a-b": "x", "c": [0, 9]}) == "x9"


def test_store_into_a_json_map_and_list() -> None:
    assert run("params.x = 1; params.l[0] = 'z'; params.l.1 = 'y'; params['k'] = [:]; return '' + params;",
               {"l": ["a", "b"]}) == "{l=[z, y], x=1, k={}}"


def test_new_array_defaults_and_length() -> None:
    assert run("def d = new Double[2]; int[] i = new int[2]; d[0] = 1.5; return d[0] + ' ' + d[1] + ' ' + i[1] + ' ' "
               "+ d.length + ' ' + i[-1];") == "1.5 null 0 2 0"


def test_arrays_of_two_dimensions() -> None:
    assert run("int[][] g = new int[2][3]; g[1][2] = 5; return g.length + ' ' + g[1].length + ' ' + g[1][2];") == \
        "2 3 5"


# ---- library methods ---------------------------------------------------------------------------

def test_string_methods() -> None:
    assert run("String s = ' Hello, World '; String t = s.trim(); return t.toLowerCase() + '|' + t.toUpperCase() + '|' "
               "+ t.substring(7) + '|' + t.indexOf('o') + '|' + t.lastIndexOf('o') + '|' + t.startsWith('He') + '|' "
               "+ t.endsWith('!') + '|' + t.contains('World') + '|' + t.replace('l', 'L') + '|' + t.isEmpty() + '|' "
               "+ t.equalsIgnoreCase('hello, world') + '|' + t.charAt(4);") == \
        "hello, world|HELLO, WORLD|World|4|8|true|false|true|HeLLo, WorLd|false|true|o"


def test_string_replace_with_an_empty_target_inserts_between_chars() -> None:
    assert run("return 'abc'.replace('', '-');") == "-a-b-c-"


def test_split_on_token() -> None:
    assert run("String[] parts = 'a,b,,c'.splitOnToken(','); def s = ''; for (def p : parts) { s += '[' + p + ']'; } "
               "return s + parts.length + 'x,y,z'.splitOnToken(',', 2)[1];") == "[a][b][][c]4y,z"


def test_string_builder_methods() -> None:
    assert run("def sb = new StringBuilder('abc'); sb.insert(1, 'XY').reverse(); sb.setLength(4); "
               "sb.append(7).append(true); return sb + ' ' + sb.length() + ' ' + sb.charAt(0);") == \
        "cbYX7true 9 c"


def test_number_methods() -> None:
    assert run("def d = params.d; return d.intValue() + ' ' + d.longValue() + ' ' + d.doubleValue() + ' ' + "
               "d.floatValue() + ' ' + d.toString() + ' ' + params.i.doubleValue();", {"d": 2.75, "i": 3}) == \
        "2 2 2.75 2.75 2.75 3.0"


def test_static_conversions() -> None:
    assert run("return String.valueOf(params.n) + ' ' + Integer.parseInt('-42') + ' ' + Double.parseDouble('1e3') + "
               "' ' + Float.toString(0.1f) + ' ' + Double.toString(1e-5) + ' ' + Integer.MAX_VALUE;", {"n": None}) == \
        "null -42 1000.0 0.1 1.0E-5 2147483647"


def test_list_methods() -> None:
    assert run("def l = new ArrayList(); l.add(3); l.add(0, 'first'); l.add(null); l.set(2, 2.5); "
               "return l + ' ' + l.size() + ' ' + l.get(1) + ' ' + l.contains('first') + ' ' + l.indexOf(2.5) + ' ' + "
               "l.isEmpty() + ' ' + l.remove(0) + ' ' + l.subList(0, 1) + ' ' + [1, 2, 3].join('-') + ' ' + "
               "[1, 2.5].sum();") == "[first, 3, 2.5] 3 3 true 2 false first [3] 1-2-3 3.5"


def test_map_methods() -> None:
    assert run("def m = new HashMap(); m.put('a', 1); m.put('b', null); return m.containsKey('b') + ' ' + "
               "m.containsValue(1) + ' ' + m.get('z') + ' ' + m.getOrDefault('z', 0) + ' ' + m.size() + ' ' + "
               "m.remove('a') + ' ' + m.isEmpty() + ' ' + m.keySet() + ' ' + m.values() + ' ' + m.entrySet();") == \
        "true true null 0 2 1 false [b] [null] [b=null]"


def test_getter_shortcuts() -> None:
    assert run("return params.l.empty + ' ' + params.m.empty + ' ' + params.s.empty;",
               {"l": [], "m": {"a": 1}, "s": ""}) == "true false true"


def test_map_length_shortcut_reads_the_key() -> None:
    assert run("return '' + params.length;", {"length": 7}) == "7"


# ---- escape() injection -------------------------------------------------------------------------

def test_a_script_defined_escape_is_used_instead_of_the_helper() -> None:
    assert run("String escape(def s) { return '[' + s + ']'; } return escape(params.t);", {"t": "a\"b"}) == "[a\"b]"


def test_the_helper_is_injected_when_escape_is_only_mentioned_in_a_comment() -> None:
    # A compile error shows the shift: offsets count the 669 characters of the prepended helper.
    body = failure("// escape(x) is not called\nreturn 1 +;")
    assert body["error"]["position"] == {"offset": 706, "start": 681, "end": 707}
    assert body["error"]["script_stack"] == ["...  is not called\nreturn 1 +;", "    " + " " * 25 + "^---- HERE"]


def test_without_escape_offsets_are_not_shifted() -> None:
    assert failure("return 1 +;")["error"]["position"] == {"offset": 10, "start": 0, "end": 11}


def test_runtime_errors_in_user_code_are_shifted_by_the_helper() -> None:
    body = failure("def t = escape(params.t); return t.foo();", {"t": "x"})
    assert body["error"]["position"] == {"offset": 703, "start": 695, "end": 710}
    assert body["error"]["script_stack"] == ["return t.foo();", "        ^---- HERE"]
    assert body["error"]["caused_by"] == {"type": "illegal_argument_exception",
                                          "reason": "dynamic method [java.lang.String, foo/0] not found"}


def test_escape_of_a_list_fails_on_the_helpers_string_return() -> None:
    body = failure("return escape(params.l);", {"l": [1]})
    assert body["error"]["caused_by"] == {
        "type": "class_cast_exception",
        "reason": "cannot implicitly cast def [java.util.ArrayList] to java.lang.String"}
    assert body["error"]["position"] == {"offset": 613, "start": 600, "end": 649}


def test_escape_null_after_a_successful_call_fails_in_the_linked_call_site() -> None:
    script = compile_script("return escape(params.t);")
    assert script.execute({"t": "ok"}) == "ok"
    with pytest.raises(ScriptException) as caught:
        script.execute({})
    assert caught.value.to_body()["error"]["caused_by"]["reason"] == \
        'Cannot invoke "Object.getClass()" because "receiver" is null'


# ---- API -----------------------------------------------------------------------------------

def test_compile_script_is_cached_by_source_text() -> None:
    assert compile_script("return 'cached';") is compile_script("return 'cached';")


def test_script_exception_is_an_opensearch_error_with_status_400() -> None:
    from emulator.errors import OpenSearchError

    with pytest.raises(ScriptException) as caught:
        compile_script("return (;")
    error = caught.value
    assert isinstance(error, OpenSearchError)
    assert (error.type, error.reason, error.status, error.is_opensearch_exception) == \
        ("script_exception", "compile error", 400, True)
    assert list(error.metadata) == ["script_stack", "script", "lang", "position"]


def test_gson_model_makes_objects_linked_tree_maps() -> None:
    assert cause("return params.o.foo();", {"o": {}}, GSON)["reason"] == \
        "dynamic method [com.google.gson.internal.LinkedTreeMap, foo/0] not found"


# ---- more constructs -----------------------------------------------------------------------------

def test_typed_list_and_map_locals() -> None:
    assert run("List l = new ArrayList(); l.add('a'); Map m = new HashMap(); m.put('list', l); "
               "return m.get('list').size() + ' ' + m + ' ' + l.length;") == "1 {list=[a]} 1"


def test_string_array_and_explicit_casts() -> None:
    assert run("String[] names = new String[2]; names[0] = (String) params.n; return names[0] + names[1] + "
               "names.length + (int) params.d + (long) params.i;", {"n": "x", "d": 2.9, "i": 7}) == "xnull227"


def test_raw_line_breaks_are_allowed_inside_string_literals() -> None:
    assert run("return 'two\nlines' + \"\r\n\";") == "two\nlines\r\n"


def test_hex_octal_long_and_float_literals() -> None:
    assert run("return 0x10 + ' ' + 017 + ' ' + 5L + ' ' + 2.5f + ' ' + 1e3 + ' ' + 7d;") == "16 15 5 2.5 1000.0 7.0"


def test_a_hex_literal_ending_in_f_or_d_is_rejected_like_painless_does() -> None:
    assert cause("return '' + 0x1F;") == {"type": "illegal_state_exception", "reason": "Illegal tree structure."}


def test_big_decimal_number_conversions() -> None:
    assert run("def d = new BigDecimal('2.75'); return d.doubleValue() + ' ' + d.intValue() + ' ' + d.floatValue() + "
               "' ' + d.longValue();") == "2.75 2 2.75 2"


def test_string_builder_length_and_set_length() -> None:
    assert run("StringBuilder sb = new StringBuilder('abcdef'); sb.setLength(3); int n = sb.length(); "
               "sb.setLength(5); return n + ' ' + sb.length() + ' ' + sb;") == "3 5 abc\u0000\u0000"


def test_explicit_cast_of_a_def_value() -> None:
    assert run("return (int) params.d + ' ' + (double) params.i + ' ' + (String) params.s;",
               {"d": -7.9, "i": 3, "s": "t"}) == "-7 3.0 t"


def test_boxed_types_are_not_assigned_from_primitives() -> None:
    assert cause("Integer i = 5; return 'x';") == {"type": "class_cast_exception",
                                                   "reason": "Cannot cast from [int] to [java.lang.Integer]."}


def test_a_method_call_on_an_escape_receiver_still_injects_the_helper() -> None:
    assert failure("return params.s.escape(1) + (1 +);")["error"]["position"]["offset"] == 669 + 32


def test_a_name_ending_in_escape_does_not_inject_the_helper() -> None:
    assert failure("return my_escape(1) + (1 +);")["error"]["position"]["offset"] == 26


def test_defining_string_escape_with_a_string_parameter_suppresses_the_helper() -> None:
    assert run("String escape(String s) { return s.toUpperCase(); } return escape('q');") == "Q"


def test_gson_numbers_in_arithmetic_stay_doubles() -> None:
    assert run("return '' + (params.a + params.b) + ' ' + params.n.intValue();", {"a": 1, "b": 2, "n": 3}, GSON) == \
        "3.0 3"


# ---- properties ------------------------------------------------------------------------------

_INTS = st.integers(min_value=-(2**31), max_value=2**31 - 1)


def _wrap32(value: int) -> int:
    return (value + 2**31) % 2**32 - 2**31


def _trunc_div(a: int, b: int) -> int:
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


@given(st.text(max_size=40))
def test_a_single_quoted_literal_reads_back_its_text(text: str) -> None:
    literal = "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    assert run(f"return {literal};") == text


@given(st.text(max_size=40))
def test_a_double_quoted_literal_reads_back_its_text(text: str) -> None:
    literal = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    assert run(f"return {literal};") == text


@given(_INTS, _INTS.filter(lambda b: b != 0))
def test_int_arithmetic_wraps_and_truncates_like_java(a: int, b: int) -> None:
    script = ("int a = params.a; int b = params.b; return (a + b) + ',' + (a - b) + ',' + (a * b) + ',' + (a / b) + "
              "',' + (a % b);")
    quotient = _wrap32(_trunc_div(a, b))
    expected = [_wrap32(a + b), _wrap32(a - b), _wrap32(a * b), quotient, a - b * _trunc_div(a, b)]
    assert run(script, {"a": a, "b": b}) == ",".join(map(str, expected))


@given(_INTS, _INTS)
def test_def_arithmetic_on_json_integers_matches_typed_int_arithmetic(a: int, b: int) -> None:
    typed = run("int a = params.a; int b = params.b; return '' + (a * b + a);", {"a": a, "b": b})
    assert run("return '' + (params.a * params.b + params.a);", {"a": a, "b": b}) == typed
