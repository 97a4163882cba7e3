"""The test run's environment, set before Django reads its settings (loaded with `-p`).

Without DEBUG, Doorstep refuses to start without SECRET_KEY; the tests run without DEBUG, so
they name a key of their own. Processes the tests start inherit it.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
