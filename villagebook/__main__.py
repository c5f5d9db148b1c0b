"""Allow ``python -m villagebook``."""

import sys

from villagebook.cli import main

sys.exit(main())
