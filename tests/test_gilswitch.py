"""The interpreter's switch interval: set from the config, 0 puts Python's own back."""

from __future__ import annotations

import sys

from voicecli.gilswitch import PYTHON_DEFAULT_S, set_switch_interval


def test_the_interval_is_set_and_zero_restores_pythons_own() -> None:
    before = sys.getswitchinterval()
    try:
        assert set_switch_interval(1.0) == sys.getswitchinterval()
        assert abs(sys.getswitchinterval() - 0.001) < 1e-9
        set_switch_interval(0)
        assert abs(sys.getswitchinterval() - PYTHON_DEFAULT_S) < 1e-9
    finally:
        sys.setswitchinterval(before)
