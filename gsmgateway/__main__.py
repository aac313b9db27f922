"""Run the command line with ``python -m gsmgateway``."""

from gsmgateway.cli import main

raise SystemExit(main())
