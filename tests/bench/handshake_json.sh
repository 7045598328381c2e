#!/bin/sh
# `reswan bench handshake` in full and in resume mode, 4 clients for one
# second each: every run succeeds and counts handshakes of its kind; the
# resume run has no fallbacks.  No assertion on any time or rate.
set -eu
reswan=$1 reswand=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT

check() { # check WHAT JQ-FILTER
	jq -e "$2" "$out" >/dev/null || {
		echo "FAIL: $1: jq '$2' is not true on:" >&2
		cat "$out" >&2
		exit 1
	}
}

"$reswan" bench handshake --clients 4 --duration 1 --mode full --json \
	--reswand "$reswand" >"$out"
check "full run ok" '.runs | length == 1 and .[0].ok and .[0].mode == "full"'
check "full handshakes" '.runs[0].handshakes > 0 and .runs[0].full == .runs[0].handshakes'
check "no resumption in full mode" '.runs[0].resumed == 0'
check "deletes" '.runs[0].deletes > 0'
check "responder CPU read" '.runs[0].responder_cpu_us_per_handshake >= 0'

"$reswan" bench handshake --clients 4 --duration 1 --mode resume --json \
	--reswand "$reswand" >"$out"
check "resume run ok" '.runs | length == 1 and .[0].ok and .[0].mode == "resume"'
check "resumed handshakes" '.runs[0].handshakes > 0 and .runs[0].resumed == .runs[0].handshakes'
check "every attempt resumed" '.runs[0].fallbacks == 0 and .runs[0].full == 0'
echo "bench handshake: ok"
