"""`python -m thidua.cli`."""

import sys

from thidua.cli import main

sys.exit(main())
