"""The vendored front-end files are exactly the ones recorded in static/vendor/VERSIONS.md."""

import hashlib
import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"


def test_vendored_files_match_recorded_checksums():
    table = (VENDOR / "VERSIONS.md").read_text()
    recorded = dict(re.findall(r"^\| (\S+\.(?:js|css)) \|.*\| ([0-9a-f]{64}) \|$", table, flags=re.M))
    on_disk = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in VENDOR.iterdir() if p.suffix in {".js", ".css"}
    }
    assert recorded == on_disk
