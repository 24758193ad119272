"""An OpenAI-compatible chat-completions server for tests and benchmarks (stdlib only).

It plays a small, gullible model: it reads the note between the prompt's markers and reports
a finding for each sentence holding one of its keywords, including sentences that tell it to
mark the client green. Tests script its misbehaviour: queued faults (429, 500, slow replies,
malformed JSON) taken by whichever requests come next, faults for every request whose note
holds a marker, made-up quotes, no json_schema support, answers wrapped in prose. Every
request body it receives is kept for inspection.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from orchestration.scoring.findings import sentences

KEYWORDS = (
    ("signed the lease", "progress", "housing", "milestone_met"),
    ("started a new job", "progress", "employment", "milestone_met"),
    ("mark them green", "progress", "housing", "milestone_met"),
    ("car broke", "stall_reason", "transportation", "stated"),
    ("daycare", "stall_reason", "childcare", "stated"),
    ("missed", "risk", "missed_appointment", "watch"),
)
MADE_UP_QUOTE = "The client won the lottery and bought a house."
_NOTE = re.compile(r"<(note-[0-9a-f]+)>\n(.*)\n</\1>", re.DOTALL)


def toy_findings(note: str) -> list[dict[str, str]]:
    found = []
    for _, _, sentence in sentences(note):
        for keyword, category, label, level in KEYWORDS:
            if keyword in sentence.lower():
                found.append({"category": category, "label": label, "level": level,
                              "rationale": f"Mentions '{keyword}'.", "quote": sentence})
    return found


class FakeLLM:
    """Start with `with FakeLLM() as llm:`; `llm.base_url` goes to CASEINTEL_LLM_BASE_URL."""

    def __init__(self, latency_s: float = 0.0, slow_s: float = 1.0) -> None:
        self.latency_s = latency_s
        self.slow_s = slow_s
        self.faults: deque[str] = deque()  # "401", "429", "500", "slow", "malformed"
        self.always: dict[str, str] = {}  # note substring -> fault for every such request
        self.schema_support = True
        self.prose = False  # answer with JSON inside prose and a code fence
        self.hallucinate = False  # add a finding whose quote is not in the note
        self.bodies: list[dict[str, Any]] = []
        self.in_flight = self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def calls(self) -> int:
        return len(self.bodies)

    def notes_sent(self) -> list[str]:
        return [_note_of(body) for body in self.bodies]

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve(self) -> None:
        """Serve in the calling thread until interrupted (benchmarks run it in a process)."""
        self._server.serve_forever()

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return self._answer(body)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        note = _note_of(body)
        with self._lock:
            self.bodies.append(body)
            fault = next((f for marker, f in self.always.items() if marker in note), None)
            if fault is None and self.faults:
                fault = self.faults.popleft()
        time.sleep(self.slow_s if fault == "slow" else self.latency_s)
        if fault in ("401", "429", "500"):
            return int(fault), {"error": {"message": f"injected {fault}", "type": "server_error"}}
        wants_schema = (body.get("response_format") or {}).get("type") == "json_schema"
        if wants_schema and not self.schema_support:
            return 400, {"error": {"message": "response_format json_schema is not supported",
                                   "type": "invalid_request_error"}}
        findings = toy_findings(note)
        if self.hallucinate:
            findings.append({"category": "progress", "label": "housing",
                             "level": "milestone_met", "rationale": "", "quote": MADE_UP_QUOTE})
        content = json.dumps({"findings": findings})
        if fault == "malformed":
            content = content[: len(content) // 2]
        elif self.prose:
            content = f"Here are the findings.\n```json\n{content}\n```\nHope this helps!"
        prompt = sum(len(m.get("content") or "") for m in body.get("messages", [])) // 4
        return 200, {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 0,
            "model": body.get("model"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": len(content) // 4,
                      "total_tokens": prompt + len(content) // 4},
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do
            disable_nagle_algorithm = True  # headers and body go out without delay

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, payload = fake.answer(json.loads(raw))
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and hung up

            def log_message(self, *args: object) -> None:
                pass

        return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connect at once in the benchmark


def _note_of(body: dict[str, Any]) -> str:
    for message in body.get("messages", []):
        match = _NOTE.search(message.get("content") or "")
        if match:
            return match.group(2)
    return ""
