#!/usr/bin/env bash
# Installs what the model tooling needs, from Debian's packages only (no pip): the scripts run
# with /usr/bin/python3 so that these packages are the ones imported. The wallpaper packages
# are the only sources of training, validation and sample images.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y python3-torch python3-onnx python3-numpy python3-pil \
  plasma-workspace-wallpapers gnome-backgrounds 'lomiri-wallpapers*' ukui-wallpapers
