"""Painless failures as OpenSearch renders them: full ``script_exception`` bodies.

Compile errors point 25 characters either side of the offending offset
(``PainlessScriptEngine``); runtime errors show the statement that failed, up to the next
statement, with the offset of the last line entry before the failing instruction
(``PainlessScript``). The Java cause keeps its own type and message.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator.connectors.painless import ScriptException, compile_script


def body(source: str, params: dict | None = None) -> dict:
    with pytest.raises(ScriptException) as caught:
        compile_script(source).execute({} if params is None else params)
    return caught.value.to_body()


def expected(reason: str, source: str, stack: list[str], position: dict | None, cause: dict) -> dict:
    fragment: dict[str, Any] = {"type": "script_exception", "reason": reason, "script_stack": stack,
                                "script": source, "lang": "painless"}
    if position is not None:
        fragment["position"] = position
    return {"error": {"root_cause": [fragment], **fragment, "caused_by": cause}, "status": 400}


def at(offset: int, start: int, end: int) -> dict:
    return {"offset": offset, "start": start, "end": end}


def test_unexpected_character_is_a_lexer_error() -> None:
    source = "def x = 1;\nreturn x @ 2;"
    assert body(source) == expected(
        "compile error", source, [source, " " * 20 + "^---- HERE"], at(20, 0, 24),
        {"type": "illegal_argument_exception", "reason": "unexpected character [@].",
         "caused_by": {"type": "lexer_no_viable_alt_exception", "reason": None}})


def test_invalid_token_sequence_is_a_parser_error() -> None:
    source = "def total = params.a +* 2; return total;"
    assert body(source) == expected(
        "compile error", source, [source, " " * 22 + "^---- HERE"], at(22, 0, 40),
        {"type": "illegal_argument_exception", "reason": "invalid sequence of tokens near ['*'].",
         "caused_by": {"type": "no_viable_alt_exception", "reason": None}})


def test_unexpected_end_of_script_shows_the_last_25_characters() -> None:
    source = "if (params.a == null) {\n  return 'x';"
    assert body(source) == expected(
        "compile error", source, ["...  == null) {\n  return 'x';", "    " + " " * 25 + "^---- HERE"],
        at(37, 12, 37),
        {"type": "illegal_argument_exception", "reason": "unexpected end of script.",
         "caused_by": {"type": "no_viable_alt_exception", "reason": None}})


def test_long_scripts_get_ellipses_on_both_sides() -> None:
    source = "def first = 'aaaaaaaaaaaaaaaaaaaa'; def second = missing; return first + second;"
    assert body(source) == expected(
        "compile error", source,
        ["... aaaaaaaaa'; def second = missing; return first + s ...", "    " + " " * 25 + "^---- HERE"],
        at(49, 24, 74), {"type": "illegal_argument_exception", "reason": "cannot resolve symbol [missing]"})


def test_a_trailing_line_comment_needs_a_line_break() -> None:
    source = "return 'a'; // done"
    assert body(source) == expected(
        "compile error", source, [source, " " * 12 + "^---- HERE"], at(12, 0, 19),
        {"type": "illegal_argument_exception", "reason": "unexpected character [// done].",
         "caused_by": {"type": "lexer_no_viable_alt_exception", "reason": None}})


def test_a_space_after_a_dot_is_not_allowed() -> None:
    source = "return params. x;"
    assert body(source)["error"]["caused_by"] == {
        "type": "illegal_argument_exception", "reason": "unexpected character [ ].",
        "caused_by": {"type": "lexer_no_viable_alt_exception", "reason": None}}


@pytest.mark.parametrize(("source", "offset", "java_type", "reason"), [
    ("String s = 'a'; int n = s; return s;", 24, "class_cast_exception",
     "Cannot cast from [java.lang.String] to [int]."),
    ("return 5;", 7, "class_cast_exception", "Cannot cast from [int] to [java.lang.String]."),
    ("Integer i = 5; return 'a';", 12, "class_cast_exception", "Cannot cast from [int] to [java.lang.Integer]."),
    ("def x = 1; x + 1; return 'a';", 11, "illegal_argument_exception",
     "not a statement: result not used from addition operation [+]"),
    ("def x = 1; x; return 'a';", 11, "illegal_argument_exception", "not a statement: variable [x] not used"),
    ("params.a; return 'a';", 6, "illegal_argument_exception", "not a statement: result of dot operator [.] not used"),
    ("if (true) { return 'a'; }", 0, "illegal_argument_exception", "extraneous if block"),
    ("if (params.a) {} return 'a';", 0, "illegal_argument_exception", "extraneous if block"),
    ("for (def x : params.l) { return x; }", 0, "illegal_argument_exception", "extraneous foreach loop"),
    ("while (false) { return 'a'; }", 0, "illegal_argument_exception", "extraneous while loop"),
    ("return 'a'; return 'b';", 0, "illegal_argument_exception", "invalid block: unreachable statement"),
    ("continue;", 0, "illegal_argument_exception", "invalid continue statement: not inside loop"),
    ("def x = 1; def x = 2;", 15, "illegal_argument_exception", "variable [x] is already defined"),
    ("def List = 1;", 4, "illegal_argument_exception", "invalid declaration: type [List] cannot be a name"),
    ("Thing t = null;", 6, "illegal_argument_exception", "invalid declaration: cannot resolve type [Thing]"),
    ("return helper();", 7, "illegal_argument_exception", "Unknown call [helper] with [[]] arguments."),
    ("String f(def a) { if (a) { return 'x'; } } return f(true);", 0, "illegal_argument_exception",
     "invalid function definition: not all paths provide a return value for function [f] with [1] parameters"),
    ("String f(def a) { return a; } String f(def b) { return b; } return f(1);", 30, "illegal_argument_exception",
     "invalid function definition: found duplicate function [f/1]."),
    ("def sb = new StringBuilder(1, 2);", 9, "illegal_argument_exception",
     "constructor [java.lang.StringBuilder, <init>/2] not found"),
    ("StringBuilder sb = new StringBuilder(); sb.foo();", 42, "illegal_argument_exception",
     "member method [java.lang.StringBuilder, foo/0] not found"),
    ("return Math.foo(1);", 11, "illegal_argument_exception", "static method [java.lang.Math, foo/1] not found"),
    ("return '' + Integer.NOPE;", 19, "illegal_argument_exception", "field [java.lang.Integer, NOPE] not found"),
    ("int x = 3000000000;", 8, "illegal_argument_exception",
     "Invalid int constant [3000000000]. If you want a long constant then change it to [3000000000L]."),
    # promoteNumeric picks int as soon as one side is int, so the String operand fails its cast.
    ("def a = 'x' * 2;", 8, "class_cast_exception", "Cannot cast from [java.lang.String] to [int]."),
    ("def a = true * 2.5;", 8, "class_cast_exception", "Cannot cast from [boolean] to [double]."),
    ("def a = 'x' * 'y';", 8, "class_cast_exception",
     "cannot apply the multiplication operator [*] to the types [java.lang.String] and [java.lang.String]"),
    ("boolean b = !5;", 13, "class_cast_exception", "Cannot cast from [int] to [boolean]."),
    ("return null == null ? 'a' : 'b';", 7, "illegal_argument_exception", "extraneous comparison of [null] constants"),
    ("def x = params.a ?: null;", 8, "illegal_argument_exception", "Extraneous elvis operator. RHS is null."),
    ("throw 'oops';", 6, "class_cast_exception", "Cannot cast from [java.lang.String] to [java.lang.Exception]."),
])
def test_semantic_errors(source: str, offset: int, java_type: str, reason: str) -> None:
    error = body(source)["error"]
    assert (error["reason"], error["position"]["offset"], error["caused_by"]) == \
        ("compile error", offset, {"type": java_type, "reason": reason})


@pytest.mark.parametrize(("source", "construct", "offset"), [
    ("return params.l.stream().filter(v -> v > 1).count();", "lambda expressions", 34),
    ("def f = String::valueOf;", "method references", 14),
    ("return /ab+c/.matcher('x').matches();", "regex literals", 7),
    ("return params.s =~ params.p;", "regex operators [=~] and [==~]", 16),
    ("try { return 'a'; } catch (Exception e) { return 'b'; }", "try/catch statements", 0),
    ("def s = 'a'; return s.codePoints();", "the method [codePoints/0]", 21),
])
def test_unsupported_constructs_fail_at_compile_time_by_name(source: str, construct: str, offset: int) -> None:
    error = body(source)["error"]
    assert error["reason"] == "compile error" and error["position"]["offset"] == offset
    assert error["caused_by"] == {"type": "illegal_argument_exception",
                                  "reason": f"the ML Commons emulator does not support {construct} in Painless scripts"}


def test_null_receiver_of_a_dynamic_call() -> None:
    source = "def data = params.data;\nreturn data.trim();"
    assert body(source) == expected(
        "runtime error", source, ["return data.trim();", " " * 11 + "^---- HERE"], at(35, 24, 43),
        {"type": "null_pointer_exception", "reason": 'Cannot invoke "Object.getClass()" because "callArgs[0]" is null'})


def test_a_failing_call_inside_arguments_points_at_the_inner_call() -> None:
    source = "def sb = new StringBuilder();\nsb.append(params.v[0].floatValue());\nreturn sb.toString();"
    assert body(source, {"v": [None]}) == expected(
        "runtime error", source, ["sb.append(params.v[0].floatValue());\n", " " * 21 + "^---- HERE"], at(51, 30, 67),
        {"type": "null_pointer_exception", "reason": 'Cannot invoke "Object.getClass()" because "callArgs[0]" is null'})


def test_a_method_missing_on_the_runtime_class() -> None:
    source = "return params.x.foo();"
    assert body(source, {"x": "s"}) == expected(
        "runtime error", source, [source, " " * 15 + "^---- HERE"], at(15, 0, 22),
        {"type": "illegal_argument_exception", "reason": "dynamic method [java.lang.String, foo/0] not found"})


def test_an_index_out_of_bounds() -> None:
    source = "def l = [1];\nreturn '' + l[5];"
    assert body(source) == expected(
        "runtime error", source, ["return '' + l[5];", " " * 13 + "^---- HERE"], at(26, 13, 30),
        {"type": "index_out_of_bounds_exception", "reason": "Index 5 out of bounds for length 1"})


def test_an_array_index_out_of_bounds() -> None:
    source = "def a = new Double[1];\nreturn '' + a[3];"
    assert body(source)["error"]["caused_by"] == {"type": "array_index_out_of_bounds_exception",
                                                  "reason": "Index 3 out of bounds for length 1"}


def test_integer_division_by_zero() -> None:
    source = "def a = params.a;\ndef b = params.b;\nreturn '' + (a % b);"
    assert body(source, {"a": 1, "b": 0}) == expected(
        "runtime error", source, ["return '' + (a % b);", " " * 13 + "^---- HERE"], at(49, 36, 56),
        {"type": "arithmetic_exception", "reason": "/ by zero"})


def test_returning_a_number_without_any_line_entry() -> None:
    source = "def x = 5;\nreturn x;"
    assert body(source) == expected(
        "runtime error", source, ["<<< unknown portion of script >>>"], None,
        {"type": "class_cast_exception", "reason": "cannot implicitly cast def [int] to java.lang.String"})


def test_thrown_exception_keeps_its_java_type() -> None:
    source = "throw new Exception('nope');"
    assert body(source) == expected(
        "runtime error", source, [source, "      ^---- HERE"], at(6, 0, 28), {"type": "exception", "reason": "nope"})


def test_a_thrown_exception_without_message() -> None:
    assert body("throw new IllegalStateException();")["error"]["caused_by"] == {
        "type": "illegal_state_exception", "reason": None}


def test_a_declaration_statement_starts_at_the_variable_name() -> None:
    source = "def x = params.a.b;\nreturn 'ok';"
    assert body(source, {"a": None}) == expected(
        "runtime error", source, ["x = params.a.b;\n", " " * 12 + "^---- HERE"], at(16, 4, 20),
        {"type": "null_pointer_exception", "reason": 'Cannot invoke "Object.getClass()" because "callArgs[0]" is null'})


def test_the_loop_counter_stops_runaway_loops() -> None:
    source = "int i = 0; while (true) { i++; }"
    assert body(source) == expected(
        "runtime error", source, ["while (true) { ", "^---- HERE"], at(11, 11, 26),
        {"type": "painless_error",
         "reason": "The maximum number of statements that can be executed in a loop has been reached."})


def test_unbounded_recursion_is_a_stack_overflow() -> None:
    source = "String f(int n) { return f(n + 1); } return f(0);"
    assert body(source) == expected(
        "runtime error", source, ["<<< unknown portion of script >>>"], None,
        {"type": "stack_overflow_error", "reason": None})


def test_runaway_string_growth_is_out_of_memory() -> None:
    source = "def s = 'abcdefghij'; while (true) { s = s + s; }"
    assert body(source) == expected(
        "runtime error", source, ["s = s + s; }", "    ^---- HERE"], at(41, 37, 49),
        {"type": "out_of_memory_error", "reason": "Java heap space"})


def test_def_math_on_null_reports_the_operand() -> None:
    assert body("def a = null; return '' + (a + 1);")["error"]["caused_by"] == {
        "type": "null_pointer_exception", "reason": 'Cannot invoke "Object.getClass()" because "left" is null'}


def test_def_comparison_of_unrelated_types() -> None:
    assert body("def x = params.v; return '' + (x > 'a');", {"v": 2})["error"]["caused_by"] == {
        "type": "class_cast_exception",
        "reason": "Cannot apply [>] operation to types [java.lang.Integer] and [java.lang.String]."}


def test_implicit_def_to_int_cast() -> None:
    assert body("int i = params.a; return '' + i;", {"a": 1.5})["error"]["caused_by"] == {
        "type": "class_cast_exception", "reason": "cannot implicitly cast def [double] to int"}


def test_def_load_into_a_typed_slot_converts_like_a_method_handle() -> None:
    assert body("int i = params.a.b; return '' + i;", {"a": {"b": 1.5}})["error"]["caused_by"] == {
        "type": "class_cast_exception", "reason": "Cannot cast java.lang.Double to java.lang.Integer"}


def test_iterating_over_a_map_is_an_error() -> None:
    assert body("for (def x : params.m) { def y = x; } return 'a';", {"m": {}})["error"]["caused_by"] == {
        "type": "illegal_argument_exception", "reason": "Cannot iterate over [java.util.LinkedHashMap]"}


def test_brace_access_on_a_string_is_an_error() -> None:
    assert body("return '' + params.s[0];", {"s": "abc"})["error"]["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "Attempting to address a non-array-like type [java.lang.String] as an array."}


def test_number_format_errors_keep_the_jdk_message() -> None:
    assert body("return '' + Integer.parseInt(params.s);", {"s": "4x"})["error"]["caused_by"] == {
        "type": "number_format_exception", "reason": 'For input string: "4x"'}
    assert body("return '' + new BigDecimal('1.2.3');")["error"]["caused_by"] == {
        "type": "number_format_exception", "reason": "Character array contains more than one decimal point."}


def test_string_index_errors_keep_the_jdk_message() -> None:
    assert body("return 'abc'.substring(2, 9);")["error"]["caused_by"] == {
        "type": "string_index_out_of_bounds_exception", "reason": "begin 2, end 9, length 3"}
