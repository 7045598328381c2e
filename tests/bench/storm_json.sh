#!/bin/sh
# `reswan bench storm` with 20 clients: after reswand is killed and
# restarted, clients come back by resumption when the cache was on disk,
# and all in full (their resumptions refused) when it was in memory.  No
# assertion on any time.
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

"$reswan" bench storm --clients 20 --json --reswand "$reswand" >"$out"
check "two rounds, both ok" '.rounds | length == 2 and all(.ok)'
check "persistent: everyone back, resumed" \
	'.rounds[0].cache == "persistent" and .rounds[0].resumed > 0 and
	 .rounds[0].resumed + .rounds[0].full == 20'
check "memory: every resumption refused, everyone back in full" \
	'.rounds[1].cache == "memory" and .rounds[1].resumed == 0 and .rounds[1].full == 20 and
	 .rounds[1].responder_counters.rejected == 20'
echo "bench storm: ok"
