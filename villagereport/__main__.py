"""Allow ``python -m villagereport``."""

import sys

from villagereport.cli import main

sys.exit(main())
