#!/bin/bash
# The control protocol and the CLI's errors: framing, pipelining, unknown
# commands, overlong and binary lines, argument checks, many clients at
# once, asynchronous failures, reload with a broken configuration (the old
# one stays, FILE:LINE is reported), SIGHUP, a request answered while the
# daemon exits, a second daemon on the same socket, and a stale socket left
# by a killed daemon.
. "$(dirname "$0")/lib.sh"

it_conf_gateway "$IT_DIR/gw.conf"
it_conf_client "$IT_DIR/cl.conf"
it_start gw "$IT_DIR/gw.conf" "$IT_GW" "$IT_GW_PORT"
SOCK=$IT_DIR/gw.ctl

ctl() { printf "$1" | "$ITEST_TOOL" ctl "$SOCK"; }
expect() {
	# expect "request" "expected output" (itest_tool ctl's summary)
	got=$(ctl "$1") || it_fail "control session '$1': $got"
	[ "$got" = "$2" ] || it_fail "request '$1': got
$got
expected
$2"
}

# The socket is private.
[ "$(stat -c %a "$SOCK")" = 600 ] || it_fail "socket mode $(stat -c %a "$SOCK")"

expect 'bogus\n' "ERR unknown command 'bogus' (try 'help')"
expect 'help\n' "OK help             list the commands"
expect 'up\n' "ERR usage: up CONN"
expect 'up a b\n' "ERR usage: up CONN"
expect 'status yaml\n' "ERR usage: status [json]"
expect 'up nope\n' "ERR no connection named 'nope'"
expect 'down nope\n' "ERR no IKE SA matches 'nope'"
expect 'down #x\n' "ERR '#x' is not an IKE SA number (#N)"
expect 'down #\n' "ERR '#' is not an IKE SA number (#N)"
expect 'status\x01\n' "ERR request contains control characters"
expect 'status\0json\n' "ERR request contains control characters"
expect 'a b c d e f g h i j k l m n o p q\n' "ERR too many words in the request (at most 16)"
# Blank lines are not answered; CRLF is accepted; requests are answered in
# order on one connection.
out=$(ctl '\n\r\nhelp\r\nbogus\nstats json\nstatus json\nup nope\n')
[ "$(echo "$out" | cut -d' ' -f1 | tr '\n' ' ')" = "OK ERR OK OK ERR " ] ||
	it_fail "pipelined replies: $out"
# An overlong line is refused and the connection closed.
long=$(head -c 5000 /dev/zero | tr '\0' a)
expect "$long" "ERR request line longer than 4095 bytes
closed"
expect "$long\nhelp\n" "ERR request line longer than 4095 bytes
closed"
# A line of exactly the maximum is read (and is an unknown command).
max=$(head -c 4095 /dev/zero | tr '\0' b)
out=$(ctl "$max\n")
echo "$out" | grep -q "^ERR unknown command 'bbbb" || it_fail "4095-byte line: $out"

# Many clients at once: CTL_MAX_CLIENTS (64) are served, the rest refused.
out=$("$ITEST_TOOL" clients "$SOCK" 70)
echo "$out" | grep -qx "ok=64" && echo "$out" | grep -qx "refused=6" ||
	it_fail "70 clients: $out"
it_rs gw status >/dev/null || it_fail "status after many clients"

# CLI errors and exit statuses.
out=$(it_rs gw up nope 2>&1) && it_fail "reswan up nope succeeded"
[ "$out" = "no connection named 'nope'" ] || it_fail "reswan up nope: $out"
out=$(it_rs gw up gw 2>&1) && it_fail "reswan up of a responder-only connection succeeded"
[ "$out" = "cannot initiate 'gw': it needs one remote address (remote_addrs)" ] || it_fail "up gw: $out"
out=$(it_rs gw down nope 2>&1) && it_fail "reswan down nope succeeded"
[ "$out" = "no IKE SA matches 'nope'" ] || it_fail "reswan down nope: $out"
out=$("$RESWAN" status --socket "$IT_DIR/none.ctl" 2>&1) && it_fail "status without daemon"
[ "$out" = "reswan: cannot connect to reswand at $IT_DIR/none.ctl: No such file or directory" ] ||
	it_fail "status without daemon: $out"
"$RESWAN" up --socket "$SOCK" 2>/dev/null; [ $? = 2 ] || it_fail "reswan up without CONN: not a usage error"
"$RESWAN" status --socket "$SOCK" --bogus 2>/dev/null; [ $? = 2 ] || it_fail "reswan status --bogus"
"$RESWAN" up --timeout 0 --socket "$SOCK" gw 2>/dev/null; [ $? = 2 ] || it_fail "--timeout 0"

# An asynchronous failure: the client initiates towards a gateway that
# does not answer (the wrong port), and `up` reports the timeout.
it_conf_client "$IT_DIR/lost.conf"
sed -i "s/remote_port = 4500/remote_port = $((IT_GW_PORT + 7))/" "$IT_DIR/lost.conf"
it_start cl "$IT_DIR/lost.conf" "$IT_CL" "$IT_CL_PORT" \
	--retransmit-timeout 100ms --retransmit-tries 2
out=$(it_rs cl up --timeout 20 home 2>&1) && it_fail "up towards nobody succeeded"
echo "$out" | grep -q "^home: peer did not answer (timed out)$" || it_fail "up towards nobody: $out"
# A CLI that gives up first is told so; the daemon is unaffected.
it_stop cl
it_start cl "$IT_DIR/lost.conf" "$IT_CL" "$IT_CL_PORT" --retransmit-timeout 5s
out=$(it_rs cl up --timeout 1 home 2>&1) && it_fail "up with a 1 s timeout succeeded"
[ "$out" = "reswan: no reply from reswand at $IT_DIR/cl.ctl within 1 s" ] || it_fail "CLI timeout: $out"
it_rs cl status >/dev/null || it_fail "client daemon after an abandoned up"
it_stop cl

# Reload with a broken file: refused with FILE:LINE, the old one stays.
cp "$IT_DIR/gw.conf" "$IT_DIR/gw.good"
sed -i 's/^\t\tproposals = .*/&\n\t\tmobike = yes/' "$IT_DIR/gw.conf"
line=$(grep -n 'mobike = yes' "$IT_DIR/gw.conf" | cut -d: -f1)
out=$(it_rs gw reload 2>&1) && it_fail "reload of a broken file succeeded"
echo "$out" | grep -q "$IT_DIR/gw.conf:$line: .*mobike" || it_fail "reload: no FILE:LINE: $out"
echo "$out" | grep -q "previous configuration stays in force" || it_fail "reload: $out"
it_start cl "$IT_DIR/cl.conf" "$IT_CL" "$IT_CL_PORT"
it_rs cl up --timeout 20 home >/dev/null || it_fail "up after a failed reload"
# SIGHUP with the broken file: the daemon stays, and says why in its log.
eval "kill -HUP \$IT_PID_gw"
it_wait_for 5 "the SIGHUP reload to be refused" grep -q "reload: $IT_DIR/gw.conf:$line:" "$IT_DIR/gw.log"
it_alive gw || it_fail "the gateway died on SIGHUP"
# Fixed file: reload succeeds; the established SA is kept.
cp "$IT_DIR/gw.good" "$IT_DIR/gw.conf"
out=$(it_rs gw reload 2>&1) || it_fail "reload of the fixed file: $out"
[ "$out" = "reloaded $IT_DIR/gw.conf" ] || it_fail "reload: $out"
S=$IT_DIR/s.json
it_rs gw stats --json >"$S"
it_jq "$S" '.daemon.reloads == 1 and .daemon["reload-failures"] == 2'
it_jq "$S" '.ike["ike-sas"] == 1'
it_jq "$S" '.control.refused == 6'

# A second daemon on the same socket is refused.
"$RESWAND" -c "$IT_DIR/gw.conf" --socket "$SOCK" --listen "$IT_GW" \
	--port $((IT_GW_PORT + 5)) --natt-port $((IT_GW_PORT + 6)) >"$IT_DIR/second.out" 2>&1 &&
	it_fail "a second reswand started on the same socket"
grep -q "another reswand is running" "$IT_DIR/second.out" || it_fail "second: $(cat "$IT_DIR/second.out")"
it_rs gw status >/dev/null || it_fail "the first daemon lost its socket"

# A request still waiting when the daemon exits is answered: the gateway
# stops answering, the client's DELETE goes unanswered, and SIGTERM ends
# the wait after the 3 s of an orderly shutdown.
eval "kill -STOP \$IT_PID_gw"
it_rs cl down --timeout 30 home >"$IT_DIR/down.out" 2>&1 &
down=$!
IT_PIDS="$IT_PIDS $down"
sleep 0.5
it_stop cl
wait "$down" || it_fail "down during shutdown: $(cat "$IT_DIR/down.out")"
[ "$(cat "$IT_DIR/down.out")" = "home: deleted" ] || it_fail "down during shutdown: $(cat "$IT_DIR/down.out")"
eval "kill -CONT \$IT_PID_gw"

# A stale socket (the daemon was killed) is replaced.
eval "kill -9 \$IT_PID_gw; wait \$IT_PID_gw 2>/dev/null"
[ -S "$SOCK" ] || it_fail "no stale socket to test with"
it_start gw "$IT_DIR/gw.conf" "$IT_GW" "$IT_GW_PORT"
it_rs gw status >/dev/null || it_fail "status after replacing a stale socket"
it_stop gw
# Something that is not a socket is never replaced.
echo keep >"$SOCK"
"$RESWAND" -c "$IT_DIR/gw.conf" --socket "$SOCK" --listen "$IT_GW" \
	--port "$IT_GW_PORT" >"$IT_DIR/file.out" 2>&1 && it_fail "started over a regular file"
grep -q "exists and is not a socket" "$IT_DIR/file.out" || it_fail "regular file: $(cat "$IT_DIR/file.out")"
[ "$(cat "$SOCK")" = keep ] || it_fail "the regular file was touched"
it_log "ok"
