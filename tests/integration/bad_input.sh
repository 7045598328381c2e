#!/bin/bash
# Garbage at the gateway's IKE and NAT-T ports: random bytes, truncated
# headers, headers whose length field lies, a wrong version, malformed
# IKE_SA_INIT payloads, a near-64 KiB datagram, short NAT-T junk, ESP and
# keepalives.  The daemon stays up, counts every datagram where it
# belongs, and still serves a legitimate client afterwards.
. "$(dirname "$0")/lib.sh"

it_conf_gateway "$IT_DIR/gw.conf"
it_conf_client "$IT_DIR/cl.conf"
it_start gw "$IT_DIR/gw.conf" "$IT_GW" "$IT_GW_PORT"

S0=$IT_DIR/stats0.json S1=$IT_DIR/stats1.json
it_rs gw stats --json >"$S0" || it_fail "stats"
"$ITEST_TOOL" junk "$IT_GW" "$IT_GW_PORT" 4500 >"$IT_DIR/junk.out" ||
	it_fail "itest_tool junk"
cat "$IT_DIR/junk.out" >&2
. "$IT_DIR/junk.out"	# ike_invalid=... natt_invalid=... (key=value lines)
sent=$((ike_invalid + natt_ike_invalid + natt_invalid + natt_esp + natt_keepalive + other))

# All of it read (the tool paces its sends; give the loop a moment).
received() {
	it_rs gw stats --json >"$S1" &&
	[ "$(jq '.net["rx-datagrams"]' "$S1")" -ge $(($(jq '.net["rx-datagrams"]' "$S0") + sent)) ]
}
it_wait_for 10 "the gateway to read $sent datagrams" received
it_alive gw || it_fail "reswand died on malformed input"

d() { echo $(($(jq "$1" "$S1") - $(jq "$1" "$S0"))); }
[ "$(d '.ike["rx-invalid"]')" -eq $((ike_invalid + natt_ike_invalid)) ] ||
	it_fail "rx-invalid grew by $(d '.ike["rx-invalid"]'), expected $((ike_invalid + natt_ike_invalid))"
[ "$(d '.ike["rx-unknown-spi"]')" -eq "$other" ] ||
	it_fail "rx-unknown-spi grew by $(d '.ike["rx-unknown-spi"]'), expected $other"
[ "$(d '.net["natt-invalid"]')" -eq "$natt_invalid" ] || it_fail "natt-invalid $(d '.net["natt-invalid"]') != $natt_invalid"
[ "$(d '.net["natt-esp"]')" -eq "$natt_esp" ] || it_fail "natt-esp $(d '.net["natt-esp"]') != $natt_esp"
[ "$(d '.net["natt-esp-dropped"]')" -eq "$natt_esp" ] || it_fail "natt-esp-dropped"
[ "$(d '.net["natt-keepalive"]')" -eq "$natt_keepalive" ] || it_fail "natt-keepalive"
[ "$(d '.net["natt-ike"]')" -eq "$natt_ike_invalid" ] || it_fail "natt-ike $(d '.net["natt-ike"]') != $natt_ike_invalid"
[ "$(d '.net["rx-truncated"]')" -eq 0 ] || it_fail "rx-truncated"
[ "$(jq '.ike["ike-sas"]' "$S1")" -eq 0 ] || it_fail "junk created IKE SAs"

# The same counter in `reswan status --json`, as operators see it.
G=$IT_DIR/gw.json
it_json gw "$G"
it_jq "$G" ".stats[\"rx-invalid\"] >= $((ike_invalid + natt_ike_invalid))"

# Still serving.
it_start cl "$IT_DIR/cl.conf" "$IT_CL" "$IT_CL_PORT"
out=$(it_rs cl up --timeout 20 home) || it_fail "reswan up after the junk: $out"
it_stop cl
it_stop gw
it_log "ok ($sent datagrams)"
