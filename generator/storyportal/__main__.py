import sys

from storyportal.cli.main import main

sys.exit(main())
