# Sourced by scripts/run, scripts/test and the other scripts: make .venv, install
# exactly the releases that requirements/ locks (hash-checked), then verifier itself,
# editable and with --no-deps, so nothing unlocked comes in (docs/dependencies.md).
# Installs again only when the lock or pyproject.toml changed. Needs only Python 3.11+.
#   VERIFIER_EXTRAS=test  -> requirements/test.txt (runtime + test tools)
#   otherwise             -> requirements/runtime.txt
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "error: Python 3.11 or newer is needed (found $("$PYTHON" --version 2>&1))" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
lock=requirements/${VERIFIER_EXTRAS:-runtime}.txt
[ -f "$lock" ] || { echo "error: no lock $lock (VERIFIER_EXTRAS=${VERIFIER_EXTRAS:-})" >&2; exit 1; }
# pyproject.toml too: the editable install writes its entry points and metadata.
stamp=".venv/.installed-$(cat "$lock" pyproject.toml | sha256sum | cut -c1-16)-$(basename "$lock" .txt)"
# pip warns once per package about a configured file:// index that lacks it (a partial
# local mirror); that says nothing about the project and would bury real messages.
_venv_pip_install() {
  python -m pip install -q "$@" 2> >(grep -v -E \
    "^WARNING: Location 'file:[^']*' is ignored: it is neither a file nor a directory\.$" >&2)
}
if [ ! -f "$stamp" ]; then
  # The locked pip first, on its own: pip replacing itself amid a larger install is fragile.
  _venv_pip_install --require-hashes --no-deps \
    -r <(awk '/^pip==/ { keep = 1; print; next } keep && /^ / { print; next } { keep = 0 }' "$lock")
  _venv_pip_install --require-hashes -r "$lock"
  # Built by the locked setuptools from the lock, not by one fetched into an isolated build.
  # setuptools' notice at every editable install (folders named like the package may
  # shadow it) is for people running pip by hand; its deprecation warnings still show.
  PYTHONWARNINGS="ignore:Editable installation" \
    _venv_pip_install --no-deps --no-build-isolation -e .
  # A dependency added to pyproject.toml but not yet locked shows here, not at run time.
  if ! problems=$(python -m pip check 2>&1); then
    echo "$problems" >&2
    echo "error: .venv does not hold what pyproject.toml asks for: after adding a dependency" \
      "there, run scripts/lock; otherwise remove .venv and try again" >&2; exit 1
  fi
  touch "$stamp"
fi
