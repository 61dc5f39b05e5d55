#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: the real az CLI (Debian's azure-cli
# package, driven by the end-to-end tests), python3 (the KQL conformance runners), jq
# (challenge.md's KQL helpers, run by `soclab verify` in e2e/challenge_test.go), chromium (the
# class report's HTML rendered in classreport's tests, the portal's browser tests in
# e2e/portal_browser_test.go) and chromium-driver, zsh and fish (`soclab env --shell` is
# evaluated in each) and zip (make release's Windows archives), then the Go modules. Without
# root or apt-get it only warns: the az tests then skip, loudly.
set -euo pipefail
need=()
command -v az >/dev/null 2>&1 || need+=(azure-cli)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v fish >/dev/null 2>&1 || need+=(fish)
command -v zip >/dev/null 2>&1 || need+=(zip)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "WARNING: ${need[*]} missing and cannot be installed here (need root + apt-get); tests that need them will skip" >&2
  fi
fi
go mod download
