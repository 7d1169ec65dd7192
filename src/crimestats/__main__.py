"""``python -m crimestats`` runs the CLI."""

from crimestats.cli.app import main

main()
