"""llama.cpp: streamed chat replies, cancellation within one token, KV-cache reuse."""

from __future__ import annotations

import threading

import llama_cpp

from voicecli.engines.llm import LlamaEngine
from voicecli.policy.history import History


def messages(system: str, *turns: str) -> list[dict[str, str]]:
    chat = [{"role": "system", "content": system}]
    for i, text in enumerate(turns):
        chat.append({"role": "user" if i % 2 == 0 else "assistant", "content": text})
    return chat


def test_reply_streams_in_pieces(llm: LlamaEngine) -> None:
    pieces = list(llm.stream(messages(llm.config.system_prompt, "What is the capital of France?")))
    assert len(pieces) >= 3, "a reply arrives token by token, not in one piece"
    assert "paris" in "".join(pieces).lower()
    assert llm.stats.generated_tokens == len(pieces)
    assert not llm.stats.cancelled


def test_cancel_stops_within_one_token(llm: LlamaEngine) -> None:
    cancel = threading.Event()
    received = 0
    chat = messages(llm.config.system_prompt, "Tell me a long story about a dragon and a knight.")
    for _piece in llm.stream(chat, cancel=cancel, max_tokens=100):
        received += 1
        if received == 4:
            cancel.set()
    assert llm.stats.cancelled
    assert received == 4
    assert llm.stats.generated_tokens <= received + 1


def test_system_prompt_stays_cached_between_turns(llm: LlamaEngine) -> None:
    system = llm.config.system_prompt
    system_tokens = len(llm.prompt_tokens(messages(system))) - 3  # minus the assistant opener
    llm.reply(messages(system, "Name a colour."), max_tokens=8)
    llm.reply(messages(system, "Name a fruit."), max_tokens=8)
    assert llm.stats.cached_tokens >= system_tokens


def test_prefill_puts_the_whole_prompt_in_the_cache(llm: LlamaEngine) -> None:
    chat = messages(llm.config.system_prompt, "Where is my order number four two one nine?")
    evaluated = llm.prefill(chat)
    assert evaluated > 0
    assert llm.prefill(chat) == 0, "a second prefill of the same prompt costs nothing"
    llm.reply(chat, max_tokens=4)
    assert llm.stats.cached_tokens == llm.stats.prompt_tokens


def test_max_tokens_bounds_the_reply(llm: LlamaEngine) -> None:
    chat = messages(llm.config.system_prompt, "Count from one to one hundred, in words.")
    llm.reply(chat, max_tokens=5)
    assert llm.stats.generated_tokens == 5


def test_a_long_run_on_turn_is_answered_not_retold(llm: LlamaEngine) -> None:
    """A minute of story, transcribed without sentence marks, then a question: given as one
    message the 0.5B model retold the story or refused; the history splits it."""
    story = (
        "let me tell you about my weekend because it was a long one on saturday morning i got "
        "up early and walked down to the market by the river i bought apples a loaf of bread "
        "some cheese and a bunch of flowers for my sister then i took the train to the next "
        "town to visit my grandmother who turned 90 last month she still bakes every sunday "
        "and she made a plum cake that was far too sweet but i ate two pieces anyway in the "
        "afternoon we looked at old photographs of the family farm the horses and the little "
        "school where she taught for 30 years on the way home the train was late so i read a "
        "book about the history of rome and the emperors who built its roads and bridges "
        "anyway that reminded me of something i wanted to ask you what is the capital of italy"
    )
    history = History(llm.config.system_prompt)
    reply = llm.reply(history.messages(pending_user=story))
    assert "rome" in reply.lower() and "market" not in reply.lower(), reply


def test_the_thread_choice_is_asked_before_each_call(llm: LlamaEngine) -> None:
    """With `adapt_threads` the engine runs each call on the threads the free cores allow."""
    asked: list[int] = []

    def one_thread() -> int:
        asked.append(1)
        return 1

    before = (llm.thread_choice, llm.config.threads, llm.reply_head_threads)
    llm.thread_choice, llm.reply_head_threads = one_thread, None
    try:
        reply = llm.reply(messages(llm.config.system_prompt, "Name a colour."), max_tokens=8)
        assert llm.stats.threads == 1 and asked == [1] and reply
    finally:
        llm.thread_choice, llm.reply_head_threads = None, before[2]
        llm.llm._ctx.set_n_threads(before[1], before[1])
        llm.threads = llm.batch_threads = before[1]


def test_a_replys_prompt_is_evaluated_on_the_threads_it_is_given(llm: LlamaEngine) -> None:
    """With `reply_prompt_threads` a reply's prompt runs on the threads it is given, its words
    on the call's threads, and a prefill on the call's threads alone."""
    ctx = llm.llm._ctx.ctx
    before, chosen, head = llm.config.threads, llm.reply_prompt_threads, llm.reply_head_threads
    llm.reply_prompt_threads, llm.reply_head_threads = (lambda: before + 1), None
    try:
        chat = messages(llm.config.system_prompt, "Name a fruit.")
        assert llm.reply(chat, max_tokens=4)
        assert llama_cpp.llama_n_threads_batch(ctx) == before + 1
        assert llama_cpp.llama_n_threads(ctx) == before
        llm.prefill(messages(llm.config.system_prompt, "Name a tree."))
        assert llama_cpp.llama_n_threads_batch(ctx) == before
    finally:
        llm.reply_prompt_threads, llm.reply_head_threads = chosen, head
        llm.llm._ctx.set_n_threads(before, before)
        llm.threads = llm.batch_threads = before


def test_a_prefill_is_evaluated_on_the_threads_it_is_given(llm: LlamaEngine) -> None:
    """With `prefill_threads` a prefill's prompt runs on the threads it is given; a reply's
    prompt without `reply_prompt_threads` on the call's threads."""
    ctx = llm.llm._ctx.ctx
    before, prompt, chosen = llm.config.threads, llm.reply_prompt_threads, llm.prefill_threads
    llm.reply_prompt_threads, llm.prefill_threads = None, (lambda: before + 1)
    try:
        llm.prefill(messages(llm.config.system_prompt, "Name a river."))
        assert llama_cpp.llama_n_threads_batch(ctx) == before + 1
        assert llm.reply(messages(llm.config.system_prompt, "Name a lake."), max_tokens=4)
        assert llama_cpp.llama_n_threads_batch(ctx) == before
    finally:
        llm.reply_prompt_threads, llm.prefill_threads = prompt, chosen
        llm.llm._ctx.set_n_threads(before, before)
        llm.threads = llm.batch_threads = before


def test_a_replys_head_is_written_on_its_threads_and_the_rest_on_the_calls(
    llm: LlamaEngine,
) -> None:
    """With `reply_head_threads` each token is written on the threads the writer asks for just
    before it: the head's while it says wide, the call's while it says narrow (the voice
    synthesizes, or the head is out), and back."""
    ctx = llm.llm._ctx.ctx
    before, chosen = llm.config.threads, llm.reply_head_threads
    llm.reply_head_threads = lambda: before + 1
    narrow_from = {3, 4, 7, 8, 9, 10, 11}  # token indices the writer wants narrow
    seen: list[int] = []

    def narrow() -> bool:
        return len(seen) in narrow_from

    try:
        chat = messages(llm.config.system_prompt, "Count from one to twenty.")
        for _ in llm.stream(chat, max_tokens=10, narrow=narrow):
            seen.append(llama_cpp.llama_n_threads(ctx))
        assert len(seen) >= 8, seen
        wanted = [before if i in narrow_from else before + 1 for i in range(len(seen))]
        assert seen == wanted
    finally:
        llm.reply_head_threads = chosen
        llm.llm._ctx.set_n_threads(before, before)
        llm.threads = llm.batch_threads = before


def test_no_sampler_is_kept_between_replies(llm: LlamaEngine) -> None:
    """llama-cpp-python makes a sampler per call and leaves the old one to the cyclic
    collector; the engine frees it when the reply ends (resident memory grew ~2 MB a reply)."""
    for _ in range(2):
        llm.reply(messages("Be brief.", "Say yes."), max_tokens=4)
        assert llm.llm._sampler is None


def test_the_next_prompt_extends_the_reply_as_written(llm: LlamaEngine) -> None:
    """History keeps the model's reply as it wrote it (core/reply.py `remembered`): the next
    turn's prompt then finds every token of it in the cache, line breaks and list marks too."""
    chat = messages(llm.config.system_prompt, "List three steps to bake bread, numbered.")
    written = llm.reply(chat, max_tokens=60).strip()
    assert "\n" in written, "the model wrote lines: the case where the heard text differs"
    before = len(llm.prompt_tokens(chat))
    next_chat = [
        *chat,
        {"role": "assistant", "content": written},
        {"role": "user", "content": "Thanks."},
    ]
    tokens = llm.prompt_tokens(next_chat)
    assert llm.cached_prefix(tokens) >= before + llm.stats.generated_tokens - 1
    joined = [*chat, {"role": "assistant", "content": " ".join(written.split())}]
    assert llm.cached_prefix(llm.prompt_tokens(joined)) < before + llm.stats.generated_tokens - 5


def test_the_memory_reserve_leaves_nothing_cached_and_the_next_reply_is_unchanged(
    llm: LlamaEngine,
) -> None:
    chat = messages(llm.config.system_prompt, "What is the capital of France?")
    before = llm.reply(chat, max_tokens=12)
    assert llm.reserve_memory(300) == 300
    tokens = llm.prompt_tokens(chat)
    assert llm.cached_prefix(tokens) == 0  # the filler is forgotten, not taken for a prompt
    assert llm.reply(chat, max_tokens=12) == before  # the same seed, the same words
    assert llm.stats.cached_tokens == 0
