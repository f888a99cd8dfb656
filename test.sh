#!/usr/bin/env bash
# The one test command: on a fresh Debian machine it installs what the tests need (Debian packages only),
# builds with warnings as errors and runs every test project. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '\n==> %s\n' "$*"; }

# --- prerequisites ---------------------------------------------------------------------------------
command -v dotnet >/dev/null || { echo "error: the .NET SDK is not on PATH (see global.json for the version)." >&2; exit 1; }

missing=()
# Integration tests start throwaway PostgreSQL clusters from the Debian server binaries when no Docker engine answers.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
# The Windows Authentication tests run a throwaway MIT Kerberos realm (tests/DestinationPortal.IntegrationTests/Kerberos).
[[ -x /usr/sbin/krb5kdc ]] || missing+=(krb5-kdc)
[[ -x /usr/sbin/kadmin.local ]] || missing+=(krb5-admin-server)
[[ -x /usr/bin/kinit ]] || missing+=(krb5-user)
# Windows sign-in tests use Debian's curl (built with GSS-API) as the browser that answers the Negotiate challenge.
[[ -x /usr/bin/curl ]] || missing+=(curl)
# End-to-end tests drive Debian's Chromium: Playwright cannot download its own browser on these machines.
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# Scale-out tests (issue 14) start throwaway Redis servers and an HAProxy in front of two portals.
[[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
[[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)

if ((${#missing[@]})); then
  log "Installing missing Debian packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
  elif command -v sudo >/dev/null; then
    SUDO=(sudo)
  else
    echo "error: missing ${missing[*]}; install them with: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  # krb5-kdc and krb5-admin-server start a stock KDC for a default realm when installed; the tests only need the
  # binaries. Where no policy-rc.d forbids service starts (containers usually have one), add one for the install.
  added_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
    added_policy=true
  fi
  install_status=0
  { "${SUDO[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } || install_status=$?
  if [[ $added_policy == true ]]; then
    "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d
  fi
  ((install_status == 0)) || exit "$install_status"
fi

# --- build and test ----------------------------------------------------------------------------------
log "Restoring"
dotnet restore DestinationPortal.sln

log "Building (warnings are errors)"
dotnet build DestinationPortal.sln --no-restore -c Release

log "Testing"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
set +e
# -m:1: the test assemblies run one after another. On a 2-core machine, browser journeys and the sign-in timing medians
# running beside the integration suite's PostgreSQL clusters and Kerberos realm were starved into timeouts.
dotnet test DestinationPortal.sln --no-build -c Release -m:1 2>&1 | tee "$results"
status=${PIPESTATUS[0]}
set -e

# One closing line over all test assemblies, in the plain form CI reads.
awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "\nTests: %d passed, %d failed, %d skipped\n", p, f, s }' "$results"

if grep -qE 'Skipped: +[1-9]' "$results"; then
  echo "error: tests were skipped; a skipped test proves nothing." >&2
  exit 1
fi
exit "$status"
