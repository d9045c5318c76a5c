"""Allow `python -m voicecli`."""

from voicecli.entry import main

main()
