import sys

from pos_app.launch import main

sys.exit(main())
