"""The `openai` backend: any OpenAI-compatible chat-completions endpoint, via the official SDK.

Works against OpenAI, Azure OpenAI (v1 endpoint), vLLM, Ollama and llama.cpp servers. It asks
for structured output with the rubric's JSON schema; an endpoint that rejects `json_schema`
is asked again without it (the prompt describes the same shape), and an answer wrapped in
prose or a code fence is still parsed. Retries are ours, not the SDK's, so their backoff is a
setting and every attempt is counted.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable
from typing import Any

import openai

from orchestration.scoring.answer import Answer
from orchestration.scoring.findings import Finding
from orchestration.scoring.prompt import (
    FIELDS,
    estimate_tokens,
    response_format,
    system_prompt,
    user_message,
)
from orchestration.scoring.reader_rubric import ReaderRubric
from orchestration.settings import Settings

MAX_DELAY_S = 60.0
_FENCED = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class EndpointError(RuntimeError):
    """The endpoint refused in a way no retry fixes (bad key, unknown model or URL)."""


class MalformedAnswer(ValueError):
    """The model's reply holds no findings object we can read."""


def parse_findings(content: str | None) -> list[Finding]:
    """Findings from a reply: plain JSON, JSON in a code fence, or JSON inside prose."""
    text = (content or "").strip()
    fenced = _FENCED.search(text)
    candidates = [text, fenced.group(1) if fenced else "", text[text.find("{"):text.rfind("}") + 1]]
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        items = data.get("findings") if isinstance(data, dict) else data
        if isinstance(items, list):
            return [Finding(*(str(item.get(f) or "") for f in FIELDS)) if isinstance(item, dict)
                    else Finding("", "", "", "", "") for item in items]
    raise MalformedAnswer(f"no findings JSON in the reply: {text[:80]!r}")


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes timeouts
        return True
    return isinstance(exc, openai.APIStatusError) and (
        exc.status_code in (408, 409, 429) or exc.status_code >= 500)


def _retry_after(exc: Exception) -> float:
    response = getattr(exc, "response", None)
    try:
        return float(response.headers.get("retry-after", 0)) if response is not None else 0.0
    except ValueError:
        return 0.0


class OpenAIReader:
    backend = "openai"
    remote = True

    def __init__(self, settings: Settings, rubric: ReaderRubric,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.model = settings.llm_model
        self.max_retries = settings.llm_max_retries
        self.backoff_s = settings.llm_backoff_s
        self.max_output_tokens = settings.llm_max_output_tokens
        self.client = openai.OpenAI(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",  # local servers take no key
            max_retries=0,
            timeout=settings.llm_timeout_s,
        )
        self._system = system_prompt(rubric)
        self._format = response_format(rubric)
        self._sleep = sleep
        self._schema = True  # False once the endpoint has shown it does not take json_schema

    @property
    def output_mode(self) -> str:
        return "json_schema" if self._schema else "json_in_content"

    def estimate_tokens(self, text: str) -> int:
        return estimate_tokens(self._system, user_message(text)) + self.max_output_tokens

    def _create(self, text: str, schema: bool) -> Any:
        extra = {"response_format": self._format} if schema else {}
        return self.client.chat.completions.create(
            model=self.model,
            messages=[{"role": "system", "content": self._system},
                      {"role": "user", "content": user_message(text)}],
            temperature=0,
            max_tokens=self.max_output_tokens,
            **extra,
        )

    def _delay(self, retry: int, exc: Exception | None) -> float:
        backoff = self.backoff_s * 2 ** (retry - 1) * (1 + random.random() / 4)
        return min(MAX_DELAY_S, max(backoff, _retry_after(exc) if exc else 0.0))

    def read(self, text: str) -> Answer:
        """One note, with bounded retries on 429, 5xx, timeouts and unreadable replies."""
        calls = retries = prompt_tokens = completion_tokens = 0
        schema = self._schema
        while True:
            calls += 1
            failure: Exception | None = None
            try:
                response = self._create(text, schema)
            except (openai.AuthenticationError, openai.PermissionDeniedError,
                    openai.NotFoundError) as exc:
                raise EndpointError(f"the endpoint refused the request ({exc.status_code}): "
                                    f"check CASEINTEL_LLM_BASE_URL, _MODEL and _API_KEY") from exc
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                if schema:  # maybe json_schema is what it refuses: ask once without it
                    schema = False
                    continue
                return Answer([], prompt_tokens, completion_tokens, calls, retries,
                              f"refused ({exc.status_code}): {exc.message[:200]}")
            except openai.OpenAIError as exc:
                if not _retryable(exc):
                    return Answer([], prompt_tokens, completion_tokens, calls, retries,
                                  f"{type(exc).__name__}: {str(exc)[:200]}")
                failure = exc
            else:
                content = response.choices[0].message.content if response.choices else None
                usage = response.usage
                prompt_tokens += usage.prompt_tokens if usage else estimate_tokens(
                    self._system, user_message(text))
                completion_tokens += usage.completion_tokens if usage else estimate_tokens(
                    content or "")
                try:
                    findings = parse_findings(content)
                except MalformedAnswer as exc:
                    failure = exc
                else:
                    if not schema:
                        self._schema = False
                    return Answer(findings, prompt_tokens, completion_tokens, calls, retries)
            if retries >= self.max_retries:
                return Answer([], prompt_tokens, completion_tokens, calls, retries,
                              f"gave up after {calls} calls: {type(failure).__name__}: "
                              f"{str(failure)[:200]}")
            retries += 1
            self._sleep(self._delay(retries, failure))
