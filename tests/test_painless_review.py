"""Regressions found by reviewing the Painless interpreter against Java semantics.

Each test pins one behaviour a real node has (checked with OpenJDK 17 where Java library
behaviour decides it) that the emulator once got wrong or crashed on.
"""

from __future__ import annotations

import pytest

from emulator.connectors.painless import NumberModel, ScriptException, compile_script


def _cause(source: str, params: dict | None = None) -> dict:
    with pytest.raises(ScriptException) as caught:
        compile_script(source).execute(params or {})
    return caught.value.to_body()["error"]["caused_by"]


def test_deeply_nested_list_prints_like_java_list_to_string() -> None:
    # Jackson accepts hundreds of levels and Java's toString() recursion takes them easily.
    value: object = 1
    for _ in range(600):
        value = [value]
    assert compile_script("return '' + params.x;").execute({"x": value}) == "[" * 600 + "1" + "]" * 600


def test_deeply_nested_map_appended_to_a_string_builder() -> None:
    value: object = [0.5, "x"]
    for _ in range(700):
        value = {"a": value, "n": None}
    source = "def sb = new StringBuilder(); sb.append(params.x); return sb.toString();"
    assert compile_script(source).execute({"x": value}) == "{a=" * 700 + "[0.5, x]" + ", n=null}" * 700


def test_deeply_nested_params_convert_to_gson_numbers() -> None:
    value: object = 7
    for _ in range(1500):
        value = {"a": [value]}
    expected = "{a=[" * 1500 + "7.0" + "]}" * 1500
    assert compile_script("return '' + params.x;").execute({"x": value}, number_model=NumberModel.GSON) == expected


def test_a_collection_cycle_through_another_collection_overflows_the_stack() -> None:
    assert _cause("def a = []; def b = [a]; a.add(b); return '' + a;") == {
        "type": "stack_overflow_error", "reason": None}


def test_a_list_used_as_a_map_key_is_looked_up_by_content() -> None:
    source = ("def m = [:]; m.put([1, 2], 'x'); m[[1, 2]] = 'y'; "
              "return m + '|' + m.get([1, 2]) + '|' + m.containsKey([1, 2.0]) + '|' + m.size();")
    assert compile_script(source).execute({}) == "{[1, 2]=y}|y|false|1"


def test_collection_keys_order_a_hash_map_by_their_content_hash() -> None:
    # Java: {q=3, [a, b]=2, [q, [a, b], {b=x}]=9, {b=x}=1} and keySet().hashCode() == -1010032318.
    source = ("def m = new HashMap(); m.put(['b': 'x'], 1); m.put(['a', 'b'], 2); m.put('q', 3); "
              "m.put(m.keySet().toString(), 9); return m + '' + m.keySet().hashCode();")
    assert compile_script(source).execute({}) == "{q=3, [a, b]=2, [q, [a, b], {b=x}]=9, {b=x}=1}-1010032318"


def test_a_map_put_into_itself_as_a_key_overflows_the_stack() -> None:
    # HashMap.put hashes the key, and the map's hashCode() reaches itself through its value.
    assert _cause("def m = [:]; m.put('s', m); m.put(m, 1); return '' + m;") == {
        "type": "stack_overflow_error", "reason": None}
