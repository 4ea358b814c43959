"""Allow ``python -m qualcoder_ahp``."""

from qualcoder_ahp.cli import cli

if __name__ == "__main__":
    cli()
