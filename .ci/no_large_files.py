"""no_large_files.py KB FILE...: fail if a file is larger than KB kilobytes (a pre-commit hook)."""

import sys
from pathlib import Path

limit_kb, *files = sys.argv[1:]
big = [f for f in files if Path(f).is_file() and Path(f).stat().st_size > int(limit_kb) * 1024]
for f in big:
    print(f"{f}: {Path(f).stat().st_size // 1024} KB, over the {limit_kb} KB limit")
sys.exit(1 if big else 0)
