import sys

from mscbook.cli import main

sys.exit(main())
