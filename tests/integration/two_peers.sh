#!/bin/bash
# Two reswand processes on loopback, a PSK gateway and its client:
# `reswan up` establishes one IKE SA with one Child SA that both sides
# describe identically (SPIs, algorithms, mirrored SPIs and traffic
# selectors), `reswan down` removes it on both sides, and each side's
# accounting log gets exactly one line for the session.
. "$(dirname "$0")/lib.sh"

it_conf_gateway "$IT_DIR/gw.conf"
it_conf_client "$IT_DIR/cl.conf"
it_start gw "$IT_DIR/gw.conf" "$IT_GW" "$IT_GW_PORT"
it_start cl "$IT_DIR/cl.conf" "$IT_CL" "$IT_CL_PORT"

out=$(it_rs cl up --timeout 20 home) || it_fail "reswan up failed: $out"
it_log "up: $out"

G=$IT_DIR/gw.json C=$IT_DIR/cl.json
it_json gw "$G"
it_json cl "$C"
for f in "$G" "$C"; do
	it_jq "$f" '.["ike-sas"] | length == 1'
	it_jq "$f" '.["ike-sas"][0].state == "ESTABLISHED"'
	it_jq "$f" '.["ike-sas"][0]["child-sas"] | length == 1'
	it_jq "$f" '.["ike-sas"][0]["child-sas"][0].state == "INSTALLED"'
	it_jq "$f" '.stats["ike-sas"] == 1 and .stats["child-sas"] == 1'
done
it_jq "$C" '.["ike-sas"][0].initiator == "yes"'
it_jq "$G" '.["ike-sas"][0].initiator == "no"'
it_jq "$C" '.["ike-sas"][0]["local-id"] == "client.test" and .["ike-sas"][0]["remote-id"] == "gw.test"'
it_jq "$G" '.["ike-sas"][0]["local-id"] == "gw.test" and .["ike-sas"][0]["remote-id"] == "client.test"'
it_jq "$C" ".[\"ike-sas\"][0][\"remote-host\"] == \"$IT_GW\" and .[\"ike-sas\"][0][\"local-host\"] == \"$IT_CL\""

# The same SPIs and algorithms on both sides.
for k in initiator-spi responder-spi encr-alg encr-keysize prf-alg dh-group; do
	a=$(it_jqv "$G" ".[\"ike-sas\"][0][\"$k\"]")
	b=$(it_jqv "$C" ".[\"ike-sas\"][0][\"$k\"]")
	[ "$a" = "$b" ] && [ "$a" != null ] || it_fail "IKE SA $k: gateway '$a', client '$b'"
done
it_jq "$G" '.["ike-sas"][0]["encr-alg"] == "AES_GCM_16" and .["ike-sas"][0]["encr-keysize"] == 256'
it_jq "$G" '.["ike-sas"][0]["prf-alg"] == "PRF_HMAC_SHA2_256" and .["ike-sas"][0]["dh-group"] == "CURVE_25519"'
it_jq "$G" '.["ike-sas"][0]["initiator-spi"] != "0000000000000000" and .["ike-sas"][0]["responder-spi"] != "0000000000000000"'

# The Child SA: one side's inbound SPI is the other's outbound, the same
# algorithms, and the selectors mirrored.
gc='.["ike-sas"][0]["child-sas"][0]'
[ "$(it_jqv "$G" "$gc[\"spi-in\"]")" = "$(it_jqv "$C" "$gc[\"spi-out\"]")" ] ||
	it_fail "gateway spi-in != client spi-out"
[ "$(it_jqv "$G" "$gc[\"spi-out\"]")" = "$(it_jqv "$C" "$gc[\"spi-in\"]")" ] ||
	it_fail "gateway spi-out != client spi-in"
for k in encr-alg encr-keysize esn protocol mode encap; do
	a=$(it_jqv "$G" "$gc[\"$k\"]")
	b=$(it_jqv "$C" "$gc[\"$k\"]")
	[ "$a" = "$b" ] || it_fail "Child SA $k: gateway '$a', client '$b'"
done
[ "$(jq -c "$gc[\"local-ts\"]" "$G")" = "$(jq -c "$gc[\"remote-ts\"]" "$C")" ] ||
	it_fail "gateway local-ts != client remote-ts"
[ "$(jq -c "$gc[\"remote-ts\"]" "$G")" = "$(jq -c "$gc[\"local-ts\"]" "$C")" ] ||
	it_fail "gateway remote-ts != client local-ts"
it_jq "$G" "$gc[\"local-ts\"] == [\"10.1.0.0/16\"]"
it_jq "$G" "$gc[\"remote-ts\"] == [\"$IT_CL/32\"]"

# The text status names the connection and the state.
it_rs gw status | grep -q "^gw: #1, ESTABLISHED" || it_fail "text status of the gateway"

# Down from the client: gone on both sides (the gateway learns it from the
# DELETE, so allow it a moment).
out=$(it_rs cl down home) || it_fail "reswan down failed: $out"
it_json cl "$C"
it_jq "$C" '.["ike-sas"] | length == 0'
gw_empty() { it_json gw "$G"; jq -e '.["ike-sas"] | length == 0' "$G" >/dev/null; }
it_wait_for 5 "the gateway to drop the IKE SA" gw_empty
it_jq "$G" '.stats["child-sas"] == 0 and .stats["established-total"] == 1'

# A second session, deleted by number from the gateway side.
it_rs cl up --timeout 20 home >/dev/null || it_fail "second reswan up"
it_json gw "$G"
n=$(it_jqv "$G" '.["ike-sas"][0].uniqueid')
out=$(it_rs gw down "#$n") || it_fail "reswan down #$n on the gateway: $out"
cl_empty() { it_json cl "$C"; jq -e '.["ike-sas"] | length == 0' "$C" >/dev/null; }
it_wait_for 5 "the client to drop the IKE SA" cl_empty

# Accounting: a header and one line per session on each side.
for side in gw cl; do
	f=$IT_DIR/$side.acct
	[ "$(head -n 1 "$f")" = "user,session_id,connect,disconnect,bytes_in,bytes_out,setup" ] ||
		it_fail "$f: header: $(head -n 1 "$f")"
	[ "$(wc -l <"$f")" = 3 ] || it_fail "$f: expected 2 sessions: $(cat "$f")"
done
peer_gw=client.test peer_cl=gw.test
for side in gw cl; do
	eval "peer=\$peer_$side"
	tail -n 2 "$IT_DIR/$side.acct" | while IFS=, read -r user sid conn disc bin bout setup; do
		[ "$user" = "$peer" ] || it_fail "$side accounting user '$user'"
		echo "$sid" | grep -Eq '^[0-9]{16}-[0-9]+$' || it_fail "$side session id '$sid'"
		echo "$conn" | grep -Eq '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' ||
			it_fail "$side connect time '$conn'"
		echo "$disc" | grep -Eq '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' ||
			it_fail "$side disconnect time '$disc'"
		[ "$bin" = 0 ] && [ "$bout" = 0 ] || it_fail "$side bytes $bin/$bout"
		[ "$setup" = full ] || it_fail "$side setup '$setup'"
	done || exit 1
done
# Session ids differ between the sessions.
[ "$(tail -n 2 "$IT_DIR/gw.acct" | cut -d, -f2 | sort -u | wc -l)" = 2 ] ||
	it_fail "session ids repeat"

it_stop cl
it_stop gw
[ ! -e "$IT_DIR/gw.ctl" ] || it_fail "control socket left behind"
[ ! -e "$IT_DIR/gw.pid" ] || it_fail "pidfile left behind"
it_log "ok"
