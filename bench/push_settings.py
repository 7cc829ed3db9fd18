"""Settings for the push load test: the site's own, with persistent SQLite connections.

`youpin.config.settings` gives SQLite `CONN_MAX_AGE = 0`: every request opens the
database and closes it again, and closing the last connection checkpoints the WAL, a
disk flush per request. Here each gunicorn worker keeps its connection, as PostgreSQL's
already do (`CONN_MAX_AGE = 60`). `bench/push_load.py --settings site` measures the
site's settings unchanged.
"""

from youpin.config.settings import *  # noqa: F403
from youpin.config.settings import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 60
