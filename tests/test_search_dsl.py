"""The search DSL (``emulator.domain.search``): responses, query semantics and OpenSearch-shaped errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.domain.search import TEXT_FIELDS, analyze, calculate_min_should_match, filter_source, run_search
from emulator.domain.store import Document
from emulator.errors import OpenSearchError

INDEX = ".plugins-ml-model"

DOCS = [
    Document("m1", {
        "name": "Bedrock Claude", "description": "Chat model for support", "model_state": "DEPLOYED",
        "algorithm": "REMOTE", "model_group_id": "g1", "created_time": 1700000000000,
        "connector": {"protocol": "aws_sigv4", "credential": {"access_key": "x"}}, "backend_roles": ["admin", "ops"],
        "is_enabled": True, "rate": 5,
    }, version=2, seq_no=3, primary_term=1),
    Document("m2", {
        "name": "OpenAI embeddings", "description": "text-embedding-ada", "model_state": "REGISTERED",
        "algorithm": "REMOTE", "model_group_id": "g2", "created_time": 1600000000000, "backend_roles": [],
        "is_enabled": False, "rate": 1.5,
    }, version=1, seq_no=4, primary_term=1),
    Document("m3", {
        "name": "local kmeans", "model_state": "DEPLOYED", "algorithm": "KMEANS",
        "created_time": "2024-01-02T03:04:05Z", "rate": "7", "owner": {"name": "bob", "backend_roles": None},
    }, version=1, seq_no=5, primary_term=1),
]
BY_ID = {doc.id: doc for doc in DOCS}
SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}


def search(body: Any, docs: list[Document] | None = None, **kwargs: Any) -> dict[str, Any]:
    response = run_search(INDEX, DOCS if docs is None else docs, copy.deepcopy(body), **kwargs)
    assert isinstance(response.pop("took"), int)
    return response


def error(body: Any, docs: list[Document] | None = None, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(OpenSearchError) as caught:
        run_search(INDEX, DOCS if docs is None else docs, copy.deepcopy(body), **kwargs)
    return caught.value.status, caught.value.to_body()["error"]


def hit(doc_id: str, score: float | None = 1.0, source: Any = ..., sort: list[Any] | None = None) -> dict[str, Any]:
    doc = BY_ID[doc_id]
    out: dict[str, Any] = {
        "_index": INDEX, "_id": doc.id, "_version": doc.version, "_seq_no": doc.seq_no,
        "_primary_term": doc.primary_term, "_score": score,
    }
    if source is not None:
        out["_source"] = doc.source if source is ... else source
    if sort is not None:
        out["sort"] = sort
    return out


def envelope(hits: list[dict[str, Any]], total: int | None = None, max_score: float | None = ...,
             relation: str = "eq") -> dict[str, Any]:
    if max_score is ...:
        scores = [h["_score"] for h in hits if h["_score"] is not None]
        max_score = max(scores) if scores else None
    section: dict[str, Any] = {}
    section["total"] = {"value": len(hits) if total is None else total, "relation": relation}
    section["max_score"] = max_score
    section["hits"] = hits
    return {"timed_out": False, "_shards": SHARDS, "hits": section}


def ids(body: Any, **kwargs: Any) -> list[str]:
    return [h["_id"] for h in search(body, **kwargs)["hits"]["hits"]]


def parsing(reason: str, line: int, col: int) -> dict[str, Any]:
    fragment = {"type": "parsing_exception", "reason": reason, "line": line, "col": col}
    return {"root_cause": [fragment], **fragment}


def illegal(reason: str) -> dict[str, Any]:
    fragment = {"type": "illegal_argument_exception", "reason": reason}
    return {"root_cause": [fragment], **fragment}


# -- the response envelope ----------------------------------------------------------------------------------------


def test_no_body_returns_every_document_in_index_order() -> None:
    assert search(None) == envelope([hit("m1"), hit("m2"), hit("m3")])


def test_empty_body_is_match_all() -> None:
    assert search({}) == search(None)


def test_missing_index_returns_the_plugins_empty_response() -> None:
    response = run_search(INDEX, [], {"query": {"term": {"name": "x"}}, "sort": ["name"]}, index_exists=False)
    assert response == {
        "took": 0, "timed_out": False, "_shards": {"total": 0, "successful": 0, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": 0.0, "hits": []},
    }


def test_missing_index_still_reports_request_parse_errors() -> None:
    assert error({"query": {"bogus": {}}}, index_exists=False)[0] == 400
    assert error({"from": -1}, index_exists=False)[0] == 400


def test_empty_result_on_existing_index_has_null_max_score() -> None:
    assert search({"query": {"term": {"model_state": "NOPE"}}}) == envelope([], max_score=None)
    assert search(None, docs=[]) == envelope([], max_score=None)


def test_size_zero_counts_without_hits_and_null_max_score() -> None:
    assert search({"size": 0}) == envelope([], total=3, max_score=None)


def test_version_and_seq_no_are_always_reported() -> None:
    body = {"version": False, "seq_no_primary_term": False, "query": {"ids": {"values": ["m1"]}}}
    assert search(body)["hits"]["hits"] == [hit("m1")]


# -- leaf queries -------------------------------------------------------------------------------------------------


def test_match_all_honours_boost() -> None:
    assert search({"query": {"match_all": {"boost": 2.5}}}) == envelope(
        [hit("m1", 2.5), hit("m2", 2.5), hit("m3", 2.5)])


def test_match_none_matches_nothing() -> None:
    assert search({"query": {"match_none": {}}}) == envelope([], max_score=None)


def test_term_on_keyword_field_is_exact_and_case_sensitive() -> None:
    assert ids({"query": {"term": {"model_state": "DEPLOYED"}}}) == ["m1", "m3"]
    assert ids({"query": {"term": {"model_state": "deployed"}}}) == []


def test_term_case_insensitive_option() -> None:
    body = {"query": {"term": {"model_state": {"value": "deployed", "case_insensitive": True}}}}
    assert ids(body) == ["m1", "m3"]


def test_term_on_text_field_matches_analysed_tokens_not_the_raw_value() -> None:
    assert ids({"query": {"term": {"name": "claude"}}}) == ["m1"]
    assert ids({"query": {"term": {"name": "Claude"}}}) == []
    assert ids({"query": {"term": {"name": "Bedrock Claude"}}}) == []


def test_term_on_keyword_subfield_matches_the_whole_value() -> None:
    assert ids({"query": {"term": {"name.keyword": "Bedrock Claude"}}}) == ["m1"]
    assert ids({"query": {"term": {"name.keyword": "claude"}}}) == []


def test_term_object_form_with_boost_scores_the_boost() -> None:
    assert search({"query": {"term": {"algorithm": {"value": "KMEANS", "boost": 3}}}}) == envelope([hit("m3", 3.0)])


def test_term_booleans_and_numbers_match_across_json_types() -> None:
    assert ids({"query": {"term": {"is_enabled": True}}}) == ["m1"]
    assert ids({"query": {"term": {"is_enabled": "true"}}}) == ["m1"]
    assert ids({"query": {"term": {"rate": 5}}}) == ["m1"]
    assert ids({"query": {"term": {"rate": "5"}}}) == ["m1"]
    assert ids({"query": {"term": {"rate": 5.0}}}) == ["m1"]
    assert ids({"query": {"term": {"rate": 7}}}) == ["m3"]  # a keyword "7" is the term "7"


def test_term_multi_valued_field_matches_any_element() -> None:
    assert ids({"query": {"term": {"backend_roles": "ops"}}}) == ["m1"]


def test_terms_matches_any_of_the_values() -> None:
    assert ids({"query": {"terms": {"model_group_id": ["g2", "g1", "nope"]}}}) == ["m1", "m2"]
    assert ids({"query": {"terms": {"model_group_id": []}}}) == []


def test_terms_lookup_is_refused() -> None:
    status, body = error({"query": {"terms": {"model_id": {"index": "i", "id": "1", "path": "p"}}}})
    assert (status, body) == (400, illegal("[terms] lookup is not supported by the ML Commons emulator"))


def test_ids_matches_document_ids() -> None:
    assert ids({"query": {"ids": {"values": ["m3", "m1", "zz"]}}}) == ["m1", "m3"]


def test_match_on_text_field_or_by_default_and_with_operator_and() -> None:
    assert ids({"query": {"match": {"name": "claude KMEANS"}}}) == ["m1", "m3"]
    assert ids({"query": {"match": {"name": {"query": "claude bedrock", "operator": "and"}}}}) == ["m1"]
    assert ids({"query": {"match": {"name": {"query": "claude kmeans", "operator": "AND"}}}}) == []


def test_match_on_keyword_field_needs_the_whole_value() -> None:
    assert ids({"query": {"match": {"model_state": "DEPLOYED"}}}) == ["m1", "m3"]
    assert ids({"query": {"match": {"model_state": "deployed"}}}) == []
    assert ids({"query": {"match": {"name.keyword": "local kmeans"}}}) == ["m3"]


def test_match_minimum_should_match() -> None:
    body = {"query": {"match": {"description": {"query": "chat support ada", "minimum_should_match": 2}}}}
    assert ids(body) == ["m1"]
    body["query"]["match"]["description"]["minimum_should_match"] = "34%"
    assert ids(body) == ["m1", "m2"]


def test_match_zero_terms_query() -> None:
    assert ids({"query": {"match": {"name": "!!!"}}}) == []
    assert ids({"query": {"match": {"name": {"query": "!!!", "zero_terms_query": "all"}}}}) == ["m1", "m2", "m3"]


def test_match_phrase_needs_contiguous_tokens() -> None:
    assert ids({"query": {"match_phrase": {"description": "model for support"}}}) == ["m1"]
    assert ids({"query": {"match_phrase": {"description": "support for"}}}) == []
    assert ids({"query": {"match_phrase": {"description": {"query": "embedding ADA"}}}}) == ["m2"]


def test_exists_needs_a_non_null_value() -> None:
    assert ids({"query": {"exists": {"field": "description"}}}) == ["m1", "m2"]
    assert ids({"query": {"exists": {"field": "backend_roles"}}}) == ["m1"]  # [] and null do not exist
    assert ids({"query": {"exists": {"field": "connector"}}}) == ["m1"]  # an object with a value inside
    assert ids({"query": {"exists": {"field": "owner.backend_roles"}}}) == []
    assert ids({"query": {"exists": {"field": "connector.*"}}}) == ["m1"]


def test_range_on_numbers_strings_and_bounds() -> None:
    assert ids({"query": {"range": {"rate": {"gt": 1.5}}}}) == ["m1", "m3"]  # the keyword "7" sorts after "1.5"
    assert ids({"query": {"range": {"rate": {"gte": 1.5, "lt": 5}}}}) == ["m2"]
    assert ids({"query": {"range": {"rate": {"from": 1.5, "to": 5, "include_upper": False}}}}) == ["m2"]
    assert ids({"query": {"range": {"model_state": {"gte": "DEPLOYED", "lt": "E"}}}}) == ["m1", "m3"]
    assert ids({"query": {"range": {"rate": {"lte": "5"}}}}) == ["m1", "m2"]  # "7" is a keyword: "7" > "5"


def test_range_on_date_fields_with_epoch_millis_iso_and_date_math() -> None:
    assert ids({"query": {"range": {"created_time": {"gte": 1650000000000}}}}) == ["m1", "m3"]
    assert ids({"query": {"range": {"created_time": {"gte": "2024-01-01"}}}}) == ["m3"]
    assert ids({"query": {"range": {"created_time": {"lte": "2024-01-02"}}}}) == ["m1", "m2", "m3"]  # rounds up
    assert ids({"query": {"range": {"created_time": {"lt": "2024-01-02"}}}}) == ["m1", "m2"]
    assert ids({"query": {"range": {"created_time": {"gt": "2023-11-14||/d"}}}}) == ["m3"]
    assert ids({"query": {"range": {"created_time": {"lte": "now-1d/d"}}}}) == ["m1", "m2", "m3"]


def test_prefix_on_keyword_and_text_fields() -> None:
    assert ids({"query": {"prefix": {"algorithm": "REM"}}}) == ["m1", "m2"]
    assert ids({"query": {"prefix": {"algorithm": {"value": "rem", "case_insensitive": True}}}}) == ["m1", "m2"]
    assert ids({"query": {"prefix": {"name": "kme"}}}) == ["m3"]  # a token of the text field
    assert ids({"query": {"prefix": {"name.keyword": "local k"}}}) == ["m3"]


def test_wildcard_star_and_question_mark() -> None:
    assert ids({"query": {"wildcard": {"model_state": "DEP*D"}}}) == ["m1", "m3"]
    assert ids({"query": {"wildcard": {"model_group_id": {"value": "g?"}}}}) == ["m1", "m2"]


def test_dotted_field_paths_reach_nested_objects() -> None:
    assert ids({"query": {"term": {"connector.protocol": "aws_sigv4"}}}) == ["m1"]
    assert ids({"query": {"term": {"owner.name": "bob"}}}) == ["m3"]


def test_field_paths_through_arrays_of_objects_and_dotted_keys() -> None:
    docs = [Document("a", {"tools": [{"type": "x"}, {"type": "y"}]}), Document("b", {"tools.type": "y"})]
    assert [h["_id"] for h in search({"query": {"term": {"tools.type": "y"}}}, docs=docs)["hits"]["hits"]] == \
        ["a", "b"]


# -- compound queries ---------------------------------------------------------------------------------------------


def test_bool_sums_must_and_should_scores_and_filters_score_nothing() -> None:
    body = {"query": {"bool": {
        "must": {"term": {"algorithm": "REMOTE"}},
        "filter": [{"exists": {"field": "description"}}],
        "should": [{"term": {"model_state": "DEPLOYED"}}, {"term": {"model_group_id": "g1"}}],
        "must_not": [{"term": {"model_group_id": "g9"}}],
    }}}
    assert search(body) == envelope([hit("m1", 3.0), hit("m2", 1.0)])


def test_bool_with_only_a_filter_scores_zero() -> None:
    body = {"query": {"bool": {"filter": {"term": {"model_state": "DEPLOYED"}}}}}
    assert search(body) == envelope([hit("m1", 0.0), hit("m3", 0.0)])


def test_bool_should_only_needs_one_should() -> None:
    body = {"query": {"bool": {"should": [{"term": {"algorithm": "KMEANS"}}, {"term": {"model_group_id": "g2"}}]}}}
    assert ids(body) == ["m2", "m3"]


def test_bool_should_is_optional_next_to_must_in_query_context() -> None:
    body = {"query": {"bool": {"must": {"match_all": {}}, "should": {"term": {"algorithm": "KMEANS"}}}}}
    assert search(body) == envelope([hit("m3", 2.0), hit("m1"), hit("m2")])


def test_bool_in_filter_context_needs_one_should_by_default() -> None:
    inner = {"bool": {"must": {"match_all": {}}, "should": {"term": {"algorithm": "KMEANS"}}}}
    assert ids({"query": {"bool": {"filter": inner}}}) == ["m3"]


def test_bool_minimum_should_match_number_string_and_percent() -> None:
    should = [{"term": {"model_state": "DEPLOYED"}}, {"term": {"algorithm": "REMOTE"}},
              {"term": {"model_group_id": "g1"}}]
    everything = ["m1", "m2", "m3"]
    for msm, expected in [(2, ["m1"]), ("3", ["m1"]), ("66%", everything), ("67%", ["m1"]), ("-2", everything),
                          (4, []), ("2<-1", ["m1"]), ("34%", everything)]:
        assert ids({"query": {"bool": {"should": should, "minimum_should_match": msm}}}) == expected, msm


def test_bool_with_only_must_not_matches_the_rest_with_score_zero() -> None:
    body = {"query": {"bool": {"must_not": {"term": {"model_state": "DEPLOYED"}}}}}
    assert search(body) == envelope([hit("m2", 0.0)])


def test_empty_bool_matches_everything() -> None:
    assert search({"query": {"bool": {"boost": 2}}}) == envelope([hit("m1", 2.0), hit("m2", 2.0), hit("m3", 2.0)])


def test_bool_nested_arbitrarily() -> None:
    body = {"query": {"bool": {"must": [{"bool": {"should": [
        {"bool": {"filter": {"term": {"algorithm": "KMEANS"}}}},
        {"bool": {"must": {"match": {"name": "openai"}}, "must_not": {"exists": {"field": "owner"}}}},
    ]}}]}}}
    assert ids(body) == ["m2", "m3"]


def test_constant_score_dis_max_and_boosting() -> None:
    assert search({"query": {"constant_score": {"filter": {"term": {"algorithm": "KMEANS"}}, "boost": 4}}}) == \
        envelope([hit("m3", 4.0)])
    dis_max = {"dis_max": {"queries": [{"term": {"algorithm": "REMOTE"}}, {"term": {"model_group_id": "g1"}}],
                           "tie_breaker": 0.5}}
    assert search({"query": dis_max}) == envelope([hit("m1", 1.5), hit("m2", 1.0)])
    boosting = {"boosting": {"positive": {"match_all": {}}, "negative": {"term": {"algorithm": "REMOTE"}},
                             "negative_boost": 0.5}}
    assert search({"query": boosting}) == envelope([hit("m3", 1.0), hit("m1", 0.5), hit("m2", 0.5)])


# -- paging, totals, sorting --------------------------------------------------------------------------------------


def test_from_and_size_page_through_the_hits() -> None:
    assert search({"from": 1, "size": 1}) == envelope([hit("m2")], total=3, max_score=1.0)
    assert search({"from": 5}) == envelope([], total=3, max_score=1.0)


def test_negative_from_or_size_is_refused() -> None:
    assert error({"from": -1}) == (400, illegal("[from] parameter cannot be negative, found [-1]"))
    assert error({"size": -1}) == (400, illegal("[size] parameter cannot be negative, found [-1]"))


def test_result_window_over_ten_thousand_is_a_shard_failure() -> None:
    reason = ("Result window is too large, from + size must be less than or equal to: [10000] but was [10001]. See "
              "the scroll api for a more efficient way to request large data sets. This limit can be set by changing "
              "the [index.max_result_window] index level setting.")
    fragment = {"type": "illegal_argument_exception", "reason": reason}
    assert error({"from": 10000, "size": 1}) == (400, {
        "root_cause": [fragment], "type": "search_phase_execution_exception", "reason": "all shards failed",
        "phase": "query", "grouped": True,
        "failed_shards": [{"shard": 0, "index": INDEX, "node": "mlEmulatorNode00000001", "reason": fragment}],
        "caused_by": fragment,
    })
    assert search({"from": 10000, "size": 1}, index_exists=False)["hits"]["hits"] == []


def test_track_total_hits_true_false_and_a_cap() -> None:
    assert search({"track_total_hits": True})["hits"]["total"] == {"value": 3, "relation": "eq"}
    assert "total" not in search({"track_total_hits": False})["hits"]
    assert search({"track_total_hits": 2})["hits"]["total"] == {"value": 2, "relation": "gte"}
    assert search({"track_total_hits": 3})["hits"]["total"] == {"value": 3, "relation": "eq"}
    assert error({"track_total_hits": -2}) == (
        400, illegal("[track_total_hits] parameter must be positive or equals to -1, got -2"))


def test_terminate_after_stops_collecting() -> None:
    response = search({"terminate_after": 2})
    assert response["terminated_early"] is True
    assert response["hits"]["total"] == {"value": 2, "relation": "eq"}
    assert search({"terminate_after": 5})["terminated_early"] is False


def test_min_score_and_post_filter() -> None:
    body = {"query": {"bool": {"should": [{"match_all": {}}, {"term": {"algorithm": "KMEANS"}}]}}, "min_score": 1.5}
    assert ids(body) == ["m3"]
    assert ids({"post_filter": {"term": {"algorithm": "REMOTE"}}}) == ["m1", "m2"]


def test_sort_by_keyword_field_ascending_nulls_scores_and_adds_sort_values() -> None:
    assert search({"sort": "model_group_id"}) == envelope(
        [hit("m1", None, sort=["g1"]), hit("m2", None, sort=["g2"]), hit("m3", None, sort=[None])], max_score=None)


def test_sort_forms_object_order_and_lists() -> None:
    expected = ["m3", "m1", "m2"]
    assert ids({"sort": {"created_time": "desc"}}) == expected
    assert ids({"sort": [{"created_time": {"order": "desc"}}]}) == expected
    assert ids({"sort": [{"algorithm": "desc"}, {"created_time": "asc"}]}) == ["m2", "m1", "m3"]
    assert search({"sort": [{"created_time": "desc"}]})["hits"]["hits"][0]["sort"] == [1704164645000]


def test_sort_missing_values_last_by_default_first_on_request() -> None:
    docs = [Document("a", {"n": 2}), Document("b", {}), Document("c", {"n": 1})]
    asc = search({"sort": ["n"]}, docs=docs)["hits"]["hits"]
    assert [(h["_id"], h["sort"]) for h in asc] == [("c", [1]), ("a", [2]), ("b", [9223372036854775807])]
    desc = search({"sort": [{"n": {"order": "desc", "missing": "_first"}}]}, docs=docs)["hits"]["hits"]
    assert [(h["_id"], h["sort"]) for h in desc] == [("b", [9223372036854775807]), ("a", [2]), ("c", [1])]
    custom = search({"sort": [{"n": {"missing": 1.5}}]}, docs=docs)["hits"]["hits"]
    assert [(h["_id"], h["sort"]) for h in custom] == [("c", [1]), ("b", [1.5]), ("a", [2])]


def test_sort_multi_valued_field_uses_min_ascending_and_max_descending() -> None:
    docs = [Document("a", {"v": [1, 9]}), Document("b", {"v": [5]})]
    assert [h["sort"] for h in search({"sort": ["v"]}, docs=docs)["hits"]["hits"]] == [[1], [5]]
    assert [h["sort"] for h in search({"sort": [{"v": "desc"}]}, docs=docs)["hits"]["hits"]] == [[9], [5]]


def test_sort_on_text_field_is_refused_like_fielddata() -> None:
    reason = ("Text fields are not optimised for operations that require per-document field data like aggregations "
              "and sorting, so these operations are disabled by default. Please use a keyword field instead. "
              "Alternatively, set fielddata=true on [name] in order to load field data by uninverting the inverted "
              "index. Note that this can use significant memory.")
    fragment = {"type": "illegal_argument_exception", "reason": reason}
    assert error({"sort": [{"name": "asc"}]}) == (400, {
        "root_cause": [fragment], "type": "search_phase_execution_exception", "reason": "all shards failed",
        "phase": "query", "grouped": True,
        "failed_shards": [{"shard": 0, "index": INDEX, "node": "mlEmulatorNode00000001", "reason": fragment}],
        "caused_by": {**fragment, "caused_by": fragment},
    })
    assert ids({"sort": [{"name.keyword": "desc"}]}) == ["m3", "m2", "m1"]  # code-point order


def test_sort_on_score_descending_alone_is_no_sort() -> None:
    assert search({"sort": ["_score"]}) == search(None)
    assert search({"sort": [{"_score": {"order": "desc"}}]}) == search(None)


def test_sort_on_score_ascending_and_track_scores() -> None:
    body = {"query": {"bool": {"should": [{"match_all": {}}, {"term": {"algorithm": "KMEANS"}}]}},
            "sort": [{"_score": "asc"}]}
    assert search(body) == envelope(
        [hit("m1", None, sort=[1.0]), hit("m2", None, sort=[1.0]), hit("m3", None, sort=[2.0])], max_score=None)
    tracked = search({**body, "track_scores": True})
    assert [h["_score"] for h in tracked["hits"]["hits"]] == [1.0, 1.0, 2.0]
    assert tracked["hits"]["max_score"] == 2.0


def test_sort_errors() -> None:
    assert error({"sort": [{"rate": "up"}]}) == (400, illegal("Unknown SortOrder [up]"))
    assert error({"sort": [1]}) == (400, illegal(
        "malformed sort format, within the sort array, an object, or an actual string are allowed"))


# -- _source ------------------------------------------------------------------------------------------------------


def test_source_false_drops_the_source() -> None:
    assert search({"_source": False, "query": {"ids": {"values": ["m2"]}}})["hits"]["hits"] == [hit("m2", source=None)]


def test_source_excludes_are_always_applied() -> None:
    response = search({"query": {"ids": {"values": ["m1"]}}}, source_excludes=("connector.credential", "rate"))
    source = response["hits"]["hits"][0]["_source"]
    assert source == {k: v for k, v in BY_ID["m1"].source.items() if k != "rate"} | {
        "connector": {"protocol": "aws_sigv4"}}
    assert list(source) == [k for k in BY_ID["m1"].source if k != "rate"]


def test_source_includes_as_string_list_and_wildcards() -> None:
    query = {"ids": {"values": ["m1"]}}
    assert search({"query": query, "_source": "name"})["hits"]["hits"][0]["_source"] == {"name": "Bedrock Claude"}
    assert search({"query": query, "_source": ["model_*", "connector.pro*"]})["hits"]["hits"][0]["_source"] == {
        "model_state": "DEPLOYED", "model_group_id": "g1", "connector": {"protocol": "aws_sigv4"}}


def test_source_includes_and_excludes_object() -> None:
    body = {"query": {"ids": {"values": ["m1"]}},
            "_source": {"includes": ["connector", "name"], "excludes": "*.credential"}}
    assert search(body)["hits"]["hits"][0]["_source"] == {
        "name": "Bedrock Claude", "connector": {"protocol": "aws_sigv4"}}


def test_force_fetch_source_ignores_source_false_like_the_plugin() -> None:
    body = {"_source": False, "query": {"ids": {"values": ["m3"]}}}
    assert search(body, force_fetch_source=True)["hits"]["hits"] == [hit("m3")]


def test_filter_source_keeps_empty_arrays_and_objects_when_nothing_below_is_excluded() -> None:
    source = {"a": [], "b": {}, "c": {"d": 1, "secret": 2}, "e": [{"secret": 1}, {"f": 2}]}
    assert filter_source(source, [], ["*.secret"]) == {"a": [], "b": {}, "c": {"d": 1}, "e": [{"f": 2}]}


# -- options and request errors ------------------------------------------------------------------------------------


def test_timeout_is_accepted_and_ignored_but_validated() -> None:
    assert search({"timeout": "10s"}) == search(None)
    reason = "failed to parse setting [timeout] with value [soon] as a time value: unit is missing or unrecognized"
    assert error({"timeout": "soon"}) == (400, {
        "root_cause": [{"type": "parse_exception", "reason": reason}], "type": "parse_exception", "reason": reason,
    })


@pytest.mark.parametrize(("value", "token", "col"), [
    ({}, "START_OBJECT", 10), ([], "START_ARRAY", 10), ("x", "VALUE_STRING", 10), (1, "VALUE_NUMBER", 10),
    (True, "VALUE_BOOLEAN", 10), (None, "VALUE_NULL", 10),
])
def test_unknown_top_level_key_names_the_token_kind(value: Any, token: str, col: int) -> None:
    assert error({"bogus": value}) == (400, parsing(f"Unknown key for a {token} in [bogus].", 1, col))


def test_known_key_with_the_wrong_token_kind_is_an_unknown_key() -> None:
    assert error({"size": 1, "query": "x"}) == (400, parsing("Unknown key for a VALUE_STRING in [query].", 1, 19))
    assert error({"from": {}}) == (400, parsing("Unknown key for a START_OBJECT in [from].", 1, 9))


def test_body_that_is_not_an_object_is_a_parsing_exception() -> None:
    assert error([1, 2]) == (400, parsing("Expected [START_OBJECT] but found [START_ARRAY]", 1, 1))
    assert error("x") == (400, parsing("Expected [START_OBJECT] but found [VALUE_STRING]", 1, 1))


@pytest.mark.parametrize("key", ["aggs", "aggregations"])
def test_aggregations_are_refused(key: str) -> None:
    assert error({key: {"a": {"terms": {"field": "x"}}}}) == (400, illegal(
        f"aggregations [{key}] are not supported by the ML Commons emulator"))


def test_source_with_a_number_is_refused() -> None:
    assert error({"_source": 1}) == (400, parsing("Expected one of [VALUE_BOOLEAN, START_OBJECT] but found "
                                                  "[VALUE_NUMBER]", 1, 12))


# -- query errors ---------------------------------------------------------------------------------------------------


def test_unknown_query_is_a_parsing_exception_with_its_cause() -> None:
    status, body = error({"query": {"bogus": {}}})
    assert status == 400
    assert body == {
        "root_cause": [{"type": "parsing_exception", "reason": "unknown query [bogus]", "line": 1, "col": 19}],
        "type": "parsing_exception", "reason": "unknown query [bogus]", "line": 1, "col": 19,
        "caused_by": {"type": "named_object_not_found_exception", "reason": "[1:19] unknown field [bogus]"},
    }


def test_unknown_query_close_to_a_real_one_suggests_it() -> None:
    assert error({"query": {"matc": {}}})[1]["reason"] == "unknown query [matc] did you mean [match]?"


@pytest.mark.parametrize("name", ["nested", "query_string", "multi_match", "fuzzy", "regexp", "script",
                                  "function_score", "geo_distance", "more_like_this", "knn", "neural",
                                  "match_phrase_prefix", "terms_set", "intervals", "span_term"])
def test_real_but_unimplemented_query_is_refused(name: str) -> None:
    assert error({"query": {name: {}}}) == (400, illegal(f"query [{name}] is not supported by the ML Commons emulator"))


def test_query_object_with_two_queries() -> None:
    body = {"query": {"match_all": {}, "term": {"author": "x"}}}
    assert error(body) == (400, parsing("[match_all] malformed query, expected [END_OBJECT] but found [FIELD_NAME]",
                                        1, 26))


def test_empty_query_clause_is_refused() -> None:
    assert error({"query": {}}) == (400, illegal("query malformed, empty clause found at [1:11]"))


def test_query_that_is_not_an_object() -> None:
    assert error({"query": {"match": "x"}}) == (400, parsing(
        "[match] query malformed, no start_object after query name", 1, 19))


def test_bool_clause_errors_are_wrapped_by_the_bool_parser() -> None:
    inner = {"type": "parsing_exception", "reason": "[match] query does not support [foo]", "line": 1, "col": 52}
    assert error({"query": {"bool": {"must": {"match": {"author": {"foo": 1}}}}}}) == (400, {
        "root_cause": [inner], "type": "x_content_parse_exception",
        "reason": "[1:52] [bool] failed to parse field [must]", "caused_by": inner,
    })
    empty = error({"query": {"bool": {"must": [{}]}}})[1]
    assert empty["reason"] == "[1:28] [bool] failed to parse field [must]"
    assert empty["caused_by"] == {"type": "illegal_argument_exception",
                                  "reason": "query malformed, empty clause found at [1:28]"}
    assert error({"query": {"bool": {"foo": []}}})[1]["reason"] == "[1:19] [bool] unknown field [foo]"


def test_match_all_parameter_errors_are_parsing_exceptions_around_the_object_parser() -> None:
    status, body = error({"query": {"match_all": {"boost": "abc"}}})
    assert (status, body["type"], body["reason"], body["line"], body["col"]) == (
        400, "parsing_exception", "[1:32] [match_all] failed to parse field [boost]", 1, 32)
    assert body["caused_by"]["caused_by"] == {"type": "number_format_exception", "reason": 'For input string: "abc"'}


def test_field_query_errors() -> None:
    assert error({"query": {"term": {"author": {"value": "x", "foo": 1}}}}) == (
        400, parsing("[term] query does not support [foo]", 1, 47))
    assert error({"query": {"match": {"author": "x", "body": "y"}}}) == (
        400, parsing("[match] query doesn't support multiple fields, found [author] and [body]", 1, 40))
    assert error({"query": {"match": {}}}) == (400, parsing("No text specified for text query", 1, 20))
    assert error({"query": {"term": {}}}) == (400, illegal("field name is null or empty"))
    assert error({"query": {"exists": {}}}) == (400, parsing("[exists] must be provided with a [field]", 1, 21))
    assert error({"query": {"range": {"year": {"from": 1, "include_lower": True, "gt": 2}}}}) == (
        400, parsing("invalid lower bound for [range] query", 1, 63))
    assert error({"query": {"match": {"name": {"query": "x", "operator": "xor"}}}}) == (
        400, illegal("No enum constant org.opensearch.index.query.Operator.XOR"))


def test_match_on_an_array_is_javas_illegal_state_500() -> None:
    assert error({"query": {"match": {"author": ["x"]}}}) == (500, {
        "root_cause": [{"type": "illegal_state_exception", "reason": "Can't get text on a START_ARRAY at 1:29"}],
        "type": "illegal_state_exception", "reason": "Can't get text on a START_ARRAY at 1:29",
    })


def test_invalid_minimum_should_match_fails_on_the_shard() -> None:
    body = {"query": {"bool": {"should": [{"match_all": {}}], "minimum_should_match": "abc"}}}
    status, payload = error(body, index_uuid="uuid1")
    shard = {"type": "query_shard_exception", "reason": 'failed to create query: For input string: "abc"',
             "index_uuid": "uuid1", "index": INDEX}
    assert status == 400
    assert payload["type"] == "search_phase_execution_exception"
    assert payload["root_cause"] == [shard]
    assert payload["caused_by"] == {**shard, "caused_by": {"type": "number_format_exception",
                                                           "reason": 'For input string: "abc"'}}
    assert search(body, index_exists=False)["hits"]["hits"] == []


# -- what the domain adds -------------------------------------------------------------------------------------------


def test_doc_filter_hides_documents_from_hits_and_totals() -> None:
    response = search(None, doc_filter=lambda source: source.get("algorithm") == "REMOTE")
    assert response == envelope([hit("m1"), hit("m2")])


def test_plugin_wrapped_query_scores_zero_without_a_user_query() -> None:
    assert search(None, plugin_wraps_query=True) == envelope([hit("m1", 0.0), hit("m2", 0.0), hit("m3", 0.0)])
    wrapped = search({"query": {"term": {"algorithm": "KMEANS"}}}, plugin_wraps_query=True)
    assert wrapped == envelope([hit("m3")])


def test_text_fields_set_is_extensible() -> None:
    docs = [Document("a", {"memo": "Hello World"})]
    assert search({"query": {"term": {"memo": "hello"}}}, docs=docs)["hits"]["hits"] == []
    TEXT_FIELDS.add("memo")
    try:
        assert [h["_id"] for h in search({"query": {"term": {"memo": "hello"}}}, docs=docs)["hits"]["hits"]] == ["a"]
    finally:
        TEXT_FIELDS.discard("memo")


def test_helpers_analyze_and_minimum_should_match() -> None:
    assert analyze("Bedrock's Claude-3 v1.2, ROCKS!") == ["bedrock's", "claude", "3", "v1.2", "rocks"]
    assert calculate_min_should_match(3, "75%") == 2
    assert calculate_min_should_match(4, "-25%") == 3
    assert calculate_min_should_match(5, "3<-1") == 4


# -- properties -------------------------------------------------------------------------------------------------------

_KEYS = ["query", "from", "size", "sort", "_source", "track_total_hits", "timeout", "post_filter", "min_score",
         "terminate_after", "track_scores", "version", "seq_no_primary_term", "aggs", "includes", "excludes",
         "bool", "must", "filter", "should", "must_not", "minimum_should_match", "match_all", "match_none", "term",
         "terms", "ids", "values", "match", "match_phrase", "exists", "field", "range", "gt", "gte", "lt", "lte",
         "prefix", "wildcard", "value", "boost", "case_insensitive", "operator", "name", "name.keyword",
         "model_state", "rate", "created_time", "connector.protocol", "order", "missing", "mode", "constant_score",
         "dis_max", "queries", "boosting", "positive", "negative", "negative_boost", "zero_terms_query", "_score"]

_scalars = st.none() | st.booleans() | st.integers(-5, 20) | st.floats(allow_nan=False, allow_infinity=False) | \
    st.sampled_from(["", "x", "DEPLOYED", "REMOTE", "asc", "desc", "and", "or", "1", "-1", "50%", "2<-1", "true",
                     "now-1d/d", "2024-01-01", "*", "g?", "name", "rate", "abc"]) | st.text(max_size=5)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=12,
)
_field_names = st.sampled_from(["name", "name.keyword", "description", "model_state", "rate", "created_time",
                                 "connector", "connector.protocol", "backend_roles", "owner.name", "_id", "nope"])
_query_names = st.sampled_from(["match_all", "match_none", "term", "terms", "ids", "match", "match_phrase", "exists",
                                "range", "prefix", "wildcard", "bool", "constant_score", "dis_max", "boosting",
                                "nested", "bogus"])
_param_values = _scalars | st.lists(_scalars, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), _scalars,
                                                                           max_size=3)
_leaf_queries = st.builds(
    lambda name, params: {name: params}, _query_names,
    st.dictionaries(_field_names | st.sampled_from(_KEYS), _param_values, max_size=3),
)
_structured_queries = st.recursive(_leaf_queries, lambda inner: st.one_of(
    st.builds(lambda occur, clauses: {"bool": {occur: clauses}},
              st.sampled_from(["must", "filter", "should", "must_not"]), inner | st.lists(inner, max_size=3)),
    st.builds(lambda clauses, msm: {"bool": {"should": clauses, "minimum_should_match": msm}},
              st.lists(inner, max_size=3), _scalars),
    st.builds(lambda q: {"constant_score": {"filter": q}}, inner),
    st.builds(lambda qs: {"dis_max": {"queries": qs}}, st.lists(inner, max_size=2)),
), max_leaves=6)
_sorts = _json | st.lists(_field_names | st.dictionaries(_field_names | st.just("_score"),
                                                         st.sampled_from(["asc", "desc"]) | _param_values,
                                                         max_size=2), max_size=3)
_structured_bodies = st.fixed_dictionaries({"query": _structured_queries}, optional={
    "sort": _sorts, "_source": _json, "from": st.integers(-1, 5) | _scalars, "size": st.integers(-1, 5) | _scalars,
    "track_total_hits": _scalars, "post_filter": _structured_queries, "min_score": _scalars,
})
_bodies = st.none() | _json | st.dictionaries(st.sampled_from(_KEYS), _json, max_size=4) | _structured_bodies


def _check_envelope(response: dict[str, Any], size_limit: int = 10) -> None:
    assert list(response)[:2] == ["took", "timed_out"]
    assert isinstance(response["took"], int) and response["timed_out"] is False
    assert response["_shards"] in (SHARDS, {"total": 0, "successful": 0, "skipped": 0, "failed": 0})
    section = response["hits"]
    if "total" in section:
        assert section["total"]["relation"] in ("eq", "gte") and section["total"]["value"] >= 0
    assert section["max_score"] is None or isinstance(section["max_score"], float)
    for item in section["hits"]:
        assert list(item)[:6] == ["_index", "_id", "_version", "_seq_no", "_primary_term", "_score"]
        assert item["_index"] == INDEX and item["_id"] in BY_ID
        assert item["_score"] is None or isinstance(item["_score"], float)
        assert set(item) <= {"_index", "_id", "_version", "_seq_no", "_primary_term", "_score", "_source", "sort"}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_bodies, exists=st.booleans())
def test_any_json_body_gives_an_envelope_or_a_400(body: Any, exists: bool) -> None:
    try:
        response = run_search(INDEX, DOCS, body, index_exists=exists, source_excludes=("connector.credential",))
    except OpenSearchError as failure:
        # Java's IllegalStateException ("Can't get text on a START_ARRAY") is OpenSearch's only 500 here.
        assert failure.status == 400 or (failure.status == 500 and failure.type == "illegal_state_exception")
        assert failure.to_body()["error"]["type"] == failure.type
        return
    _check_envelope(response)


_query_leaf = st.sampled_from([
    {"match_all": {}}, {"term": {"model_state": "DEPLOYED"}}, {"terms": {"algorithm": ["REMOTE", "KMEANS"]}},
    {"match": {"name": "claude openai"}}, {"exists": {"field": "description"}}, {"range": {"rate": {"gte": 1}}},
    {"prefix": {"model_group_id": "g"}}, {"ids": {"values": ["m1", "m3"]}}, {"match_none": {}},
])
_queries = st.recursive(_query_leaf, lambda inner: st.builds(
    lambda must, should, must_not: {"bool": {"must": must, "should": should, "must_not": must_not}},
    st.lists(inner, max_size=2), st.lists(inner, max_size=2), st.lists(inner, max_size=1)), max_leaves=6)


@settings(max_examples=200, deadline=None)
@given(query=_queries, sort=st.sampled_from([None, ["model_state"], [{"rate": "desc"}], ["_doc"],
                                              [{"created_time": {"order": "desc", "missing": "_first"}}, "algorithm"]]),
       start=st.integers(0, 5), size=st.integers(0, 5))
def test_paging_returns_slices_of_the_full_result(query: dict[str, Any], sort: Any, start: int, size: int) -> None:
    base: dict[str, Any] = {"query": query}
    if sort is not None:
        base["sort"] = sort
    full = run_search(INDEX, DOCS, {**base, "size": 100})
    page = run_search(INDEX, DOCS, {**base, "from": start, "size": size})
    assert page["hits"]["hits"] == full["hits"]["hits"][start:start + size]
    assert page["hits"]["total"] == full["hits"]["total"]


def test_wildcard_patterns_do_not_backtrack() -> None:
    """Lucene matches wildcards with an automaton; a pathological pattern must stay fast."""
    from emulator.domain.search import _wildcard_regex

    assert _wildcard_regex("*?*?*?*?*?*?*?*?*?*?*Z").fullmatch("a" * 2000) is False
    assert _wildcard_regex("a\\*b?").fullmatch("a*bc") is True
