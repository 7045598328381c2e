#!/bin/bash
# A gateway on the wildcard addresses (the default: 0.0.0.0 and ::): it
# answers on whichever local address a peer wrote to, so the source of its
# answers must follow the destination of the request (IP_PKTINFO /
# IPV6_PKTINFO), over IPv4 and IPv6.  Binding the wildcard takes port 4500
# on every address, so CTest runs this test alone.
. "$(dirname "$0")/lib.sh"

it_conf_gateway "$IT_DIR/gw.conf"
sed -i 's/^\t\tlocal_addrs = .*/\t\tlocal_addrs = %any/' "$IT_DIR/gw.conf"
it_start gw "$IT_DIR/gw.conf" "*" "$IT_GW_PORT"

addrs="$IT_NET.1 $IT_NET.3 127.0.0.1"
if grep -q "no IPv6" "$IT_DIR/gw.log"; then
	it_log "this machine has no IPv6: the IPv6 half is not exercised"
else
	addrs="$addrs ::1"
fi
for a in $addrs; do
	out=$("$ITEST_TOOL" flood "$a" "$IT_GW_PORT" 3 5) || it_fail "flood $a"
	echo "$out" | grep -qx "responses=3" || it_fail "$a: $out"
	echo "$out" | grep -qx "wrong_src=0" || it_fail "$a: answers from another address: $out"
done
G=$IT_DIR/gw.json
it_json gw "$G"
for a in $addrs; do
	it_jq "$G" "[.[\"ike-sas\"][] | select(.[\"local-host\"] == \"$a\")] | length == 3"
done
it_stop gw
it_log "ok ($addrs)"
