"""Optional LLM: rewrites prose answers from the retrieved passages (never numbers from tables).

Its text must cite [n]; any number in it that is not in the cited evidence is flagged in the answer shown.
When the endpoint fails or ignores the citation rule, the extractive answer stands.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from answering.models import Answer
from nianbao.config import PROMPTS_DIR

ENV_BASE_URL = "NIANBAO_LLM_BASE_URL"
ENV_MODEL = "NIANBAO_LLM_MODEL"
ENV_API_KEY = "NIANBAO_LLM_API_KEY"
MODES = ("none", "openai-compatible")


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str = "not-needed"
    timeout_s: float = 60.0

    @classmethod
    def from_args(cls, mode: str | None, base_url: str | None = None, model: str | None = None,
                  api_key: str | None = None) -> LLMConfig | None:
        """Flags first, then NIANBAO_LLM_* variables. No mode and no base URL anywhere → no LLM."""
        if mode == "none":
            return None
        if mode is not None and mode not in MODES:
            raise ValueError(f"未知的 LLM 模式 {mode!r}（可选：{', '.join(MODES)}）")
        base_url = base_url or os.environ.get(ENV_BASE_URL)
        model = model or os.environ.get(ENV_MODEL)
        api_key = api_key or os.environ.get(ENV_API_KEY) or "not-needed"
        if mode is None and not base_url:
            return None
        if not base_url or not model:
            raise ValueError(
                "--llm openai-compatible 需要 base URL 和模型名"
                f"（--llm-base-url/--llm-model 或 {ENV_BASE_URL}/{ENV_MODEL}）"
            )
        return cls(base_url=base_url.rstrip("/"), model=model, api_key=api_key)

    def client(self):
        from llama_index.llms.openai_like import OpenAILike

        return OpenAILike(model=self.model, api_base=self.base_url, api_key=self.api_key, is_chat_model=True,
                          timeout=self.timeout_s, max_retries=0, temperature=0.0)


def load_prompt(name: str = "answer") -> tuple[str, str]:
    """(system, user template) from prompts/<name>.md, split on its <!-- system --> / <!-- user --> markers."""
    text = (PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8")
    _, _, rest = text.partition("<!-- system -->")
    system, _, user = rest.partition("<!-- user -->")
    return system.strip(), user.strip()


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MARK = re.compile(r"\[(\d+)\]")


def numbers_in(text: str) -> list[str]:
    """Numbers a reader would take as figures: citation marks [n] are not figures."""
    return _NUMBER.findall(_MARK.sub(" ", text))


def unsupported_numbers(text: str, evidence: list[str]) -> list[str]:
    found = set()
    for e in evidence:
        found.update(numbers_in(e))
    return list(dict.fromkeys(n for n in numbers_in(text) if n not in found))


def rewrite(answer: Answer, config: LLMConfig, client=None) -> Answer:
    """The LLM's wording of an extractive text answer, checked: [n] marks required, unsupported numbers flagged."""
    if answer.kind != "text" or not answer.citations:
        return answer
    system, user = load_prompt()
    evidence = "\n".join(
        f"[{i}] {c.short_name}{c.year or ''}年报告：{c.text}" for i, c in enumerate(answer.citations, 1)
    )
    try:
        from llama_index.core.llms import ChatMessage

        llm = client or config.client()
        reply = llm.chat([ChatMessage(role="system", content=system),
                          ChatMessage(role="user", content=user.format(question=answer.question, evidence=evidence))])
        text = (reply.message.content or "").strip()
    except Exception as exc:  # endpoint down or malformed: the extractive answer stands, and says why
        return replace(answer, answer=answer.answer + f"\n（LLM 调用失败，显示原文摘录：{type(exc).__name__}）")
    marks = {int(m) for m in _MARK.findall(text)}
    if not text or not marks or not marks <= set(range(1, len(answer.citations) + 1)):
        return replace(answer, answer=answer.answer + "\n（LLM 回答未按要求注明来源，显示原文摘录）")
    bad = unsupported_numbers(text, [c.text for c in answer.citations])
    if bad:
        text += f"\n⚠ 注意：以下数字未在引用的原文中找到，请核对：{'、'.join(bad)}"
    return replace(answer, answer=text, unsupported_numbers=bad)
