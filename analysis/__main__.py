"""`python -m analysis`: the command line (`analysis.cli`), as `make` runs it."""
import sys

from .settings import ReferenceDataError

try:  # some modules read their reference data as they are imported
    from .cli import exit_without_teardown, main
except ReferenceDataError as error:
    print(f"error: {error}; fix the reference data and build again", file=sys.stderr)
    sys.exit(2)
except KeyboardInterrupt:  # Ctrl-C in the second it takes to import pandas and Pelican: nothing begun
    print("\ninterrupted before it began", file=sys.stderr)
    sys.exit(130)

exit_without_teardown(main())
