#!/usr/bin/env bash
# Run HERE (Debian 12, network): downloads the Debian packages nnlens needs to configure and build
# on the device machine, whose image has CUDA, CMake and a compiler but no Qt, Eigen or
# nlohmann_json and no network. They land in build/devdeps/ (ignored by git); name that folder in
# the device run's carry. run-on-device.sh unpacks them into a prefix, never into /.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=build/devdeps
packages=(
  # to configure and compile: Qt's CMake packages, headers and moc; Eigen; nlohmann_json; the
  # OpenGL headers and link libraries Qt6::Gui's CMake package insists on
  qt6-base-dev qt6-base-dev-tools qmake6 qmake6-bin libeigen3-dev nlohmann-json3-dev
  libgl-dev libglx-dev libopengl-dev libegl-dev
  # the libraries Qt6 Core, Gui, Widgets, Test, DBus and moc load (ldd on Debian 12), but the C and
  # C++ runtimes every image has; run-on-device.sh uses a carried one only where the image has
  # no library of that name
  libqt6core6 libqt6gui6 libqt6widgets6 libqt6test6 libqt6dbus6
  libb2-1 libbrotli1 libbsd0 libdbus-1-3 libdouble-conversion3 libegl1 libexpat1 libfontconfig1
  libfreetype6 libgl1 libglib2.0-0 libglvnd0 libglx0 libgomp1 libgraphite2-3 libharfbuzz0b
  libicu72 libmd0 libmd4c0 libopengl0 libpcre2-16-0 libpcre2-8-0 libpng16-16 libx11-6 libxau6
  libxcb1 libxdmcp6 libxkbcommon0
)
mkdir -p "$dest"
(cd "$dest" && apt-get download "${packages[@]}")
du -sh "$dest"
