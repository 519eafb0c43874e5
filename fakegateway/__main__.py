"""`python -m fakegateway`: see fakegateway.cli."""

from fakegateway.cli import main

raise SystemExit(main())
