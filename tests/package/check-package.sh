#!/usr/bin/env bash
# Installs nnlens as a user would: `cmake --install` into a temporary prefix and the CPack .deb
# unpacked into a temporary root. Checks that each holds the programs, the desktop entry, the icon
# and the MIME type of *.nnlens.json, that the .deb names its dependencies, and that the installed
# programs run. Usage: check-package.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
check_tree() {  # ROOT: the installed files a desktop needs
  local root=$1 f
  for f in bin/nnlens bin/nnlens-cli share/applications/nnlens.desktop \
    share/icons/hicolor/scalable/apps/nnlens.svg share/mime/packages/nnlens.xml \
    share/doc/nnlens/README.md share/doc/nnlens/examples/spiral-2-8-8-8-1.nnlens.json; do
    [ -f "$root/$f" ] || fail "$root: $f is not installed"
  done
  [ -x "$root/bin/nnlens" ] && [ -x "$root/bin/nnlens-cli" ] || fail "$root: programs not executable"
  grep -qx 'Exec=nnlens %f' "$root/share/applications/nnlens.desktop" || fail "desktop entry: Exec"
  grep -qx 'Icon=nnlens' "$root/share/applications/nnlens.desktop" || fail "desktop entry: Icon"
  grep -qx 'MimeType=application/x-nnlens;application/x-nnlens-lesson;' \
    "$root/share/applications/nnlens.desktop" ||
    fail "desktop entry: MimeType"
  grep -q 'mime-type type="application/x-nnlens"' "$root/share/mime/packages/nnlens.xml" ||
    fail "MIME type: application/x-nnlens"
  grep -q 'glob pattern="\*.nnlens.json"' "$root/share/mime/packages/nnlens.xml" ||
    fail "MIME type: the *.nnlens.json glob"
  grep -q 'glob pattern="\*.nnlens-lesson.json"' "$root/share/mime/packages/nnlens.xml" ||
    fail "MIME type: the *.nnlens-lesson.json glob"
  [ -f "$root/share/doc/nnlens/examples/notebook.nnlens-lesson.json" ] || fail "the lesson example"
  # The installed programs run from where they were installed.
  "$root/bin/nnlens-cli" --version | grep -q '^nnlens-cli [0-9]' || fail "$root: nnlens-cli --version"
  QT_QPA_PLATFORM=offscreen "$root/bin/nnlens" --version | grep -q '^nnlens [0-9]' ||
    fail "$root: nnlens --version"
  QT_QPA_PLATFORM=offscreen "$root/bin/nnlens" --help | grep -q -- '--presentation' ||
    fail "$root: nnlens --help"
  "$root/bin/nnlens-cli" render "$root/share/doc/nnlens/examples/spiral-2-8-8-8-1.nnlens.json" \
    --figure graph -o "$tmp/graph.png" 2>/dev/null >/dev/null || fail "$root: nnlens-cli render"
  [ -s "$tmp/graph.png" ] || fail "$root: render wrote no PNG"
  rm -f "$tmp/graph.png"
}

# 1. cmake --install into a prefix.
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" || {
  cat "$tmp/install.log"
  fail "cmake --install"
}
check_tree "$tmp/prefix"
echo "cmake --install: $(find "$tmp/prefix" -type f | wc -l) files, all present"

# 2. The .deb.
(cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1) || {
  cat "$tmp/cpack.log"
  fail "cpack"
}
deb=$(find "$tmp/pkg" -maxdepth 1 -name 'nnlens_*.deb' | head -n 1)
[ -n "$deb" ] || fail "cpack wrote no nnlens_*.deb"
info=$(dpkg-deb --info "$deb")
grep -q '^ Package: nnlens$' <<<"$info" || fail ".deb: Package"
grep -q '^ Architecture: ' <<<"$info" || fail ".deb: Architecture"
grep -q '^ Depends: .*libqt6widgets6' <<<"$info" || fail ".deb: Depends names no libqt6widgets6"
grep -q '^ Section: science$' <<<"$info" || fail ".deb: Section"
dpkg-deb -x "$deb" "$tmp/root"
check_tree "$tmp/root/usr"
echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB, $(dpkg-deb -c "$deb" | grep -c '^-') files"
echo "$info" | grep '^ Depends:'
echo "package OK"
