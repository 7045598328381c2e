#!/bin/sh
# cli_config.sh RESWAN DATA_DIR - `reswan config check|show` exit codes
# and messages on the fixtures and on a broken file.
set -eu
reswan=$1 data=$2
tmp=$(mktemp -d /tmp/reswan-cli-config.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$reswan" config check "$data/gateway/swanctl.conf" 2>&1) ||
	fail "gateway rejected: $out"
echo "$out" | grep -q "OK, 2 connection(s), 0 warning(s)" || fail "check: $out"

out=$("$reswan" config show "$data/roadwarrior/swanctl.conf" 2>&1) ||
	fail "roadwarrior rejected: $out"
echo "$out" | grep -q "^connection home " || fail "show: $out"
echo "$out" | grep -q "resumption: established lifetime 4h" || fail "show: $out"

printf 'connections {\n c {\n  mobike = yes\n  local { auth = psk }\n }\n}\n' \
	>"$tmp/bad.conf"
rc=0
out=$("$reswan" config check "$tmp/bad.conf" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "bad file: exit $rc, want 1"
echo "$out" | grep -q "^error: $tmp/bad.conf:3: connections.c.mobike: .*mobike not supported" ||
	fail "bad file: $out"

rc=0
"$reswan" config frobnicate x >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "usage: exit $rc, want 2"
rc=0
"$reswan" config check --no-file-checks >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "missing file argument: exit $rc, want 2"
echo "cli_config: ok"
