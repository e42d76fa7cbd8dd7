"""Run the leaflets command line from a checkout: ``python cli.py validate content/``."""

from leaflets.cli import main

if __name__ == "__main__":
    main()
