#!/usr/bin/env bash
# Installs the Debian packages the real-component tests need, only those missing.
# Used by .ci/run and by vitest's global setup (npm test on a fresh machine). Needs root.
set -euo pipefail

# package  file that proves it is installed
deps=(
  "chromium /usr/bin/chromium"
  "fonts-noto-cjk /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
  "obs-studio /usr/bin/obs"
  "xvfb /usr/bin/xvfb-run"
  "xauth /usr/bin/xauth"
  "iproute2 /sbin/ip"
  "redis-server /usr/bin/redis-server"
  "ffmpeg /usr/bin/ffmpeg"
)

missing=()
for dep in "${deps[@]}"; do
  read -r pkg probe <<<"$dep"
  [ -e "$probe" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "[system-deps] installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
for dep in "${deps[@]}"; do
  read -r pkg probe <<<"$dep"
  [ -e "$probe" ] || { echo "[system-deps] $pkg installed but $probe is missing" >&2; exit 1; }
done
