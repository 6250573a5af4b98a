"""lrsched is a command-line program: this package only lets `python -m lrsched` run it."""
