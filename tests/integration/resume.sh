#!/bin/bash
# Session resumption between two reswand processes: a full handshake
# leaves a ticket, the next `reswan up` resumes (the accounting logs say
# so), `reswan cache list|stats|revoke` show and remove the gateway's
# record, and after a revoke the client falls back to a full handshake.
# The gateway's cache is persistent: after a restart the client resumes.
. "$(dirname "$0")/lib.sh"

STORE=$IT_DIR/gw-store
it_conf_gateway "$IT_DIR/gw.conf" "resumption {
			store = $STORE
		}"
it_conf_client "$IT_DIR/cl.conf" "resumption {
		}"
it_start gw "$IT_DIR/gw.conf" "$IT_GW" "$IT_GW_PORT"
it_start cl "$IT_DIR/cl.conf" "$IT_CL" "$IT_CL_PORT"

setup_of() { it_rs "$1" status --json | jq -r '.["ike-sas"][0].setup'; }
stat_of() { it_rs "$1" stats --json | jq -r ".resumption[\"$2\"]"; }
cycle() { # cycle EXPECTED-SETUP
	out=$(it_rs cl up --timeout 20 home) || it_fail "reswan up: $out"
	[ "$(setup_of cl)" = "$1" ] || it_fail "client: setup $(setup_of cl), want $1"
	[ "$(setup_of gw)" = "$1" ] || it_fail "gateway: setup $(setup_of gw), want $1"
	out=$(it_rs cl down --timeout 20 home) || it_fail "reswan down: $out"
}

cycle full
cycle resume
cycle resume
[ "$(stat_of gw resumed)" = 2 ] || it_fail "gateway counted $(stat_of gw resumed) resumptions"
[ "$(stat_of cl attempts)" = 2 ] || it_fail "client counted $(stat_of cl attempts) attempts"

# One lineage on the gateway, for client.test, with the three sessions.
out=$(it_rs gw cache list --json) || it_fail "cache list: $out"
echo "$out" >"$IT_DIR/list.json"
it_jq "$IT_DIR/list.json" '.records | length == 1'
it_jq "$IT_DIR/list.json" '.records[0].connection == "gw" or .records[0].conn == "gw"'
it_rs gw cache list | grep -q client.test || it_fail "cache list does not show client.test"
it_rs gw cache stats --json >"$IT_DIR/stats.json" || it_fail "cache stats"
it_jq "$IT_DIR/stats.json" '.cache.count == 1'
it_jq "$IT_DIR/stats.json" '.exchange.resumed == 2'

# Both accounting logs: full, resume, resume.
for n in gw cl; do
	got=$(tail -n +2 "$IT_DIR/$n.acct" | awk -F, '{print $NF}' | paste -sd' ')
	[ "$got" = "full resume resume" ] || it_fail "$n accounting setups: '$got'"
done

# The gateway restarts: the persistent cache still lets the client resume.
it_stop gw
it_start gw "$IT_DIR/gw.conf" "$IT_GW" "$IT_GW_PORT"
cycle resume

# Revoked: the next connect falls back to a full handshake.
out=$(it_rs gw cache revoke client.test) || it_fail "cache revoke: $out"
echo "$out" | grep -q 'revoked 1 record' || it_fail "revoke said: $out"
cycle full
[ "$(stat_of cl fallbacks)" = 1 ] || it_fail "client counted $(stat_of cl fallbacks) fallbacks"
out=$(it_rs gw cache revoke ipv4:300.1.2.3) && it_fail "a bad identity was accepted: $out"
out=$(it_rs gw cache revoke '*@example.org') && it_fail "a wildcard was accepted: $out"
it_stop cl
it_stop gw
it_log "ok"
