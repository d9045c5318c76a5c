"""llama.cpp through llama-cpp-python: chat-templated, streamed, cancellable, prefix-cached.

The prompt is rendered with the model's own chat template (from the GGUF metadata) and fed to
`Llama.generate`, which keeps the KV cache of the longest common token prefix between calls —
so the system prompt and earlier turns are evaluated once. `prefill()` evaluates a prompt
without sampling, the reversible work allowed before a user turn is committed.
"""

from __future__ import annotations

import codecs
import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import llama_cpp
from llama_cpp import Llama
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from voicecli.config import LlmConfig
from voicecli.policy.contextfit import fit_messages

Message = dict[str, str]


@dataclass
class GenerationStats:
    """Timing and cache use of the last generation."""

    prompt_tokens: int = 0
    cached_tokens: int = 0
    generated_tokens: int = 0
    first_token_ms: float = 0.0
    total_ms: float = 0.0
    cancelled: bool = False
    threads: int = 0


def built_with_amx() -> bool:
    """Was this llama.cpp built with its AMX kernels (and does the CPU have AMX)?"""
    return "AMX_INT8 = 1" in llama_cpp.llama_print_system_info().decode("utf-8", "replace")


@contextlib.contextmanager
def weights_not_repacked() -> Iterator[None]:
    """Load a model with llama.cpp's extra weight buffers (AMX, repacked layouts) off.

    llama.cpp's AMX kernels crash on Q4_K_M weights (SIGSEGV in ggml_backend_amx_mul_mat on
    the first decode, every time on this machine; ggml-org/llama.cpp#20824, closed unfixed).
    `Llama()` takes no such option, so the model parameters it asks llama.cpp for are changed
    for the duration of the load. It costs nothing measurable here: the same machine with a
    build without AMX (weights repacked) ran 87-97 / 21.5-22.1 tok/s (prompt / generation),
    with AMX built but the extra buffers off 95 / 21.6-22.5 tok/s.
    """
    module = llama_cpp.llama_cpp
    original = module.llama_model_default_params

    def params() -> llama_cpp.llama_model_params:
        chosen = original()
        chosen.use_extra_bufts = False
        return chosen

    module.llama_model_default_params = params
    try:
        yield
    finally:
        module.llama_model_default_params = original


class LlamaEngine:
    """A GGUF chat model: render messages, stream reply text, stop on a cancel flag."""

    def __init__(
        self,
        model_path: Path,
        config: LlmConfig,
        thread_choice: Callable[[], int] | None = None,
        reply_prompt_threads: Callable[[], int] | None = None,
        reply_head_threads: Callable[[], int] | None = None,
        prefill_threads: Callable[[], int] | None = None,
    ) -> None:
        """`thread_choice` (with `[llm] adapt_threads`): the threads to use for the next call,
        asked before each one (policy/threadchoice.py); without it, `config.threads` always.
        `reply_prompt_threads` (with `[llm] reply_prompt_threads`): the threads that evaluate a
        reply's prompt, asked before each reply (a prefill keeps the call's threads, unless
        `prefill_threads` is given).
        `reply_head_threads` (with `[llm] reply_head_threads`): the threads that write a
        reply's head, while the caller of `stream` says to write wide. `prefill_threads` (with
        `[llm] prefill_threads`): the threads that evaluate a prefill's prompt."""
        self.config = config
        self.thread_choice = thread_choice
        self.reply_prompt_threads = reply_prompt_threads
        self.reply_head_threads = reply_head_threads
        self.prefill_threads = prefill_threads
        self.threads = config.threads
        self.batch_threads = config.threads
        guard = weights_not_repacked() if built_with_amx() else contextlib.nullcontext()
        with guard:
            self.llm = Llama(
                model_path=str(model_path),
                n_ctx=config.context_tokens,
                n_threads=config.threads,
                n_threads_batch=config.threads,
                n_batch=config.batch_tokens,
                seed=config.seed,
                verbose=False,
            )
        template = self.llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ValueError(f"{model_path.name} has no chat template in its GGUF metadata")
        vocab = self.llm._model
        self.formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=vocab.token_get_text(self.llm.token_eos()),
            bos_token=vocab.token_get_text(self.llm.token_bos()),
        )
        self.stats = GenerationStats()

    def _tokens(self, messages: Sequence[Message]) -> list[int]:
        prompt = self.formatter(messages=list(messages)).prompt
        return self.llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)

    def prompt_tokens(self, messages: Sequence[Message]) -> list[int]:
        """Token ids of the chat-templated prompt, ending with the assistant turn opener,
        cut to leave room for the longest reply in the context window."""
        budget = self.config.context_tokens - self.config.max_reply_tokens - 1
        tokens = self._tokens(messages)
        if len(tokens) <= budget:
            return tokens
        fitted = fit_messages(messages, lambda m: len(self._tokens(m)), budget)
        return self._tokens(fitted)

    def cached_prefix(self, tokens: Sequence[int]) -> int:
        """How many leading tokens of `tokens` are already in the KV cache."""
        n = 0
        for cached, wanted in zip(self.llm._input_ids, tokens, strict=False):
            if cached != wanted:
                break
            n += 1
        return n

    def _choose_threads(self, reply: bool = False, prefill: bool = False) -> int:
        """Use as many threads as `thread_choice` says the free cores allow, for this call; a
        reply's prompt (`reply`) is evaluated on `reply_prompt_threads` and its head written on
        `reply_head_threads`, a prefill's prompt (`prefill`) on `prefill_threads`, if given.
        Returns the threads the rest of the call is written on."""
        threads = self.config.threads
        if self.thread_choice is not None:
            threads = self.thread_choice()
        batch = head = threads
        if reply and self.reply_prompt_threads is not None:
            batch = max(threads, self.reply_prompt_threads())
        if reply and self.reply_head_threads is not None:
            head = max(threads, self.reply_head_threads())
        if prefill and self.prefill_threads is not None:
            batch = max(threads, self.prefill_threads())
        self._set_threads(head, batch)
        return threads

    def _set_threads(self, threads: int, batch: int) -> None:
        """llama.cpp's threads for the tokens written (`threads`) and the prompt (`batch`)."""
        if (threads, batch) != (self.threads, self.batch_threads):
            self.llm._ctx.set_n_threads(threads, batch)
            self.threads, self.batch_threads = threads, batch

    def prefill(self, messages: Sequence[Message]) -> int:
        """Evaluate the prompt into the KV cache without sampling; return tokens evaluated."""
        self._choose_threads(prefill=True)
        tokens = self.prompt_tokens(messages)
        keep = self.cached_prefix(tokens)
        if keep == len(tokens):
            return 0
        self.llm.n_tokens = keep
        self.llm.eval(tokens[keep:])
        return len(tokens) - keep

    def stream(
        self,
        messages: Sequence[Message],
        cancel: threading.Event | None = None,
        max_tokens: int | None = None,
        narrow: Callable[[], bool] | None = None,
    ) -> Iterator[str]:
        """Yield reply text piece by piece; stops at end of turn, `max_tokens` or `cancel`.

        The cancel flag is checked before every token is sampled, so at most one more token
        is computed after it is set. `narrow`, asked before every token, says whether the next
        one is written on the call's threads (beside the voice) rather than on
        `reply_head_threads` (the reply's head, while the voice waits for it:
        policy/threadchoice.py `writes_wide`); without it, the whole reply is the head.
        """
        started = time.perf_counter()
        rest = self._choose_threads(reply=True)
        wide = self.threads
        tokens = self.prompt_tokens(messages)
        limit = max_tokens or self.config.max_reply_tokens
        self.stats = GenerationStats(
            prompt_tokens=len(tokens),
            cached_tokens=self.cached_prefix(tokens),
            threads=rest,
        )
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        vocab = self.llm._model.vocab
        generator = self.llm.generate(
            tokens,
            temp=self.config.temperature,
            top_p=self.config.top_p,
            top_k=40,
            repeat_penalty=1.05,
        )
        try:
            for token in generator:
                if self.stats.generated_tokens == 0:
                    self.stats.first_token_ms = (time.perf_counter() - started) * 1000.0
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    break
                self.stats.generated_tokens += 1
                piece = decoder.decode(self.llm.detokenize([token], special=False))
                if piece:
                    yield piece
                if self.stats.generated_tokens >= limit:
                    break
                if cancel is not None and cancel.is_set():
                    self.stats.cancelled = True
                    break
                if narrow is not None:
                    self._set_threads(rest if narrow() else wide, self.batch_threads)
        finally:
            generator.close()
            self._free_sampler()
            self.stats.total_ms = (time.perf_counter() - started) * 1000.0

    def reserve_memory(self, tokens: int) -> int:
        """Evaluate `tokens` tokens of filler and forget them: llama.cpp's compute buffer is
        allocated at load but its pages are touched by the first batch that needs them, and
        the KV cache's by the first prompt that reaches them, so without this a call grows
        by the largest batch and the longest context it has met (~20 MB from a 16-token batch
        to two of 256 here). Return the tokens evaluated (0 for 0). `[llm] reserve_tokens`
        sets how many (config.toml)."""
        if tokens <= 0:
            return 0
        filler = self.llm.tokenize(b" the shop" * tokens, add_bos=False)[:tokens]
        self.llm.reset()
        self.llm.eval(filler)
        self.llm.reset()  # the next prompt is evaluated from its first token
        return len(filler)

    def _free_sampler(self) -> None:
        """Free the sampler `Llama.generate` made for this call. llama-cpp-python makes a new
        one per call and drops the old one into a reference cycle (its free callback holds
        it), so it lives until Python's cyclic collector runs: resident memory grew ~2 MB a
        reply, +86 MB over 40 replies in a loop (0.5B model); flat from the 15th with this."""
        sampler = getattr(self.llm, "_sampler", None)
        if sampler is not None:
            sampler.close()
            self.llm._sampler = None

    def reply(self, messages: Sequence[Message], max_tokens: int | None = None) -> str:
        """The whole reply as one string (for tests and the cascade baseline)."""
        return "".join(self.stream(messages, max_tokens=max_tokens)).strip()
