"""Entry point of the frozen app: the same as the ``pos-app`` console script."""

import sys

from pos_app.launch import main

if __name__ == "__main__":
    sys.exit(main())
