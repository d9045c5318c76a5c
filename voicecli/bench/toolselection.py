"""Tool selection by the language model under a JSON-schema grammar, and parsing its tool calls.

This is the alternative to the keyword intent router (`voicecli.policy.intent`): the model is
asked which tool a caller's words need and llama.cpp constrains its output to the schema below,
so the output always parses. `scripts/compare-tool-selection` measures both on the labelled
utterances in `cases.json`; the router measured better with the default 0.5B model
(docs/tools.md), so the conversation uses the router and this stays the measured alternative.
"""

from __future__ import annotations

import json
from typing import Any

from voicecli.engines.llm import LlamaEngine
from voicecli.policy.intent import Intent, Routed
from voicecli.policy.numbers import order_number

TOOL_NAMES = (
    "get_order_status",
    "send_tracking_link",
    "cancel_order",
    "start_return",
    "store_info",
    "none",
)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tool": {"type": "string", "enum": list(TOOL_NAMES)},
        "order": {"type": "string"},
    },
    "required": ["tool", "order"],
}
SYSTEM = (
    "You route a phone caller's words to a tool of an online shop. Tools: "
    "get_order_status (where an order is, when it arrives, has it shipped), "
    "send_tracking_link (send the tracking link or number), "
    "cancel_order (cancel an order), start_return (return an order, refund), "
    "store_info (how the shop works: return policy, shipping, opening hours, contact, "
    "payment), none (anything else). If the caller corrects themselves, the last request counts. "
    'Answer with JSON: {"tool": <tool>, "order": <order number digits, or "">}.'
)


class ToolCallError(ValueError):
    """The model's output is not a tool call this program knows."""


def parse_tool_call(text: str) -> Routed:
    """A tool call in JSON (`{"tool": ..., "order": ...}`) → the intent and order it names.

    The order may be digits or spoken ("four two one nine"); "none" is no tool.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ToolCallError(f"tool call is not JSON ({err.msg} at {err.pos}): {text!r}") from None
    if not isinstance(data, dict):
        raise ToolCallError(f"tool call is not a JSON object: {text!r}")
    tool = data.get("tool")
    if tool not in TOOL_NAMES:
        raise ToolCallError(f"unknown tool {tool!r}; expected one of {', '.join(TOOL_NAMES)}")
    raw = data.get("order", "")
    if not isinstance(raw, str | int):
        raise ToolCallError(f"order must be a string of digits, got {raw!r}")
    order = order_number(str(raw)) if str(raw).strip() else None
    if tool == "none":
        return Routed(Intent.OTHER, order)
    return Routed(Intent(tool), order)


class GrammarSelector:
    """Asks the chat model for a tool call, its output constrained to SCHEMA."""

    def __init__(self, llm: LlamaEngine, max_tokens: int = 40) -> None:
        from llama_cpp import LlamaGrammar

        self.llm = llm
        self.max_tokens = max_tokens
        self.grammar = LlamaGrammar.from_json_schema(json.dumps(SCHEMA), verbose=False)

    def select(self, text: str) -> Routed:
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}]
        prompt = self.llm.formatter(messages=messages).prompt
        out = self.llm.llm.create_completion(
            prompt,
            max_tokens=self.max_tokens,
            temperature=0.0,
            grammar=self.grammar,
        )
        return parse_tool_call(out["choices"][0]["text"])  # type: ignore[index]
