#!/usr/bin/env bash
# Debian packages the book needs. As root (or with passwordless sudo) it installs what is missing;
# otherwise it says what to do.
#   python3-venv            the virtual environment (Debian ships venv without ensurepip)
#   dataset-fashion-mnist   the Fashion-MNIST files, read offline from /usr/share/datasets
set -euo pipefail
PYTHON=${PYTHON:-python3}
need=()
"$PYTHON" -c "import ensurepip, venv" 2>/dev/null || need+=(python3-venv)
[ -d /usr/share/datasets/fashion-mnist ] || need+=(dataset-fashion-mnist)
for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
[ ${#need[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo -n)  # e.g. a GitHub runner: passwordless sudo
if command -v apt-get >/dev/null && { [ ${#sudo[@]} -eq 0 ] || sudo -n true 2>/dev/null; }; then
  echo "Installing Debian packages: ${need[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  exit 0
fi
echo "Missing Debian packages: ${need[*]}"
echo "  Install them with:  sudo apt-get install ${need[*]}"
if [[ " ${need[*]} " == *" python3-venv "* ]]; then exit 1; fi
echo "  (Without dataset-fashion-mnist the data chapters download Fashion-MNIST through"
echo "   torchvision when a network is there, or read it from \$DLSTEPS_DATA.)"
