"""No input breaks the interpreter: junk source, deep nesting, runaway loops, huge values.

Whatever the script, ``compile_script`` and ``execute`` either succeed or raise a
``ScriptException``; nothing hangs and no Python exception escapes.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.connectors.painless import ScriptException, compile_script

_TOKENS = ["def", "int", "String", "return", "if", "else", "for", "while", "new", "params", "x", "y", "(", ")", "{",
           "}", "[", "]", ";", ",", ".", "?.", "+", "-", "*", "/", "%", "=", "==", "!=", "<", ">", "&&", "||", "!",
           "?", ":", "'a'", '"b"', "1", "2.5", "0x1F", "null", "true", "++", "--", "+=", "escape", "length", "0",
           "StringBuilder", "append", "toString", "[:]", "//c\n", "/*c*/", "\\", "'", '"', "#", " ", "\n", "\r\n",
           "instanceof", "List", "break", "continue", "do", "in", "throw", "Exception", "->", "::", "@", "é"]


def _run(source: str, params: dict) -> None:
    try:
        script = compile_script(source)
    except ScriptException as error:
        assert error.reason == "compile error"
        return
    try:
        result = script.execute(params)
    except ScriptException as error:
        assert error.reason == "runtime error"
        return
    assert result is None or isinstance(result, str)


@settings(max_examples=400, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_TOKENS), max_size=30).map(" ".join))
def test_token_soup_only_ever_raises_script_exceptions(source: str) -> None:
    _run(source, {"x": [1, "a", None], "y": {"k": 2.5}})


@settings(max_examples=300, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_arbitrary_text_only_ever_raises_script_exceptions(source: str) -> None:
    _run(source, {})


@pytest.mark.parametrize("source", [
    "return " + "(" * 3000 + "1" + ")" * 3000 + ";",
    "return " + "-" * 3000 + "1;",
    "return " + " + ".join(["'a'"] * 3000) + ";",
    "def x = " + "[" * 2000 + "]" * 2000 + "; return 'a';",
])
def test_deeply_nested_source_fails_cleanly_or_runs(source: str) -> None:
    _run(source, {})


def test_nine_hundred_ninety_nine_thousand_nine_hundred_ninety_nine_iterations_are_allowed() -> None:
    assert compile_script("int i = 0; while (i < 999999) { i++; } return '' + i;").execute({}) == "999999"


def test_the_millionth_iteration_is_refused() -> None:
    with pytest.raises(ScriptException) as caught:
        compile_script("int i = 0; while (i < 1000000) { i++; } return '' + i;").execute({})
    assert caught.value.to_body()["error"]["caused_by"]["type"] == "painless_error"


def test_nested_loops_share_one_counter_per_call() -> None:
    with pytest.raises(ScriptException) as caught:
        compile_script("int n = 0; for (int i = 0; i < 1000; i++) { for (int j = 0; j < 1000; j++) { n++; } } "
                       "return '' + n;").execute({})
    # 999 outer iterations take 999 * 1001 steps; the outer loop's next step is the millionth.
    error = caught.value.to_body()["error"]
    assert (error["position"], error["script_stack"]) == ({"offset": 11, "start": 11, "end": 20},
                                                          ["for (int ", "^---- HERE"])


def test_list_growth_is_bounded() -> None:
    with pytest.raises(ScriptException) as caught:
        compile_script("def l = [1]; while (true) { l.addAll(l); }").execute({})
    assert caught.value.to_body()["error"]["caused_by"] == {"type": "out_of_memory_error", "reason": "Java heap space"}


def test_huge_array_is_out_of_memory() -> None:
    with pytest.raises(ScriptException) as caught:
        compile_script("def a = new int[2000000000]; return 'x';").execute({})
    assert caught.value.to_body()["error"]["caused_by"]["type"] == "out_of_memory_error"


def test_negative_array_size() -> None:
    with pytest.raises(ScriptException) as caught:
        compile_script("def a = new int[params.n]; return 'x';").execute({"n": -1})
    assert caught.value.to_body()["error"]["caused_by"] == {"type": "negative_array_size_exception", "reason": "-1"}


def test_a_script_can_be_executed_many_times_with_fresh_state() -> None:
    script = compile_script("int i = 0; while (i < 600000) { i++; } return params.tag;")
    assert [script.execute({"tag": str(n)}) for n in range(2)] == ["0", "1"]
