#!/bin/sh
# Installs the Debian packages (and pinned npm packages) ped needs, when missing.
set -eu

pkgs="make gcc libc6-dev pkg-config libcurl4-openssl-dev libcjson-dev libcsv-dev
libssl-dev zlib1g-dev bats bats-assert bats-support bats-file python3 tzdata
parallel shellcheck awscli man-db curl time openssl coreutils util-linux gzip
libarchive-dev zip unzip bzip2 xz-utils zstd gnuplot-nox librsvg2-bin clang valgrind"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
# Node.js may come from elsewhere than Debian (it does on the CI image).
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi

# npm packages pinned by tests/s3/package-lock.json (the loopback S3 server).
if [ -f tests/s3/package-lock.json ] && [ ! -d tests/s3/node_modules ]; then
	(cd tests/s3 && npm ci --no-audit --no-fund --loglevel=error)
fi
exit 0
