#!/usr/bin/env bash
# Regenerates the README's screenshots from the end-to-end window tests: runs them (the real app
# under Xvfb, driven through WebDriver; they save PNGs in artifacts/screenshots/) and copies the
# ones the README shows to docs/. Needs what `make test` installs and a daemon (`make daemon`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# The test's screenshot → the README's picture.
declare -A SHOWN=(
  [images.png]=screenshot-images.png
  [container-logs.png]=screenshot-containers.png
  [containers-stats.png]=screenshot-stats.png
  [layers-opened.png]=screenshot-layers.png
  [layers-100k.png]=screenshot-layers-100k.png
  [diff.png]=screenshot-diff.png
  [projects.png]=screenshot-projects.png
  [cleanup.png]=screenshot-cleanup.png
  [no-daemon.png]=screenshot-no-daemon.png
  [shortcuts.png]=screenshot-shortcuts.png
  [images-dark.png]=screenshot-dark.png
)

(cd ui && npm run build)
rm -rf artifacts/screenshots
cargo test --test gui
for taken in "${!SHOWN[@]}"; do
  cp "artifacts/screenshots/$taken" "docs/${SHOWN[$taken]}"
  echo "docs/${SHOWN[$taken]} ← $taken"
done
