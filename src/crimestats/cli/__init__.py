"""The command-line interface (Typer + Rich). Thin: it renders what services return."""
