#!/usr/bin/env bash
# Cross-compiles soclab for the six release targets (pure Go, CGO_ENABLED=0) into versioned
# archives in dist/ (tar.gz; zip for Windows) with SHA-256 checksums, then verifies them.
#
#   scripts/release.sh            build dist/ and verify the checksums
#   VERSION=v0.2.0 scripts/release.sh
#
# VERSION defaults to `git describe --tags --dirty` (0.1.0-dev without a tag), COMMIT to the
# checked-out commit, the build date to now or $SOURCE_DATE_EPOCH (reproducible builds).
# OUT picks the folder, TARGETS the os/arch list. Each binary carries them: `soclab version`.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
OUT=${OUT:-dist}
TARGETS=${TARGETS:-"linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"}
VERSION=${VERSION:-$(git describe --tags --dirty 2>/dev/null || echo 0.1.0-dev)}
COMMIT=${COMMIT:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  BUILD_DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
else
  BUILD_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
fi
case "$VERSION" in *[!A-Za-z0-9._+-]*) echo "release: VERSION $VERSION has characters unfit for a file name" >&2; exit 2;; esac

ldflags="-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.buildDate=$BUILD_DATE"
rm -rf "$OUT"
mkdir -p "$OUT"
gnutar=false
tar --version 2>/dev/null | grep -q 'GNU tar' && gnutar=true

for target in $TARGETS; do
  os=${target%/*}
  arch=${target#*/}
  name="soclab_${VERSION}_${os}_${arch}"
  exe=soclab
  [ "$os" = windows ] && exe=soclab.exe
  echo "release: building $name" >&2
  mkdir -p "$OUT/$name"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch "$GO" build -trimpath -ldflags "$ldflags" -o "$OUT/$name/$exe" ./cmd/soclab
  cp README.md challenge.md "$OUT/$name/"
  if [ "$os" = windows ]; then
    if command -v zip >/dev/null 2>&1; then
      (cd "$OUT" && zip -qrX "$name.zip" "$name")
    else
      (cd "$OUT" && python3 -m zipfile -c "$name.zip" "$name")
    fi
  elif $gnutar; then
    tar -C "$OUT" --sort=name --owner=0 --group=0 --numeric-owner --mtime="$BUILD_DATE" -czf "$OUT/$name.tar.gz" "$name"
  else
    tar -C "$OUT" -czf "$OUT/$name.tar.gz" "$name"
  fi
  rm -rf "${OUT:?}/$name"
done

sums=SHA256SUMS
(
  cd "$OUT"
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- *.tar.gz *.zip >"$sums"
    sha256sum --quiet -c "$sums"
  else
    shasum -a 256 -- *.tar.gz *.zip >"$sums"
    shasum -a 256 -c "$sums" >/dev/null
  fi
)
echo "release: $(wc -l <"$OUT/$sums") archives in $OUT/, checksums in $OUT/$sums verified" >&2

# The binary of this machine's platform must say what it is.
host="$("$GO" env GOOS)_$("$GO" env GOARCH)"
archive="$OUT/soclab_${VERSION}_${host}.tar.gz"
if [ -f "$archive" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  tar -C "$tmp" -xzf "$archive"
  got=$("$tmp/soclab_${VERSION}_${host}/soclab" version)
  want="soclab $VERSION (commit $COMMIT, built $BUILD_DATE, "
  case "$got" in
    "$want"*) echo "release: $got" >&2 ;;
    *) echo "release: soclab version printed '$got', want it to start with '$want'" >&2; exit 1 ;;
  esac
fi
