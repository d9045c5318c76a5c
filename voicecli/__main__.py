"""Allow `python -m voicecli`."""

from voicecli.cli import main

main()
