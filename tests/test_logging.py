"""Each log line is printed once (`make run` printed every line twice)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import logging
import django

django.setup()
logging.getLogger("django.request").warning("marker-request")
logging.getLogger("django.server").info("marker-server")
logging.getLogger("members").warning("marker-app")
"""


def test_each_log_line_is_printed_once_in_development():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",  # as `make run`: Django's own console handler is active
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    output = result.stdout + result.stderr
    for marker in ("marker-request", "marker-server", "marker-app"):
        assert output.count(marker) == 1, output
    # runserver's request lines keep their time stamp
    assert [line for line in output.splitlines() if "marker-server" in line][0].startswith("[")
