"""The test run's environment, set before Django reads its settings (loaded with `-p`).

Without DEBUG, Doorstep refuses to start without SECRET_KEY; the tests run without DEBUG, so
they name a key of their own. Processes the tests start inherit it.

Each test process (one per xdist worker) keeps its data folder (the file cache, keys, local
files) in a throwaway folder of its own: workers clearing or counting in a shared cache would
see each other's keys, and no test writes under the repository's var/ folder.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")

_data_dir = tempfile.mkdtemp(prefix="doorstep-tests-")
os.environ["DOORSTEP_DATA_DIR"] = _data_dir
atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)
