"""`python -m analysis`: the command line (`analysis.cli`), as `make` runs it."""
from .cli import exit_without_teardown, main

exit_without_teardown(main())
