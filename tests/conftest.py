"""Shared fixtures: the real engines, loaded once per test session from the model store."""

from __future__ import annotations

import dataclasses

import pytest

from voicecli.config import Config
from voicecli.engines.loader import EngineLoader
from voicecli.errors import VoicecliError
from voicecli.sim.ctrlc import ctrl_c_as_at_a_terminal

# A suite started in the background by a non-interactive shell (`make test &`) inherits SIGINT
# ignored (POSIX), and so would every `talk` it starts: the Ctrl-C tests, which press it on
# talk and on a conversation, would see it ignored. Ctrl-C is delivered as at a terminal.
ctrl_c_as_at_a_terminal()


@pytest.fixture(scope="session")
def config() -> Config:
    return Config()


@pytest.fixture(scope="session")
def loader(config: Config) -> EngineLoader:
    return EngineLoader(config)


def _load(factory):
    try:
        return factory()
    except VoicecliError as err:  # a missing model is a set-up failure, never a skip
        pytest.fail(f"{err} (make test runs scripts/setup, which installs the models)")


@pytest.fixture(scope="session")
def vad(loader: EngineLoader):
    return _load(loader.vad)


@pytest.fixture(scope="session")
def stt(loader: EngineLoader):
    return _load(loader.stt)


@pytest.fixture(scope="session")
def llm(loader: EngineLoader):
    return _load(loader.llm)


@pytest.fixture(scope="session")
def tts(loader: EngineLoader):
    return _load(loader.tts)


@pytest.fixture(scope="session")
def engines(vad, stt, steady_tts, llm):
    """The product's engines, the voice steady (`_steady`): pipeline tests judge what Whisper
    hears in the reply and where the echo canceller leaves it, so the reply is the same audio
    in every run."""
    from voicecli.wiring import Engines

    return Engines(vad=vad, stt=stt, tts=steady_tts, llm=llm)


def _steady(config: Config):
    """Piper's settings without its random variation: the same line is the same audio in every
    run, so a test that passes once passes always (the bench and the product keep it)."""
    return dataclasses.replace(config.tts, noise_scale=0.0, noise_w_scale=0.0)


@pytest.fixture(scope="session")
def steady_tts(config: Config):
    """The agent's voice, steady (`_steady`): for tests that judge what is done to its audio."""
    steady = dataclasses.replace(config, tts=_steady(config))
    return _load(EngineLoader(steady).tts)


@pytest.fixture(scope="session")
def caller(loader: EngineLoader, config: Config):
    """Caller speech in a voice that is not the agent's (pitch-shifted Piper), steady."""
    from voicecli.sim.caller import CallerVoice

    return _load(lambda: CallerVoice(loader.store, _steady(config)))
