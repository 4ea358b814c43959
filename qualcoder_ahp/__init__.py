"""qualcoder_ahp: qualitative coding of interview transcripts in the terminal.

Importing this package loads neither Textual nor spaCy; the command line and the
workbench import them only when a command needs them.
"""

__version__ = "0.1.0"
