"""Request bodies the tests share: the seed page's connector, group and model, and vendor answers."""

from __future__ import annotations

import copy
from typing import Any

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
FAKE_OPENAI_KEY = "test-openai-key-not-a-secret"

SEED_CONNECTOR: dict[str, Any] = {
    "name": "OpenAI Chat Connector",
    "description": "The connector to public OpenAI model service for GPT 3.5",
    "version": 1,
    "protocol": "http",
    "parameters": {"endpoint": "api.openai.com", "model": "gpt-3.5-turbo"},
    "credential": {"openAI_key": FAKE_OPENAI_KEY},
    "actions": [
        {
            "action_type": "predict",
            "method": "POST",
            "url": "https://${parameters.endpoint}/v1/chat/completions",
            "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
            "request_body": '{ "model": "${parameters.model}", "messages": ${parameters.messages} }',
        }
    ],
}

SEED_MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Hello!"},
]

OPENAI_CHAT_RESPONSE: dict[str, Any] = {
    "id": "chatcmpl-7e6s5DYEutmM677UZokF9eH40dIY7",
    "object": "chat.completion",
    "created": 1689793889,
    "model": "gpt-3.5-turbo-0613",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "Hello! How can I assist you today?"},
         "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 19, "completion_tokens": 9, "total_tokens": 28},
}


def connector(**overrides: Any) -> dict[str, Any]:
    """The seed connector with top-level fields replaced (None removes a field)."""
    body = copy.deepcopy(SEED_CONNECTOR)
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def action(**overrides: Any) -> dict[str, Any]:
    """The seed connector's predict action with fields replaced (None removes a field)."""
    body = copy.deepcopy(SEED_CONNECTOR["actions"][0])
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def error(type_: str, reason: str, status: int) -> dict[str, Any]:
    """The OpenSearch error envelope for an exception with no cause."""
    return {"error": {"root_cause": [{"type": type_, "reason": reason}], "type": type_, "reason": reason},
            "status": status}
