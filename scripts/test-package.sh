#!/usr/bin/env bash
# CI step for the installers (issue 7): from the existing build/ tree, builds the .deb (and the RPM and
# .tar.gz), checks the shipped desktop files and lintian, installs the .deb with apt, runs what it
# installed (hearth-cli version / info / a short generation on the bundled model, the app offscreen
# for a few seconds), removes it with --purge and checks that none of its files is left.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${HEARTH_BUILD_DIR:-build}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "test-package: FAIL: $*" >&2; exit 1; }

echo "-- shipped metadata"
desktop-file-validate resources/io.github.hearth.Hearth.desktop
appstreamcli validate --no-net resources/io.github.hearth.Hearth.metainfo.xml

echo "-- packages (cpack in $build_dir)"
[ -f "$build_dir/CPackConfig.cmake" ] || fail "$build_dir is not configured (run scripts/build.sh first)"
rm -f "$build_dir"/hearth_*.deb "$build_dir"/hearth-*.rpm "$build_dir"/hearth-*.tar.gz
generators="DEB;TGZ"
if command -v rpmbuild > /dev/null; then generators="DEB;RPM;TGZ"; fi
(cd "$build_dir" && cpack -G "$generators" > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$build_dir"/hearth_*.deb)
ls -l "$build_dir"/hearth_*.deb "$build_dir"/hearth-*.tar.gz "$build_dir"/hearth-*.rpm 2>/dev/null || true
dpkg-deb --field "$deb" Package Version Installed-Size Depends Recommends

echo "-- lintian (errors fail; warnings listed)"
lintian --fail-on error --tag-display-limit 0 "$deb" | tee "$work/lintian.txt" || fail "lintian reports errors"

echo "-- portable .tar.gz: unpacked anywhere, the CLI finds the bundled model beside it"
tgz=$(ls "$build_dir"/hearth-*.tar.gz)
mkdir "$work/portable" && tar -xzf "$tgz" -C "$work/portable"
portable_cli=$(find "$work/portable" -path '*/bin/hearth-cli' | head -n 1)
[ -x "$portable_cli" ] || fail "no bin/hearth-cli in $tgz"
portable_model=$(dirname "$portable_cli")/../share/hearth/models/stories260K.gguf
[ -f "$portable_model" ] || fail "no share/hearth/models/stories260K.gguf in $tgz"
"$portable_cli" --version

echo "-- install with apt"
$SUDO apt-get install -y -qq "$(realpath "$deb")" > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install"; }
dpkg-query -W -f='installed ${Package} ${Version}, Installed-Size ${Installed-Size} KiB\n' hearth
dpkg -L hearth > "$work/files.txt"

echo "-- run the installed programs"
/usr/bin/hearth-cli --version
/usr/bin/hearth-cli info /usr/share/hearth/models/stories260K.gguf
/usr/bin/hearth-cli generate -m /usr/share/hearth/models/stories260K.gguf -p "Once upon a time" -n 24 --temp 0
if [ -x /usr/bin/hearth ]; then
  # The menu entry's command, offscreen, with a throwaway home: it must still be running after 5 s.
  exec_line=$(sed -n 's/^Exec=//p' /usr/share/applications/io.github.hearth.Hearth.desktop)
  mkdir -p "$work/home"
  rc=0
  HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config" \
    QT_QPA_PLATFORM=offscreen timeout 5 $exec_line > "$work/app.log" 2>&1 || rc=$?
  [ "$rc" -eq 124 ] || { cat "$work/app.log"; fail "the installed app exited with $rc within 5 s"; }
  echo "installed app ran 5 s offscreen"
else
  echo "no /usr/bin/hearth in this package (GUI not built): app run skipped"
fi

echo "-- remove --purge and look for leftovers"
$SUDO apt-get remove --purge -y -qq hearth > "$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "apt-get remove"; }
leftovers=0
while IFS= read -r path; do
  # Shared directories (/usr, /usr/bin, ...) stay; every file and every directory of our own must go.
  if [ -e "$path" ] && { [ ! -d "$path" ] || [[ "$path" == */hearth || "$path" == */hearth/* ]]; }; then
    echo "left behind: $path"
    leftovers=$((leftovers + 1))
  fi
done < "$work/files.txt"
[ "$leftovers" -eq 0 ] || fail "$leftovers path(s) of the package remain after purge"
if dpkg -s hearth > /dev/null 2>&1; then fail "dpkg still knows the package"; fi
echo "package test passed: $(wc -l < "$work/files.txt") paths installed and removed cleanly"
