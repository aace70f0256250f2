"""Template substitution and value rendering, against the Java libraries' documented behaviour."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.connectors.templates import CREDENTIAL, fill_null_defaults, substitute, unfilled_parameters
from emulator.connectors.values import escape_json, gson_json, java_double, parameter_string
from emulator.errors import OpenSearchError


def test_known_variables_are_replaced_and_unknown_left_verbatim() -> None:
    assert substitute("a ${parameters.x} ${parameters.y}", {"x": "1"}) == "a 1 ${parameters.y}"


def test_default_values() -> None:
    assert substitute("${parameters.x:-dflt}|${parameters.y:-}", {}) == "dflt|"
    assert substitute("${parameters.x:-dflt}", {"x": "set"}) == "set"


def test_values_are_substituted_recursively() -> None:
    assert substitute("${parameters.a}", {"a": "<${parameters.b}>", "b": "B"}) == "<B>"


def test_dollar_escapes_a_placeholder() -> None:
    assert substitute("$${parameters.a}", {"a": "1"}) == "${parameters.a}"


def test_cycle_is_an_illegal_state() -> None:
    with pytest.raises(OpenSearchError) as caught:
        substitute("${parameters.x}", {"x": "${parameters.x}"})
    assert caught.value.type == "illegal_state_exception"
    assert caught.value.reason == "Infinite loop in property interpolation of ${parameters.x}: x"


def test_credential_prefix() -> None:
    assert substitute("Bearer ${credential.k} ${parameters.k}", {"k": "s"}, CREDENTIAL) == "Bearer s ${parameters.k}"


def test_null_default_only_with_surrounding_quotes() -> None:
    template = '{"a": "${parameters.a:-null}", "b": ${parameters.b:-null}}'
    assert fill_null_defaults(template, {}) == '{"a": null, "b": ${parameters.b:-null}}'
    assert fill_null_defaults(template, {"a": "x"}) == template


def test_unfilled_parameters_in_order_with_duplicates() -> None:
    assert unfilled_parameters("${parameters.a} ${parameters.b} ${parameters.a}") == ["a", "b", "a"]


@pytest.mark.parametrize(("value", "text"), [
    (0.0001, "1.0E-4"), (1e10, "1.0E10"), (0.5, "0.5"), (1.0, "1.0"), (1e7, "1.0E7"), (9999999.0, "9999999.0"),
    (0.001, "0.001"), (-2.5e-5, "-2.5E-5"), (123456789.123, "1.23456789123E8"), (0.0, "0.0"),
])
def test_java_double_to_string(value: float, text: str) -> None:
    assert java_double(value) == text


def test_gson_rendering_of_parameter_values() -> None:
    assert parameter_string([{"role": "user", "content": "a/b é"}]) == '[{"role":"user","content":"a/b é"}]'
    assert parameter_string(None) == "null"
    assert parameter_string(True) == "true"
    # Objects are HashMaps in the plugin: Gson writes their keys in hash order.
    assert gson_json({"t": 0.0001, "s": 'q"\n'}) == '{"s":"q\\"\\n","t":1.0E-4}'
    assert gson_json({"model": 1, "messages": 2, "temperature": 3}) == '{"temperature":3,"messages":2,"model":1}'


def test_apache_escape_json() -> None:
    assert escape_json('He said "hi" / café\nnext\U0001F600\x7f') == (
        'He said \\"hi\\" \\/ caf\\u00E9\\nnext\\uD83D\\uDE00\\u007F')


@given(st.text())
def test_escaped_text_is_always_a_valid_json_string_body(text: str) -> None:
    assert json.loads('"' + escape_json(text) + '"') == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_java_double_round_trips(value: float) -> None:
    assert float(java_double(value)) == value


@given(st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), st.text(max_size=20), max_size=5),
       st.text(max_size=60))
def test_substitution_never_raises_outside_cycles(values: dict[str, str], template: str) -> None:
    try:
        result = substitute(template, values)
    except OpenSearchError as error:
        assert error.type == "illegal_state_exception"
    else:
        assert isinstance(result, str)


@given(st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True),
                       st.text(alphabet=st.characters(blacklist_characters="$"), max_size=20), max_size=5))
def test_values_without_placeholders_are_inserted_exactly(values: dict[str, str]) -> None:
    template = "|".join(f"${{parameters.{k}}}" for k in values)
    assert substitute(template, values) == "|".join(values.values())
