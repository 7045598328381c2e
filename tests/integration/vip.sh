#!/bin/bash
# Road warrior with a virtual IP: the gateway assigns from a pool, the
# client asks for any IPv4 address; both report the same leased address,
# inside the pool, and the Child SA's selectors use it.
. "$(dirname "$0")/lib.sh"

it_conf_gateway "$IT_DIR/gw.conf" "pools = p" "pools {
	p {
		addrs = 10.3.0.0/24
	}
}"
it_conf_client "$IT_DIR/cl.conf" "vips = 0.0.0.0"
it_start gw "$IT_DIR/gw.conf" "$IT_GW" "$IT_GW_PORT"
it_start cl "$IT_DIR/cl.conf" "$IT_CL" "$IT_CL_PORT"

out=$(it_rs cl up --timeout 20 home) || it_fail "reswan up failed: $out"

G=$IT_DIR/gw.json C=$IT_DIR/cl.json
it_json gw "$G"
it_json cl "$C"
it_jq "$C" '.["ike-sas"][0].state == "ESTABLISHED"'
vip=$(it_jqv "$C" '.["ike-sas"][0]["local-vips"]')
echo "$vip" | grep -Eq '^10\.3\.0\.([0-9]{1,3})$' || it_fail "client virtual IP '$vip' is not in 10.3.0.0/24"
[ "$(it_jqv "$G" '.["ike-sas"][0]["remote-vips"]')" = "$vip" ] ||
	it_fail "gateway leased '$(it_jqv "$G" '.["ike-sas"][0]["remote-vips"]')', client has '$vip'"
it_jq "$C" ".[\"ike-sas\"][0][\"child-sas\"][0][\"local-ts\"] == [\"$vip/32\"]"
it_jq "$G" ".[\"ike-sas\"][0][\"child-sas\"][0][\"remote-ts\"] == [\"$vip/32\"]"
it_rs cl status | grep -q "$vip" || it_fail "text status of the client lacks $vip"

# The lease is released with the session and given out again.
it_rs cl down home >/dev/null || it_fail "reswan down"
gw_empty() { it_json gw "$G"; jq -e '.["ike-sas"] | length == 0' "$G" >/dev/null; }
it_wait_for 5 "the gateway to drop the IKE SA" gw_empty
it_rs cl up --timeout 20 home >/dev/null || it_fail "second reswan up"
it_json cl "$C"
vip2=$(it_jqv "$C" '.["ike-sas"][0]["local-vips"]')
echo "$vip2" | grep -Eq '^10\.3\.0\.[0-9]{1,3}$' || it_fail "second virtual IP '$vip2'"

it_stop cl

# start_action = start: the client brings the connection up by itself.
it_conf_client "$IT_DIR/auto.conf" "vips = 0.0.0.0"
sed -i 's/^\t\t\t\tesp_proposals = .*/&\n\t\t\t\tstart_action = start/' "$IT_DIR/auto.conf"
grep -q "start_action = start" "$IT_DIR/auto.conf" || it_fail "could not write auto.conf"
it_start cl "$IT_DIR/auto.conf" "$IT_CL" "$IT_CL_PORT"
cl_up() { it_json cl "$C"; jq -e '.["ike-sas"][0].state == "ESTABLISHED"' "$C" >/dev/null; }
it_wait_for 10 "start_action = start to establish the connection" cl_up
grep -q "start_action: home: established" "$IT_DIR/cl.log" || it_fail "no start_action log line"

# Log rotation: after the file is moved away, SIGHUP reopens the
# accounting log and the next session goes into a new file, with a header.
mv "$IT_DIR/cl.acct" "$IT_DIR/cl.acct.1"
eval "kill -HUP \$IT_PID_cl"
it_wait_for 5 "the SIGHUP reload" grep -q "reload: $IT_DIR/auto.conf loaded" "$IT_DIR/cl.log"
[ -f "$IT_DIR/cl.acct" ] || it_fail "SIGHUP did not reopen the accounting log"
it_rs cl down home >/dev/null || it_fail "reswan down after SIGHUP"
[ "$(wc -l <"$IT_DIR/cl.acct")" = 2 ] || it_fail "rotated log: $(cat "$IT_DIR/cl.acct")"
head -n 1 "$IT_DIR/cl.acct" | grep -q '^user,session_id,' || it_fail "rotated log has no header"
grep -q "^gw.test,.*,full$" "$IT_DIR/cl.acct" || it_fail "rotated log: $(cat "$IT_DIR/cl.acct")"

it_stop cl
it_stop gw
it_log "ok (leased $vip, then $vip2)"
