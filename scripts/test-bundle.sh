#!/usr/bin/env bash
# The installable package, tested as a user gets it: Tauri's bundler makes the .deb from the build
# `make test` already made (the debug profile: no second compile), dpkg -i installs it, and the
# installed /usr/bin/strata opens its window under Xvfb, driven through WebDriver
# (tests/gui.rs, the_installed_app_opens_its_window). The package is removed afterwards unless it
# was installed before the test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
as_root=""
[ "$(id -u)" = 0 ] || as_root="sudo -n"

ui/node_modules/.bin/tauri build --ci --debug --bundles deb
deb=$(ls -t target/debug/bundle/deb/*.deb | head -1)
echo "==> built $deb"

# What the package says and holds.
[ "$(dpkg-deb --field "$deb" Package)" = strata ] || { echo "the package is not named strata"; exit 1; }
dpkg-deb --field "$deb" Depends | grep -q libwebkit2gtk-4.1 || { echo "the package does not depend on WebKitGTK"; exit 1; }
contents=$(dpkg-deb -c "$deb")
for path in usr/bin/strata usr/share/applications/Strata.desktop usr/share/icons/hicolor/128x128/apps/strata.png; do
  grep -Eq " (\./)?$path\$" <<<"$contents" || { echo "the package lacks $path"; exit 1; }
done

was_installed=0
dpkg-query -W -f='${Status}' strata 2>/dev/null | grep -q "install ok installed" && was_installed=1
$as_root dpkg -i "$deb"
remove() { [ "$was_installed" = 1 ] || $as_root dpkg -r strata >/dev/null; }
trap remove EXIT

/usr/bin/strata --version
grep -q '^Exec=strata' /usr/share/applications/Strata.desktop || { echo "the menu entry does not start strata"; exit 1; }
STRATA_APP=/usr/bin/strata cargo test --test gui -- --ignored --exact the_installed_app_opens_its_window
echo "==> the installed package opens its window"
