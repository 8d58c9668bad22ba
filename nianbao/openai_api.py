"""An OpenAI-compatible chat endpoint (issue 14), so chat front ends that speak the OpenAI API (Open WebUI, LobeChat,
on-premise model gateways) can ask nianbao as if it were a model.

    GET  /v1/models             the one model, `nianbao`
    GET  /v1/models/nianbao
    POST /v1/chat/completions   the conversation → the answer in Markdown with numbered sources; `stream: true` → SSE

Every answer comes from `Assistant.ask` (question bounds of answering/limits.py included: a question over the limit
gets the same refusal as in the app). Earlier user turns of the conversation are replayed through it as history, the
last MAX_REPLAYED_TURNS of them, so “那2020年呢？” follows the question before it as in the app. The structured answer
rides along in an extra top-level field, `nianbao` (the `ask --json` object). Parameters that steer a sampling model
(temperature, max_tokens, n…) are accepted and ignored: the answer is extractive. A model other than `nianbao` is
refused with 404 `model_not_found`, as OpenAI does, so a misconfigured client learns the name. There is no route that
writes.

`nianbao serve` mounts it on the app's own server, answering through the app's AppState (uploads show at once);
`nianbao api` serves it alone over its own Assistant. With an API key configured every /v1 request needs
`Authorization: Bearer KEY`; without one it is served only on a loopback host unless the operator says --no-auth.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from answering.citing import answer_markdown
from answering.limits import MAX_CONCURRENT_ANSWERS, MAX_REPLAYED_TURNS
from answering.models import Answer
from indexing.models import Report
from nianbao.serving import is_loopback, replay

log = logging.getLogger("nianbao.openai_api")

MODEL_ID = "nianbao"
ENV_API_KEY = "NIANBAO_API_KEY"
MAX_REQUEST_BYTES = 1024 * 1024  # a long conversation with every answer's sources is well under 200 KB
FAILED_ANSWER = "回答这个问题时程序出现了问题（详情已记入服务器日志）。请换个问法，或稍后再试。"


class Source(Protocol):
    """What the endpoint answers through: the app's AppState when mounted, an AssistantSource alone."""

    def ask(self, question: str, history: list[Answer] | None = None) -> Answer: ...

    def report(self, report_id: str) -> Report | None: ...


class AssistantSource:
    """A Source over one Assistant, for `nianbao api` (read-only: nothing swaps the index under it)."""

    def __init__(self, assistant) -> None:
        self.assistant = assistant

    def ask(self, question: str, history: list[Answer] | None = None) -> Answer:
        return self.assistant.ask(question, history=history or None)

    def report(self, report_id: str) -> Report | None:
        return self.assistant.index.report(report_id) if self.assistant.index is not None else None


# ================================================================ errors
@dataclass(eq=False)  # raised and caught: compared by identity, like any exception
class APIError(Exception):
    """An error in OpenAI's shape: {"error": {"message", "type", "code"}}."""

    status: int
    message: str
    type: str = "invalid_request_error"
    code: str | None = None

    def response(self) -> JSONResponse:
        body = {"error": {"message": self.message, "type": self.type, "code": self.code, "param": None}}
        return JSONResponse(body, status_code=self.status)


def _http_error(status: int) -> APIError:
    if status == 404:
        return APIError(404, "没有这个接口（可用：GET /v1/models，POST /v1/chat/completions）。", code="not_found")
    if status == 405:
        return APIError(405, "此接口不支持这个请求方法（本接口只读：没有写入的接口）。", code="method_not_allowed")
    return APIError(status, "请求无效。", code=str(status))


# ================================================================ the request
class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """The fields read from a chat completion request; the rest (temperature, max_tokens…) are allowed and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: dict[str, Any] | None = None


def message_text(message: ChatMessage) -> str:
    """A message's text: a string, or the text parts of a list of content parts (images and the like are skipped)."""
    if isinstance(message.content, str):
        return message.content
    parts = message.content or []
    return "".join(str(p.get("text", "")) for p in parts if p.get("type") == "text")


def parse_request(body: bytes) -> ChatRequest:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise APIError(400, f"请求体不是有效的 JSON：{exc}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise APIError(400, "请求体应是一个 JSON 对象。", code="invalid_json")
    try:
        request = ChatRequest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise APIError(400, f"请求字段 {where} 无效：{first['msg']}", code="invalid_request") from None
    if request.model != MODEL_ID:
        raise APIError(404, f"没有模型 {request.model[:100]!r}：本服务只有模型 {MODEL_ID!r}。", code="model_not_found")
    if request.messages[-1].role != "user":
        raise APIError(400, "最后一条消息应是用户的问题（role 为 user）。", code="invalid_messages")
    return request


def conversation(request: ChatRequest) -> tuple[str, list[str]]:
    """(the question, the earlier user turns to replay): the assistant's own turns are not read — replaying the
    questions gives back the answers, their plans and all, whatever a client kept of the text."""
    asked = [message_text(m) for m in request.messages if m.role == "user"]
    return asked[-1], asked[:-1][-MAX_REPLAYED_TURNS:]


async def read_body(request: Request, limit: int = MAX_REQUEST_BYTES) -> bytes:
    """The body, refused with 413 once it passes `limit` (by its declared length, or while it is still arriving)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


def _too_large(limit: int) -> APIError:
    return APIError(413, f"请求体过大：上限 {limit // 1024} KB。", code="request_too_large")


# ================================================================ the response
_NO_USAGE = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}  # no model, no tokens


def completion(answer: Answer, content: str, *, ident: str, created: int) -> dict[str, Any]:
    return {
        "id": ident, "object": "chat.completion", "created": created, "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop",
                     "logprobs": None}],
        "usage": dict(_NO_USAGE),
        "nianbao": answer.to_json(),
    }


def completion_chunks(answer: Answer, content: str, *, ident: str, created: int, usage: bool) -> Iterator[dict]:
    """The answer as chat.completion.chunk objects: the role, one chunk per line of content, then the finish with
    the structured answer (and a usage chunk when the client asked for one). The deltas join to `content`."""

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra) -> dict[str, Any]:
        return {"id": ident, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}

    yield chunk({"role": "assistant", "content": ""})
    for piece in content.splitlines(keepends=True):
        yield chunk({"content": piece})
    yield chunk({}, "stop", nianbao=answer.to_json())
    if usage:
        yield {"id": ident, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID, "choices": [],
               "usage": dict(_NO_USAGE)}


def sse(events: Iterator[dict]) -> Iterator[str]:
    for event in events:
        yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"


# ================================================================ the app
def bearer_check(api_key: str | None):
    """A dependency: with a key configured, the request must carry `Authorization: Bearer KEY` (compared in
    constant time); with none, every request passes (the host check at start keeps that to loopback)."""
    expected = api_key.encode() if api_key else None

    def check(request: Request) -> None:
        if expected is None:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
            raise APIError(401, "API 密钥缺失或不正确（请求头 Authorization: Bearer <密钥>）。",
                           code="invalid_api_key")

    return check


def create_api(source: Source, *, api_key: str | None = None) -> FastAPI:
    """The endpoint as an ASGI app whose routes sit under /v1 (mount it at "/v1", or serve `standalone_app`)."""
    api = FastAPI(title="nianbao", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(bearer_check(api_key))])
    answering = anyio.CapacityLimiter(MAX_CONCURRENT_ANSWERS)  # one per app: an app is served by one event loop
    api.add_exception_handler(APIError, lambda _request, exc: exc.response())
    api.add_exception_handler(StarletteHTTPException, lambda _request, exc: _http_error(exc.status_code).response())

    @api.get("/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [_model_card()]}

    @api.get("/models/{model_id}")
    def model(model_id: str) -> dict[str, Any]:
        if model_id != MODEL_ID:
            raise APIError(404, f"没有模型 {model_id[:100]!r}：本服务只有模型 {MODEL_ID!r}。", code="model_not_found")
        return _model_card()

    @api.post("/chat/completions")
    async def chat_completions(request: Request):
        chat = parse_request(await read_body(request))
        question, earlier = conversation(chat)
        try:
            answer, content = await anyio.to_thread.run_sync(_answer_and_word, source, question, earlier,
                                                             limiter=answering)
        except Exception:  # the reason goes to the log; the client gets an error object, not a trace
            log.exception("question failed: %s", question[:200])
            raise APIError(500, FAILED_ANSWER, type="server_error", code="answer_failed") from None
        ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if not chat.stream:
            return JSONResponse(completion(answer, content, ident=ident, created=created))
        usage = bool((chat.stream_options or {}).get("include_usage"))
        chunks = completion_chunks(answer, content, ident=ident, created=created, usage=usage)
        return StreamingResponse(sse(chunks), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return api


def _answer_and_word(source: Source, question: str, earlier: list[str]) -> tuple[Answer, str]:
    answer = replay(source.ask, question, earlier)
    return answer, answer_markdown(answer, source.report)


def _model_card() -> dict[str, Any]:
    return {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "nianbao"}


def standalone_app(source: Source, *, api_key: str | None = None) -> FastAPI:
    root = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    root.mount("/v1", create_api(source, api_key=api_key))
    return root


# ================================================================ who may reach it
def api_key_from(flag: str | None) -> str | None:
    """The key from --api-key, else NIANBAO_API_KEY; empty means none."""
    return (flag or os.environ.get(ENV_API_KEY) or "").strip() or None


def exposure_problem(host: str, api_key: str | None, no_auth: bool) -> str | None:
    """Why the endpoint must not be served as configured, or None: without a key it answers anyone who can reach
    it, so off loopback it needs a key or the operator's explicit --no-auth."""
    if api_key or no_auth or is_loopback(host):
        return None
    return (f"OpenAI 兼容接口不在 {host} 上无密钥开放：{host} 不是本机回环地址。"
            f"请用 --api-key 或环境变量 {ENV_API_KEY} 设置密钥（客户端带 Authorization: Bearer <密钥>）；"
            "确要无密钥对外开放，请显式加 --no-auth。")


def mounted_api(source: Source, *, host: str, api_key: str | None, no_auth: bool) -> tuple[FastAPI | None, str]:
    """For `nianbao serve`: the endpoint to mount beside the app, or None, with the line to print either way (the
    app itself starts regardless: only the /v1 routes are withheld when they would be open to anyone)."""
    problem = exposure_problem(host, api_key, no_auth)
    if problem:
        return None, f"{problem}（问答页面照常启动，/v1 接口未启用。）"
    guarded = "需要 API 密钥" if api_key else "无密钥"
    return create_api(source, api_key=api_key), f"OpenAI 兼容接口：/v1（模型 {MODEL_ID}，{guarded}）"


def serve_api(config, *, host: str, port: int, api_key: str | None, no_auth: bool, llm=None) -> int:
    """`nianbao api`: the endpoint alone over its own Assistant. Exit 2 when the host would expose it keyless."""
    problem = exposure_problem(host, api_key, no_auth)
    if problem:
        print(f"错误 {problem}", file=sys.stderr)
        return 2
    import uvicorn

    from answering.assistant import Assistant

    assistant = Assistant.open(config, llm=llm)
    if not assistant.all_reports():
        print(f"注意：索引 {config.index_dir} 中没有报告，每个问题都会回答“索引为空”（先用 nianbao ingest 导入）。",
              file=sys.stderr)
    app = standalone_app(AssistantSource(assistant), api_key=api_key)
    print(f"OpenAI 兼容接口已启动：http://{host}:{port}/v1（模型 {MODEL_ID}）", file=sys.stderr, flush=True)
    uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning")).run()
    return 0
