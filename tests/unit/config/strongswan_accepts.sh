#!/bin/sh
# strongswan_accepts.sh TOP DATA_DIR - the compatibility claim, tested:
# real strongSwan (charon + swanctl) loads reswan's fixture configurations
# (minus the reswan-only resumption blocks) and reads them the same way.
# Needs root for the network namespace; exits 77 (skip) otherwise.
set -eu
top=$1 data=$2
IT_PREFIX=config$$
. "$top/tests/interop/lib.sh"
if [ "$(id -u)" != 0 ] || [ ! -x /usr/lib/ipsec/charon ] ||
	! command -v swanctl >/dev/null 2>&1; then
	echo "SKIP: needs root and strongSwan (charon, swanctl)"
	exit 77
fi
work=$(mktemp -d /tmp/reswan-swcompat.XXXXXX)
trap 'interop_cleanup; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

it_netns_pair
for fx in gateway roadwarrior; do
	dir="$work/$fx"
	mkdir -p "$dir"
	it_strongswan_conf "$dir" 1
	cp -r "$data/$fx" "$dir/swanctl"
	# drop the reswan extension: strongSwan rejects unknown sections
	awk '/^\t\tresumption \{/ { skip = 1 } !skip { print }
	     skip && /^\t\t\}/ { skip = 0 }' "$data/$fx/swanctl.conf" \
		>"$dir/swanctl/swanctl.conf"
	it_charon_start "$IT_NS_A" "$dir"
	it_swanctl "$dir" --load-pools >"$dir/pools.out" 2>&1 ||
		fail "$fx: load-pools: $(cat "$dir/pools.out")"
	it_swanctl "$dir" --load-conns >"$dir/conns.out" 2>&1 ||
		fail "$fx: load-conns: $(cat "$dir/conns.out")"
	it_swanctl "$dir" --list-conns >"$dir/list.out" 2>&1
	kill "$(cat "$dir/charon.pid")" 2>/dev/null || true
	sleep 0.3
done
g="$work/gateway/list.out"
grep -q "^rw: IKEv2, no reauthentication, rekeying every 28800s, dpd delay 30s" "$g" || fail "rw: $(cat "$g")"
grep -q "id: \*\.example" "$g" || fail "rw remote id: $(cat "$g")"
grep -q "rw-net: TUNNEL, rekeying every 7200s" "$g" || fail "rw-net: $(cat "$g")"
grep -q "local:  10.10.0.0/16 2001:db8:10::/48" "$g" || fail "rw-net ts: $(cat "$g")"
grep -q "^branch: IKEv2" "$g" || fail "branch: $(cat "$g")"
grep -q "local pre-shared key authentication" "$g" || fail "branch psk: $(cat "$g")"
grep -q "lan: TUNNEL, rekeying every 3600s or 1073741824 bytes or 1000000 packets, dpd action is start" "$g" ||
	fail "lan: $(cat "$g")"
grep -q "remote: 10.30.0.0/16 10.31.0.0/16\[tcp/1024-2048\]" "$g" || fail "lan ts: $(cat "$g")"
grep -q "successfully loaded 2 pools" "$work/gateway/pools.out" || fail "pools"
r="$work/roadwarrior/list.out"
grep -q "^home: IKEv1/2, no reauthentication, rekeying every 14400s, dpd delay 60s" "$r" ||
	fail "home: $(cat "$r")"
grep -q "remote: 0.0.0.0/0 ::/0" "$r" || fail "home ts: $(cat "$r")"
echo "strongswan_accepts: ok"
