#!/usr/bin/env bash
# need-disk.sh GB PATH: stop with a clear message unless GB gigabytes are free where PATH will be.
# Each virtual environment holds PyTorch's CUDA build (about 6 GB once installed); finding out
# with "No space left on device" halfway through pip's install leaves a broken environment.
set -euo pipefail
need_gb=$1
dir=$(dirname "$2")
free_kb=$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')
free_gb=$(( free_kb / 1024 / 1024 ))
if [ -d "$2" ]; then  # a rebuild reuses what is installed already
  have_kb=$(du -sk "$2" | awk '{ print $1 }')
  need_gb=$(( need_gb - have_kb / 1024 / 1024 ))
fi
if [ "$free_gb" -lt "$need_gb" ]; then
  echo "Not enough disk space to create $2: it needs about $need_gb GB, and $dir has $free_gb GB free." >&2
  echo "  Free some space (a stale _build/, an old .venv or clone) and run the command again." >&2
  exit 1
fi
