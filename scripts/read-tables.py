"""Read every Parquet table of a quench results directory with pandas and print its shape.

Usage: python3 scripts/read-tables.py runs/sk-transition
(needs `pip install pandas pyarrow`; quench itself needs no Python)
"""
import glob
import os
import sys

import pandas as pd

directory = sys.argv[1] if len(sys.argv) > 1 else "runs/sk-transition"
tables = sorted(glob.glob(os.path.join(directory, "*.parquet")))
if not tables:
    sys.exit(f"no Parquet tables in {directory}")
for path in tables:
    frame = pd.read_parquet(path)
    print(f"{os.path.basename(path)}: {frame.shape[0]} rows, columns {list(frame.columns)}")
