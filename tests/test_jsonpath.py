"""Jayway JsonPath 2.9.0 semantics, as ML Commons applies ``response_filter`` and the built-in default filters."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.connectors.jsonpath import InvalidPath, JsonPathError, PathNotFound, compile_path

INVALID = "com.jayway.jsonpath.InvalidPathException"
NOT_FOUND = "com.jayway.jsonpath.PathNotFoundException"
JSON_PATH = "com.jayway.jsonpath.JsonPathException"
SMART = "This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."


def read(expression: str, document: Any) -> Any:
    return compile_path(expression).read(document)


def failure(expression: str, document: Any = None) -> JsonPathError:
    """The error compiling (document None) or reading ``expression`` ends in."""
    with pytest.raises(JsonPathError) as caught:
        path = compile_path(expression)
        if document is not None:
            path.read(document)
    return caught.value


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    # Compiled paths keep state between reads (as Jayway's cached ones do): every test starts clean.
    compile_path.cache_clear()


LIBRARY = {
    "shelf": {
        "books": [
            {"genre": "poetry", "writer": "Ada Quill", "name": "Salt Lines", "cost": 7.5},
            {"genre": "novel", "writer": "Bo Linden", "name": "The Long Ferry", "cost": 14},
            {"genre": "novel", "writer": "Cy Marsh", "name": "Glass Orchard", "code": "978-1", "cost": 9.25},
        ],
        "lamp": {"colour": "green", "cost": 30},
    },
    "budget": 10,
}


# -- the built-in post-process default filters --------------------------------------------------------------------

OPENAI_EMBEDDING = {"object": "list", "data": [
    {"object": "embedding", "index": 0, "embedding": [0.1, -0.2]},
    {"object": "embedding", "index": 1, "embedding": [0.3, 0.4]},
], "model": "text-embedding-3-small", "usage": {"prompt_tokens": 4, "total_tokens": 4}}


def test_openai_default_filter_collects_every_embedding() -> None:
    assert read("$.data[*].embedding", OPENAI_EMBEDDING) == [[0.1, -0.2], [0.3, 0.4]]


def test_openai_default_filter_skips_an_item_without_embedding() -> None:
    document = {"data": [{"embedding": [1.0]}, {"index": 1}, {"embedding": [2.0]}]}
    assert read("$.data[*].embedding", document) == [[1.0], [2.0]]


def test_openai_default_filter_on_a_response_without_data_is_missing_property() -> None:
    # The branching starts after "data", so its absence is still an error.
    assert failure("$.data[*].embedding", {"error": "quota"}).message == "Missing property in path $['data']"


def test_cohere_default_filter_returns_the_embeddings_list() -> None:
    response = {"id": "x", "embeddings": [[1, 2], [3, 4]], "texts": ["a", "b"]}
    assert read("$.embeddings", response) is response["embeddings"]


def test_cohere_v2_default_filters_pick_one_embedding_type() -> None:
    response = {"embeddings": {"float": [[0.5, 0.25]], "int8": [[12, -7]], "ubinary": [[200]]}}
    assert read("$.embeddings.float", response) == [[0.5, 0.25]]
    assert read("$.embeddings.int8", response) == [[12, -7]]
    assert read("$.embeddings.ubinary", response) == [[200]]


def test_cohere_v2_default_filter_with_the_type_missing_is_not_found() -> None:
    error = failure("$.embeddings.binary", {"embeddings": {"float": [[0.5]]}})
    assert isinstance(error, PathNotFound)
    assert error.message == "No results for path: $['embeddings']['binary']"


def test_default_embedding_filter_returns_the_rows_of_a_top_level_array() -> None:
    rows = [[0.1, 0.2], [0.3, 0.4]]
    assert read("$[*]", rows) == rows


def test_default_rerank_filter_returns_the_items_of_a_top_level_array() -> None:
    results = [{"index": 1, "relevance_score": 0.9}, {"index": 0, "relevance_score": 0.1}]
    assert read("$[*]", results) == results


def test_wildcard_default_filter_on_an_object_returns_its_values() -> None:
    assert read("$[*]", {"a": [1], "b": [2]}) == [[1], [2]]


def test_bedrock_default_filter_returns_the_single_embedding() -> None:
    assert read("$.embedding", {"embedding": [0.12, 0.34], "inputTextTokenCount": 3}) == [0.12, 0.34]


def test_bedrock_v2_default_filter_reads_embeddings_by_type() -> None:
    response = {"embedding": [1.0], "embeddingsByType": {"float": [0.5, 0.75], "binary": [1, 0]}}
    assert read("$.embeddingsByType.float", response) == [0.5, 0.75]
    assert read("$.embeddingsByType.binary", response) == [1, 0]


def test_bedrock_nova_default_filter_collects_each_embedding() -> None:
    response = {"embeddings": [{"embeddingType": "TEXT", "embedding": [0.1]}, {"embedding": [0.2]}]}
    assert read("$.embeddings[*].embedding", response) == [[0.1], [0.2]]


def test_rerank_default_filter_returns_the_results_list() -> None:
    response = {"id": "r", "results": [{"index": 0, "relevance_score": 0.5}], "meta": {}}
    assert read("$.results", response) is response["results"]


def test_root_filter_returns_the_document_itself() -> None:
    assert read("$", OPENAI_EMBEDDING) is OPENAI_EMBEDDING


# -- filters from the blueprints and tutorials --------------------------------------------------------------------

def test_openai_chat_filter_reads_the_first_choice_content() -> None:
    response = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi there"}}]}
    assert read("$.choices[0].message.content", response) == "Hi there"


def test_openai_chat_filter_with_no_choices_is_not_found() -> None:
    assert failure("$.choices[0].message.content", {"choices": []}).message == (
        "No results for path: $['choices'][0]['message']['content']")


def test_claude_completion_filter() -> None:
    assert read("$.completion", {"completion": " Thank you", "stop_reason": "stop"}) == " Thank you"


def test_a_present_null_value_is_returned_not_missing() -> None:
    assert read("$.completion", {"completion": None}) is None


def test_claude_messages_filter_reads_the_first_content_block() -> None:
    assert read("$.content[0].text", {"content": [{"type": "text", "text": "42"}]}) == "42"


def test_bedrock_converse_filter_reads_the_output_text() -> None:
    response = {"output": {"message": {"role": "assistant", "content": [{"text": "Paris"}]}}, "stopReason": "end"}
    assert read("$.output.message.content[0].text", response) == "Paris"


def test_bedrock_converse_tool_use_answer_has_no_text() -> None:
    response = {"output": {"message": {"content": [{"toolUse": {"name": "search"}}]}}}
    error = failure("$.output.message.content[0].text", response)
    assert isinstance(error, PathNotFound)
    assert error.message == "No results for path: $['output']['message']['content'][0]['text']"


def test_gemini_style_filter_with_two_indexes() -> None:
    response = {"candidates": [{"content": {"parts": [{"text": "ok"}]}}]}
    assert read("$.candidates[0].content.parts[0].text", response) == "ok"


# -- definite paths: one value or PathNotFound --------------------------------------------------------------------

def test_a_missing_leaf_property_means_no_results() -> None:
    error = failure("$.shelf.globe", LIBRARY)
    assert (error.java_type, error.message) == (NOT_FOUND, "No results for path: $['shelf']['globe']")


def test_a_missing_intermediate_property_is_a_missing_property() -> None:
    error = failure("$.attic.box.lid", LIBRARY)
    assert (error.java_type, error.message) == (NOT_FOUND, "Missing property in path $['attic']")


def test_a_path_without_root_gets_one() -> None:
    assert read("shelf.lamp.colour", LIBRARY) == "green"
    assert failure("attic.box", LIBRARY).message == "Missing property in path $['attic']"


def test_property_of_a_string_names_its_java_class() -> None:
    assert failure("$.shelf.lamp.colour.shade", LIBRARY).message == (
        "Expected to find an object with property ['shade'] in path $['shelf']['lamp']['colour'] but found "
        f"'java.lang.String'. {SMART}")


@pytest.mark.parametrize(("value", "java_class"), [
    ([1], "net.minidev.json.JSONArray"), (True, "java.lang.Boolean"), (7, "java.lang.Integer"),
    (2 ** 40, "java.lang.Long"), (2 ** 70, "java.math.BigInteger"), (1.5, "java.lang.Double"),
])
def test_property_of_a_non_object_names_json_smarts_class(value: Any, java_class: str) -> None:
    assert failure("$.v.w", {"v": value}).message == (
        f"Expected to find an object with property ['w'] in path $['v'] but found '{java_class}'. {SMART}")


def test_property_of_null_says_null() -> None:
    assert failure("$.v.w", {"v": None}).message == (
        f"Expected to find an object with property ['w'] in path $['v'] but found 'null'. {SMART}")


def test_index_past_the_end_means_no_results() -> None:
    assert failure("$.shelf.books[3]", LIBRARY).message == "No results for path: $['shelf']['books'][3]"


def test_negative_index_counts_from_the_end() -> None:
    assert read("$.shelf.books[-1].name", LIBRARY) == "Glass Orchard"
    assert failure("$.shelf.books[-4]", LIBRARY).message == "No results for path: $['shelf']['books'][-4]"


def test_index_of_an_object_prints_it_as_a_java_map() -> None:
    assert failure("$.shelf.lamp[0]", LIBRARY).message == (
        "Filter: [0] can only be applied to arrays. Current context is: {colour=green, cost=30}")


def test_index_message_lists_the_rest_of_the_path() -> None:
    document = {"data": {"embedding": [1, 2], "tags": ["a/b"]}}
    assert failure("$.data[0].embedding", document).message == (
        "Filter: [0]['embedding'] can only be applied to arrays. "
        'Current context is: {embedding=[1,2], tags=["a\\/b"]}')


def test_index_of_null_says_the_path_is_null() -> None:
    assert failure("$.v[0]", {"v": None}).message == "The path $['v'] is null"


def test_bracket_notation_with_double_quotes_keeps_them_in_the_message() -> None:
    assert read('$["shelf"]["lamp"]', LIBRARY) == {"colour": "green", "cost": 30}
    assert failure('$["nope"]', LIBRARY).message == 'No results for path: $["nope"]'


def test_bracket_notation_reads_keys_dots_cannot() -> None:
    document = {"a.b": {"my key": 1, "it's": 2, "back\\slash": 3}}
    assert read("$['a.b']['my key']", document) == 1
    assert read("$['a.b']['it\\'s']", document) == 2
    assert read("$['a.b']['back\\\\slash']", document) == 3


def test_multi_property_at_the_leaf_merges_into_a_new_object() -> None:
    assert read("$.shelf.lamp['cost','colour','size']", LIBRARY) == {"cost": 30, "colour": "green"}
    assert compile_path("$.shelf.lamp['cost','colour']").is_definite


def test_multi_property_with_nothing_present_is_an_empty_object() -> None:
    assert read("$['x','y']", {"z": 1}) == {}


def test_multi_property_before_the_leaf_walks_each_present_one() -> None:
    document = {"a": {"v": 1}, "c": {"v": 3}}
    assert read("$['a','b','c'].v", document) == [1, 3]


def test_definite_path_returns_the_documents_own_object() -> None:
    assert read("$.shelf.lamp", LIBRARY) is LIBRARY["shelf"]["lamp"]


# -- indefinite paths: lists, absent branches skipped ---------------------------------------------------------------

def test_wildcard_on_an_array_and_a_property() -> None:
    assert read("$.shelf.books[*].writer", LIBRARY) == ["Ada Quill", "Bo Linden", "Cy Marsh"]


def test_wildcard_in_dot_notation_on_an_object() -> None:
    assert read("$.shelf.lamp.*", LIBRARY) == ["green", 30]


def test_absent_leaf_under_a_wildcard_is_skipped() -> None:
    assert read("$.shelf.books[*].code", LIBRARY) == ["978-1"]


def test_absent_intermediate_under_a_wildcard_is_skipped() -> None:
    assert read("$[*].a.b", [{"a": {"b": 1}}, {"c": 2}, 5]) == [1]


def test_several_indexes_in_the_order_given() -> None:
    assert read("$[2,0,2,7]", ["a", "b", "c"]) == ["c", "a", "c"]
    assert not compile_path("$[0,1]").is_definite


@pytest.mark.parametrize(("expression", "expected"), [
    ("$[1:3]", [1, 2]), ("$[:2]", [0, 1]), ("$[3:]", [3, 4]), ("$[-2:]", [3, 4]), ("$[:-3]", [0, 1]),
    ("$[2:99]", [2, 3, 4]), ("$[9:]", []), ("$[3:1]", []),
])
def test_slices(expression: str, expected: list[int]) -> None:
    assert read(expression, [0, 1, 2, 3, 4]) == expected


def test_slice_with_a_negative_end_and_positive_start_is_empty() -> None:
    # Jayway compares the start with the raw negative end.
    assert read("$[1:-1]", [0, 1, 2, 3]) == []


def test_slice_between_two_negatives_wraps_both() -> None:
    assert read("$[-3:-1]", [0, 1, 2, 3]) == [1, 2]


def test_slice_from_negative_to_positive_wraps_then_counts_up() -> None:
    assert read("$[-2:2]", ["a", "b", "c"]) == ["b", "c", "a", "b"]


def test_huge_slice_bounds_finish_at_once() -> None:
    assert read("$[-2147483648:2147483647]", [1, 2]) == [1, 2, 1, 2]


def test_slice_on_a_non_array_in_a_definite_prefix_is_refused() -> None:
    assert failure("$.a[0:1]", {"a": "text"}).message == (
        "Filter: [0:1] can only be applied to arrays. Current context is: text")


def test_deep_scan_finds_a_property_at_every_level_in_document_order() -> None:
    assert read("$..cost", LIBRARY) == [7.5, 14, 9.25, 30]


def test_deep_scan_with_a_property_path_after_it() -> None:
    document = {"x": {"k": {"v": 1}}, "y": {"k": 2}, "z": [{"k": {"v": 3}}]}
    assert read("$..k.v", document) == [1, 3]


def test_deep_scan_wildcard_lists_every_value_depth_first() -> None:
    assert read("$..*", {"a": {"b": 1}, "c": [2, {"d": 3}]}) == [{"b": 1}, [2, {"d": 3}], 1, 2, {"d": 3}, 3]


def test_deep_scan_index_reads_that_element_of_every_array() -> None:
    assert read("$..[0]", {"a": [1, [2, 3]], "b": {"c": [4]}}) == [1, 2, 4]


def test_deep_scan_index_then_leaf_keeps_only_that_index() -> None:
    # Element 1 of every array, the outer one first.
    document = [[{"who": "p"}, {"who": "q"}], {"who": "r"}]
    assert read("$..[1].who", document) == ["r", "q"]


def test_deep_scan_wildcard_then_leaf_over_arrays_finds_nothing() -> None:
    # Jayway 2.7+ drops every such leaf found through an array (its fix for "$..[2].author").
    assert read("$..[*].who", [{"who": "p"}, {"who": "q"}]) == []
    assert read("$..*.who", {"list": [{"who": "p"}]}) == []


def test_deep_scan_wildcard_then_leaf_over_objects_works() -> None:
    assert read("$..*.who", {"a": {"who": "p"}, "b": {"who": "q"}}) == ["p", "q"]


def test_deep_scan_remembers_the_last_array_index_across_reads() -> None:
    # The index lives on the cached compiled path: once an array was scanned, object leaves are dropped too.
    path = compile_path("$..*.who")
    assert path.read({"a": {"who": "p"}}) == ["p"]
    assert path.read({"list": [{"who": "q"}]}) == []
    assert path.read({"a": {"who": "p"}}) == []


def test_deep_scan_for_several_properties_needs_objects_having_them_all() -> None:
    document = [{"p": 1, "q": 2, "r": 3}, {"p": 4}, [{"q": 5, "p": 6}]]
    assert read("$..['p','q']", document) == [{"p": 1, "q": 2}, {"p": 6, "q": 5}]


def test_deep_scan_on_a_very_deep_document_does_not_recurse() -> None:
    document: dict[str, Any] = {}
    node = document
    for depth in range(3000):
        node["next"] = {"depth": depth}
        node = node["next"]
    assert read("$..depth", document) == list(range(3000))


def test_indefinite_paths_report_themselves() -> None:
    for expression in ("$..a", "$.a[*]", "$.a[?(@.b)]", "$.a[1:]", "$.*", "$['a','b'].c"):
        assert not compile_path(expression).is_definite, expression
    for expression in ("$", "$.a", "$.a[0].b", "$['a','b']", "$.a.length()", "$..a.length()"):
        assert compile_path(expression).is_definite, expression


def test_filter_on_a_primitive_in_a_definite_path_is_an_invalid_path() -> None:
    error = failure("$.v[?(@.x)].y", {"v": 3})
    assert type(error) is InvalidPath
    assert error.message == "Filter: [?]['y'] can not be applied to primitives. Current context is: 3"


# -- filters --------------------------------------------------------------------------------------------------------

def names(expression: str) -> list[str]:
    return read(expression, LIBRARY)


def test_filter_equality_with_a_string() -> None:
    assert names("$.shelf.books[?(@.genre == 'novel')].name") == ["The Long Ferry", "Glass Orchard"]
    assert names('$.shelf.books[?(@.genre != "novel")].name') == ["Salt Lines"]


def test_filter_number_comparisons() -> None:
    assert names("$.shelf.books[?(@.cost < 9.25)].name") == ["Salt Lines"]
    assert names("$.shelf.books[?(@.cost <= 9.25)].name") == ["Salt Lines", "Glass Orchard"]
    assert names("$.shelf.books[?(@.cost > 9.25)].name") == ["The Long Ferry"]
    assert names("$.shelf.books[?(@.cost >= 14)].name") == ["The Long Ferry"]


def test_numbers_compare_by_value_whatever_their_notation() -> None:
    assert read("$[?(@ == 1)]", [1, 1.0, "1", 1e0, 2]) == [1, 1.0, "1", 1e0]
    assert read("$[?(@ == 1.50)]", [1.5, 15e-1]) == [1.5, 1.5]


def test_a_number_equals_a_string_holding_the_same_value() -> None:
    assert read("$[?(@.v == '7')].v", [{"v": 7}, {"v": "7"}, {"v": 7.0}, {"v": "7.0"}]) == [7, "7", 7.0]


def test_a_string_equals_a_number_only_with_the_same_text() -> None:
    # The other way round Jayway compares the number's text: 7.0 prints as "7.0".
    assert read("$[?('7' == @.v)].v", [{"v": 7}, {"v": "7"}, {"v": 7.0}]) == [7, "7"]


def test_ordering_mixes_of_strings_and_numbers_never_match() -> None:
    assert read("$[?(@ < '5')]", [1, "1", "6"]) == ["1"]


def test_strings_order_by_utf16_code_units() -> None:
    # U+FFFD sorts after the surrogate pair of U+1F600 in Java, not before it.
    assert read("$[?(@ > '\U0001F600')]", ["\ufffd", "a"]) == ["\ufffd"]


def test_filter_against_a_value_of_the_root_document() -> None:
    assert names("$.shelf.books[?(@.cost < $.budget)].name") == ["Salt Lines", "Glass Orchard"]


def test_filter_and_binds_tighter_than_or() -> None:
    expression = "$.shelf.books[?(@.genre == 'poetry' || @.genre == 'novel' && @.cost > 10)].name"
    assert names(expression) == ["Salt Lines", "The Long Ferry"]


def test_filter_parentheses_group() -> None:
    expression = "$.shelf.books[?((@.genre == 'poetry' || @.genre == 'novel') && @.cost > 10)].name"
    assert names(expression) == ["The Long Ferry"]


def test_filter_existence_and_its_negation() -> None:
    assert names("$.shelf.books[?(@.code)].name") == ["Glass Orchard"]
    assert names("$.shelf.books[?(!@.code)].name") == ["Salt Lines", "The Long Ferry"]


def test_existence_counts_a_null_value_as_present() -> None:
    assert read("$[?(@.v)]", [{"v": None}, {}]) == [{"v": None}]


def test_filter_regex_is_a_whole_match_with_java_flags() -> None:
    assert names("$.shelf.books[?(@.writer =~ /.*lin.*/)].name") == []
    assert names("$.shelf.books[?(@.writer =~ /.*lin.*/i)].name") == ["The Long Ferry"]
    assert names("$.shelf.books[?(@.writer =~ /Cy/)].name") == []


def test_regex_may_stand_on_the_left() -> None:
    assert names("$.shelf.books[?(/Salt.*/ =~ @.name)].writer") == ["Ada Quill"]


def test_regex_against_a_number_matches_its_decimal_text() -> None:
    assert read("$[?(@ =~ /1\\.0E\\+20/)]", [1e20, 5]) == [1e20]


def test_regex_against_a_missing_value_matches_the_empty_string() -> None:
    assert read("$[?(@.v =~ /x*/)]", [{"v": "xx"}, {}, {"v": "y"}]) == [{"v": "xx"}, {}]


def test_a_missing_root_value_equals_nothing() -> None:
    assert read("$.items[?(@ == $.limit)]", {"items": [None, 1]}) == []


def test_regex_against_an_array_matches_any_element() -> None:
    assert read("$[?(@.tags =~ /b.*/)].id", [{"id": 1, "tags": ["a", "bc"]}, {"id": 2, "tags": ["x"]}]) == [1]


def test_regex_dot_stops_at_every_java_line_terminator() -> None:
    assert read("$[?(@ =~ /a.b/)]", ["a\rb", "a\u2028b", "a-b"]) == ["a-b"]
    assert read("$[?(@ =~ /a.b/s)]", ["a\rb"]) == ["a\rb"]


def test_regex_case_folding_is_ascii_unless_unicode_case_is_asked() -> None:
    assert read("$[?(@ =~ /é/i)]", ["É"]) == []
    assert read("$[?(@ =~ /é/iu)]", ["É"]) == ["É"]


def test_regex_java_only_syntax_is_understood() -> None:
    assert read("$[?(@ =~ /(?<w>o)\\k<w>\\p{Alpha}*/)]", ["oops", "ox"]) == ["oops"]
    assert read("$[?(@ =~ /\\Qa.b\\E/)]", ["a.b", "axb"]) == ["a.b"]


def test_in_and_nin_take_a_json_list_with_single_quotes() -> None:
    assert names("$.shelf.books[?(@.writer in ['Bo Linden', 'Cy Marsh'])].cost") == [14, 9.25]
    assert names("$.shelf.books[?(@.writer nin ['Bo Linden', 'Cy Marsh'])].cost") == [7.5]


def test_in_list_elements_are_read_permissively() -> None:
    assert read("$[?(@ in [ab, 2, true])]", ["ab", 2, True, "true"]) == ["ab", 2, True]


def test_in_against_a_non_list_matches_nothing() -> None:
    assert read("$[?(@ in {'a': 1})]", ["a", 1]) == []


def test_in_list_string_that_looks_like_a_path_never_matches() -> None:
    assert read("$[?(@ in ['$.x', 'y'])]", ["$.x", "y"]) == ["y"]


def test_json_equality_compares_java_values() -> None:
    document = [{"v": [1, 2]}, {"v": [1.0, 2]}, {"v": {"k": "x"}}]
    assert read("$[?(@.v == [1,2])]", document) == [{"v": [1, 2]}]
    assert read("$[?(@.v == {'k':'x'})]", document) == [{"v": {"k": "x"}}]


def test_json_literal_on_the_left_never_equals() -> None:
    assert read("$[?([1,2] == @.v)]", [{"v": [1, 2]}]) == []


def test_size_of_strings_and_arrays() -> None:
    assert read("$[?(@.v size 2)].v", [{"v": "ab"}, {"v": [1, 2]}, {"v": "abc"}, {"v": 12}]) == ["ab", [1, 2]]


def test_size_counts_utf16_units() -> None:
    assert read("$[?(@ size 2)]", ["\U0001F600", "ab", "c"]) == ["\U0001F600", "ab"]


def test_empty_operator() -> None:
    document = [{"v": ""}, {"v": []}, {"v": {}}, {"v": "x"}, {"v": [0]}]
    assert read("$[?(@.v empty true)].v", document) == ["", [], {}]
    assert read("$[?(@.v empty false)].v", document) == ["x", [0]]


def test_contains_for_strings_and_arrays() -> None:
    assert read("$[?(@.v contains 'b')].v", [{"v": "abc"}, {"v": ["b"]}, {"v": ["abc"]}]) == ["abc", ["b"]]


def test_subsetof_anyof_noneof() -> None:
    document = [{"t": ["a"]}, {"t": ["a", "z"]}, {"t": ["q"]}]
    assert read("$[?(@.t subsetof ['a','b'])].t", document) == [["a"]]
    assert read("$[?(@.t anyof ['z','q'])].t", document) == [["a", "z"], ["q"]]
    assert read("$[?(@.t noneof ['z','q'])].t", document) == [["a"]]


def test_all_operator_never_matches_from_a_path_string() -> None:
    assert read("$[?(@.t all ['a'])]", [{"t": ["a"]}]) == []


def test_type_safe_equality_distinguishes_strings_from_numbers() -> None:
    assert read("$[?(@ === 5)]", [5, "5"]) == [5]
    assert read("$[?(@ !== 5)]", [5, "5"]) == ["5"]


def test_operators_are_case_insensitive() -> None:
    assert read("$[?(@ IN [1])]", [1, 2]) == [1]


def test_filter_applied_to_an_object_tests_the_object_itself() -> None:
    assert read("$.shelf.lamp[?(@.cost > 1)].colour", LIBRARY) == ["green"]


def test_filter_with_a_function_inside() -> None:
    document = [{"v": [1, 2, 3]}, {"v": [1]}]
    assert read("$[?(@.v.length() > 2)].v", document) == [[1, 2, 3]]


def test_unusable_operands_reject_the_item_instead_of_failing() -> None:
    assert read("$[?(@.v.w == 1)]", [{"v": "s"}, {"v": {"w": 1}}]) == [{"v": {"w": 1}}]
    assert read("$[?(@.v empty 1)]", [{"v": ""}]) == []


def test_malformed_json_literal_fails_the_read() -> None:
    error = failure("$[?(@ in {a:})]", ["x"])
    assert error.java_type == "java.lang.IllegalArgumentException"
    assert error.message == "net.minidev.json.parser.ParseException: Unexpected character (}) at position 3."


def test_exists_between_two_non_booleans_fails_the_read() -> None:
    error = failure("$[?(@.a exists @.b)]", [{"a": 1, "b": 2}])
    assert (error.java_type, error.message) == (JSON_PATH, "Failed to evaluate exists expression")


# -- functions --------------------------------------------------------------------------------------------------------

def test_length_of_arrays_and_objects() -> None:
    assert read("$.shelf.books.length()", LIBRARY) == 3
    assert read("$.shelf.lamp.size()", LIBRARY) == 2


def test_length_of_a_string_is_null() -> None:
    assert read("$.shelf.lamp.colour.length()", LIBRARY) is None


def test_deep_scan_then_aggregate_is_applied_to_all_matches() -> None:
    assert read("$..cost.sum()", LIBRARY) == 60.75


def test_deep_scan_then_length_counts_the_children_of_the_matches() -> None:
    # Jayway appends a wildcard to the scanned path: it counts what is inside each match, not the matches.
    assert read("$..books.length()", LIBRARY) == 3
    assert read("$..cost.length()", LIBRARY) == 0


def test_numeric_aggregates_are_doubles() -> None:
    document = {"n": [4, 1, 7, "x", 2.5]}
    assert read("$.n.sum()", document) == 14.5
    assert read("$.n.avg()", document) == 3.625
    assert read("$.n.min()", document) == 1.0
    assert read("$.n.max()", document) == 7.0
    assert read("$.n.stddev()", {"n": [2, 4, 4, 4, 5, 5, 7, 9]}) == 2.0


def test_max_of_negative_numbers_is_the_smallest_positive_double() -> None:
    assert read("$.n.max()", {"n": [-3, -1]}) == 5e-324


def test_aggregate_of_nothing_is_a_json_path_exception() -> None:
    error = failure("$.n.avg()", {"n": []})
    assert type(error) is JsonPathError
    assert (error.java_type, error.message) == (
        JSON_PATH, "Aggregation function attempted to calculate value using empty array")


def test_function_arguments_json_and_paths() -> None:
    assert read("$.sum(1, 2.5, $.n[*])", {"n": [10, 20]}) == 33.5
    assert read("$.n.concat('ignored', \"-\", 5)", {"n": ["a", 1, "b"]}) == "ab-5"


def test_keys_of_an_object_in_document_order() -> None:
    assert read("$.shelf.keys()", LIBRARY) == ["books", "lamp"]


def test_first_last_and_index() -> None:
    document = {"n": ["p", "q", "r"]}
    assert read("$.n.first()", document) == "p"
    assert read("$.n.last()", document) == "r"
    assert read("$.n.index(1)", document) == "q"
    assert read("$.n.index(-2)", document) == "q"


def test_last_of_a_single_element_list_fails() -> None:
    assert failure("$.n.last()", {"n": ["only"]}).message == "Target index:-1 larger than object count:1"


def test_first_of_an_empty_list_under_an_index_is_swallowed() -> None:
    # The IndexOutOfBoundsException is caught by the array index token above the function.
    assert failure("$.n[0].first()", {"n": [[]]}).message == "No results for path: $['n'][0].first()"
    error = failure("$.n.first()", {"n": []})
    assert (error.java_type, error.message) == (
        "java.lang.IndexOutOfBoundsException", "Index 0 out of bounds for length 0")


def test_keys_is_a_key_set_not_an_array_inside_the_path() -> None:
    document = {"m": {"x": 1, "y": 2}, "items": [{"k": 1}]}
    assert read("$.concat($.m.keys())", document) == "[x, y]"
    error = failure("$.items[?(@.keys() == 1)]", document)
    assert (error.java_type, error.message) == (
        JSON_PATH, "Could not convert class java.util.LinkedHashMap$LinkedKeySet:[k] to a ValueNode")


def test_more_path_after_a_function_reads_the_parenthesis_as_a_property() -> None:
    assert str(compile_path("$.m.length().x")) == "$['m'].length()[')']['x']"
    assert failure("$.m.length().x", {"m": {"a": 1}}).message == (
        f"Expected to find an object with property [')'] in path $['m'] but found 'java.lang.Integer'. {SMART}")


def test_unknown_function_compiles_but_fails_on_read() -> None:
    path = compile_path("$.a.shout()")
    with pytest.raises(InvalidPath) as caught:
        path.read({"a": 1})
    assert caught.value.message == "Function with name: shout does not exist."


def test_function_argument_path_that_finds_nothing_fails_the_read() -> None:
    assert failure("$.sum($.missing)", {"n": 1}).message == "No results for path: $['missing']"


def test_function_with_a_wildcard_argument_loses_it_after_the_first_read() -> None:
    # Jayway unlinks the first wildcard of a function's first argument after evaluating it; its
    # compiled paths are cached, so the same filter read a second time sums nothing.
    document = {"a": [{"b": 1}, {"b": 2}]}
    path = compile_path("$.sum($.a[*].b)")
    assert path.read(document) == 3.0
    with pytest.raises(JsonPathError) as caught:
        path.read(document)
    assert caught.value.message == "Aggregation function attempted to calculate value using empty array"


def test_append_adds_to_the_documents_own_list() -> None:
    document = {"n": [1]}
    assert read('$.n.append(2, "x", {"k": [true]})', document) == [1, 2, "x", {"k": [True]}]
    assert document == {"n": [1, 2, "x", {"k": [True]}]}


def test_single_quoted_function_arguments_are_ignored() -> None:
    assert read("$.n.append('x', 3)", {"n": []}) == [3]


# -- invalid paths ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "message"), [
    ("$.", "Path must not end with a '.' or '..'"),
    ("$.a..", "Path must not end with a '.' or '..'"),
    ("$x", "Illegal character at position 1 expected '.' or '['"),
    ("$...a", "Character '.' on position 3 is not valid."),
    ("$.a b", "Use bracket notion ['my prop'] if your property contains blank characters. position: 2"),
    ("$[x]", "Could not parse token starting at position 1. Expected ?, ', 0-9, * "),
    ("$.a[ ]", "Could not parse token starting at position 3. Expected ?, ', 0-9, * "),
    ("$[", "java.lang.StringIndexOutOfBoundsException: Index 2 out of bounds for length 2"),
    ("$['a'", "Property must be separated by comma or Property must be terminated close square bracket at index 4"),
    ("$['a", "Property has not been closed - missing closing '"),
    ("$['a',]", "Found empty property at index 6"),
    ("$['a','']", None),
    ("$[1,,2]", "Failed to parse token in ArrayIndexOperation: "),
    ("$[1 2]", "Failed to parse token in ArrayIndexOperation: 1 2"),
    ("$[99999999999]", "Failed to parse token in ArrayIndexOperation: 99999999999"),
    ("$[1-:]", 'java.lang.NumberFormatException: For input string: "1-"'),
    ("$[1 :2]", "Failed to parse SliceOperation: 1 :2"),
    ("$[::]", "Failed to parse SliceOperation: ::"),
    ("$[*x]", "Expected wildcard token to end with ']' on position 3"),
    ("$[?]", "Not enough predicates supplied for filter [?] at position 1"),
    ("$.a(", "Arguments to function: 'a' are not closed properly."),
    ("$.f(1})", "Unexpected close brace '}' at character position: 6"),
    ("$['\\uzzzz']", "com.jayway.jsonpath.JsonPathException: Unable to parse unicode value: zzzz"),
])
def test_compile_errors(expression: str, message: str | None) -> None:
    if message is None:
        compile_path(expression)
        return
    error = failure(expression)
    assert (error.java_type, error.message) == (INVALID, message)


@pytest.mark.parametrize(("expression", "message"), [
    ("$[?(@.a == x)]", "Failed to parse filter: [?(@.a == x)], error on position: 10, char: x"),
    ("$[?(@.a == 1e)]", "Failed to parse filter: [?(@.a == 1e)], error on position: 12, char: )"),
    ("$[?(@.a =~ /(/)]", "Failed to parse filter: [?(@.a =~ /(/)], error on position: 13, char: )"),
    ("$[?(@.a) x]", "Could not parse token starting at position 1. Expected ?, ', 0-9, * "),
    ("$[?(@.a ** 1)]", "Expected character: )"),
    ("$[?(!1)]", "Expected path node"),
    ("$[?(@.a == 'x)]", "Could not find matching close quote for ' when parsing : $[?(@.a == 'x)]"),
    ("$[?(@.a @.b)]", "Expected character: )"),
    ("$[?(@.a || )]", "Failed to parse filter: [?(@.a || )], error on position: 10, char: )"),
    ("$[?(@.a.)]", "Path must not end with a '.' or '..'"),
    ("$[?(@.a == @.)]", "Expected character: )"),
])
def test_filter_compile_errors(expression: str, message: str) -> None:
    error = failure(expression)
    assert (error.java_type, error.message) == (INVALID, message)


def test_positions_count_utf16_code_units() -> None:
    assert failure("$['\U0001F600'").message == (
        "Property must be separated by comma or Property must be terminated close square bracket at index 5")
    assert read("$['\U0001F600']", {"\U0001F600": 1}) == 1


def test_empty_expression_is_an_illegal_argument() -> None:
    error = failure("")
    assert (error.java_type, error.message) == ("java.lang.IllegalArgumentException", "path can not be null or empty")


def test_blank_expression_is_a_path_ending_with_a_dot() -> None:
    assert failure("   ").message == "Path must not end with a '.' or '..'"


def test_null_document_is_an_illegal_argument() -> None:
    with pytest.raises(JsonPathError) as caught:
        compile_path("$").read(None)
    assert (caught.value.java_type, caught.value.message) == (
        "java.lang.IllegalArgumentException", "json can not be null")


def test_not_found_is_an_invalid_path_as_in_java() -> None:
    assert issubclass(PathNotFound, InvalidPath)
    assert issubclass(InvalidPath, JsonPathError)


def test_compiled_paths_print_normalised() -> None:
    assert str(compile_path("a.b[0][ 1 , 2 ]['c' , 'd']..*[?(@.x)].length()")) == (
        "$['a']['b'][0][1,2]['c','d']..[*][?].length()")


def test_mixed_quotes_in_one_bracket_leave_an_empty_property() -> None:
    assert failure("$['c', \"d\"]").message == "Found empty property at index 10"


def test_compile_is_cached() -> None:
    assert compile_path("$.a.b") is compile_path("$.a.b")


# -- properties ---------------------------------------------------------------------------------------------------

KEYS = st.text(max_size=6)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=20,
)


def _bracket(key: str) -> str:
    return "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']"


@st.composite
def document_and_existing_path(draw: st.DrawFn) -> tuple[Any, str, Any]:
    document = draw(JSON.filter(lambda value: value is not None))
    node, path = document, "$"
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        if isinstance(node, dict):
            key = draw(st.sampled_from(sorted(node)))
            node, path = node[key], path + _bracket(key)
        else:
            index = draw(st.integers(0, len(node) - 1))
            if draw(st.booleans()):
                node, path = node[index], f"{path}[{index}]"
            else:
                node, path = node[index], f"{path}[{index - len(node)}]"
    return document, path, node


@given(document_and_existing_path())
@settings(max_examples=300)
def test_a_definite_path_to_an_existing_value_returns_it(case: tuple[Any, str, Any]) -> None:
    document, path, expected = case
    assert compile_path(path).read(document) is expected


@given(JSON)
def test_root_returns_the_document(document: Any) -> None:
    if document is None:
        return
    assert compile_path("$").read(document) is document


def _all_keys(value: Any) -> list[str]:
    pending, keys = [value], []
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            keys.extend(node)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return sorted(set(keys))


@st.composite
def document_and_path_from_its_keys(draw: st.DrawFn) -> tuple[Any, str]:
    document = draw(JSON.filter(lambda value: value is not None))
    keys = _all_keys(document) or ["k"]
    steps = []
    for _ in range(draw(st.integers(0, 5))):
        key = draw(st.sampled_from(keys))
        steps.append(draw(st.sampled_from([
            _bracket(key), ".." + _bracket(key), "[*]", ".*", "..*", f"[?(@{_bracket(key)})]", "[0]", "[-1:]",
            f"[?(@{_bracket(key)} != null)]",
        ])))
    return document, "$" + "".join(steps)


@given(document_and_path_from_its_keys())
@settings(max_examples=300)
def test_paths_built_from_a_documents_keys_read_or_fail_with_json_path_errors(case: tuple[Any, str]) -> None:
    document, expression = case
    path = compile_path(expression)
    try:
        result = path.read(document)
    except JsonPathError as error:
        assert isinstance(error, InvalidPath)
        return
    if not path.is_definite:
        assert isinstance(result, list)


STEPS = st.sampled_from([".a", ".b", "..a", "[0]", "[-1]", "[*]", ".*", "[1:]", "[:1]", "[0,1]", "['a','b']",
                         "[?(@.a)]", "[?(@ > 1)]", "[?(@.a == 'x')]", "[?(@.b in [1, 'x'])]", ".length()", ".keys()",
                         "[?(@ =~ /x.*/i)]", "[?(!@.a || @.b < $.a)]"])


@given(JSON, st.lists(STEPS, max_size=5))
@settings(max_examples=300)
def test_reading_any_path_of_known_parts_fails_only_with_json_path_errors(document: Any, steps: list[str]) -> None:
    path = compile_path("$" + "".join(steps))
    try:
        path.read(copy.deepcopy(document) if document is not None else {})
    except JsonPathError:
        pass


JUNK = st.text(alphabet="$@.[]()?*'\"=<>!~&|,:-0123456789ab /\\{}ie\t\U0001F600", max_size=24)


@given(JUNK, JSON)
@settings(max_examples=500)
def test_any_text_compiles_or_is_invalid_and_reads_without_crashing(expression: str, document: Any) -> None:
    try:
        path = compile_path(expression)
    except JsonPathError as error:
        assert isinstance(error, InvalidPath) or error.java_type == "java.lang.IllegalArgumentException"
        return
    try:
        path.read(document if document is not None else [])
    except JsonPathError:
        pass


@given(st.lists(st.integers(-5, 5), max_size=8), st.integers(0, 10), st.integers(0, 10))
def test_non_negative_slices_match_python_slices(values: list[int], start: int, stop: int) -> None:
    assert compile_path(f"$[{start}:{stop}]").read(values) == values[start:stop]
    assert compile_path(f"$[:{stop}]").read(values) == values[:stop]


@given(st.lists(st.integers(-5, 5), max_size=8), st.integers(-10, 10))
def test_open_ended_slices_match_python_slices(values: list[int], start: int) -> None:
    assert compile_path(f"$[{start}:]").read(values) == values[start:]


@given(st.lists(st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6)), max_size=8), st.integers(-1000, 1000))
def test_number_filters_compare_exact_values(values: list[float], bound: int) -> None:
    assert compile_path(f"$[?(@ > {bound})]").read(values) == [v for v in values if Decimal(repr(v)) > bound]
    assert compile_path(f"$[?(@ == {bound})]").read(values) == [v for v in values if v == bound]


def test_documents_from_json_loads_work_end_to_end() -> None:
    body = json.loads('{"outputs": [{"text": "a"}, {"text": "b"}], "n": 2}')
    assert read("$.outputs[*].text", body) == ["a", "b"]
