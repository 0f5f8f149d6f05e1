#!/usr/bin/env bash
# Builds FerretDB (SQLite backend) into <project>/.cache/bin/ferretdb.
#
# Why not `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.0`?
#   - v1.24.1 is refused by the Go module proxy here, so we pin v1.24.0;
#   - `go install pkg@version` asks the proxy for the module's version list
#     (deprecation check), which is refused too;
#   - the module zip lacks build/version/version.txt, and a binary built
#     without it panics at start-up.
# So: download the module, copy it somewhere writable, add version.txt, build.
#
# Idempotent: does nothing when the binary already reports the pinned version.
set -euo pipefail

VERSION="v1.24.0"
MODULE="github.com/FerretDB/FerretDB"

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="${PROJECT_ROOT}/.cache/bin"
BIN="${BIN_DIR}/ferretdb"

say() { printf 'build-ferretdb: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

mkdir -p "${BIN_DIR}"
# Several test workers may find the binary missing at once: build it only once.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${BIN_DIR}/.build-ferretdb.lock"
  flock 9
fi

if [[ -x "${BIN}" ]] && "${BIN}" --version 2>/dev/null | grep -q "version: ${VERSION}\$"; then
  say "${BIN} is already FerretDB ${VERSION}; nothing to do"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "Go is not on PATH; install Go (https://go.dev/dl/) or set MONGODB_URI to an existing MongoDB"

say "downloading ${MODULE}@${VERSION} through the Go module proxy"
if ! DOWNLOAD_JSON="$(go mod download -json "${MODULE}@${VERSION}" 2>&1)"; then
  die "go mod download ${MODULE}@${VERSION} failed: ${DOWNLOAD_JSON}"
fi
# `go mod download -json` prints an "Error" field (and may still exit 0 on some versions).
if grep -q '"Error"' <<<"${DOWNLOAD_JSON}"; then
  die "go mod download ${MODULE}@${VERSION} failed: ${DOWNLOAD_JSON}"
fi
MODULE_DIR="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"${DOWNLOAD_JSON}" | head -n 1)"
[[ -n "${MODULE_DIR}" && -d "${MODULE_DIR}" ]] || die "could not find the module directory in: ${DOWNLOAD_JSON}"

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/build-ferretdb.XXXXXX")"
trap 'rm -rf "${WORK_DIR}"' EXIT

# The module cache is read-only; the build needs to add version.txt.
cp -R "${MODULE_DIR}/." "${WORK_DIR}/src"
chmod -R u+w "${WORK_DIR}/src"
mkdir -p "${WORK_DIR}/src/build/version"
printf '%s' "${VERSION}" >"${WORK_DIR}/src/build/version/version.txt"

say "building ${VERSION} into ${BIN} (about a minute the first time)"
# Build to a temp name, then rename, so a concurrent reader never sees half a binary.
(cd "${WORK_DIR}/src" && go build -o "${BIN}.tmp.$$" ./cmd/ferretdb) \
  || { rm -f "${BIN}.tmp.$$"; die "go build ./cmd/ferretdb failed (see the output above)"; }
mv -f "${BIN}.tmp.$$" "${BIN}"

"${BIN}" --version >/dev/null 2>&1 || die "built ${BIN} but it does not run: $("${BIN}" --version 2>&1 || true)"
say "done: $("${BIN}" --version 2>&1 | head -n 1)"
