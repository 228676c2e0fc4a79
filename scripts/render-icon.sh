#!/usr/bin/env bash
# Renders the Marketplace icon media/icon.png (128x128) from media/icon.svg with headless Chromium.
# Run after changing media/icon.svg; the PNG is committed (vsce wants a PNG, not an SVG).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '<html><body style="margin:0"><img src="file://%s/media/icon.svg" width="128" height="128" style="display:block"></body></html>' "$root" >"$tmp/icon.html"
"${DNE_CHROMIUM:-/usr/bin/chromium}" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --default-background-color=00000000 --window-size=128,128 --screenshot="$tmp/icon.png" "file://$tmp/icon.html" 2>/dev/null
cp "$tmp/icon.png" "$root/media/icon.png"
echo "render-icon: wrote media/icon.png"
