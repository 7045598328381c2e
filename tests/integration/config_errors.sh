#!/bin/bash
# reswand refuses to start, with a clear reason and without leaving
# anything behind, on: configuration errors (every one as FILE:LINE, exit
# 1), a missing file, a missing credential, bad options (exit 2), and a port
# that is taken.
. "$(dirname "$0")/lib.sh"

run() {
	# run EXPECTED-STATUS OUTFILE reswand-args...
	want=$1 out=$2
	shift 2
	"$RESWAND" --socket "$IT_DIR/d.ctl" --listen "$IT_GW" --port "$IT_GW_PORT" \
		"$@" >"$out" 2>&1
	rc=$?
	[ "$rc" = "$want" ] || it_fail "reswand $*: status $rc, expected $want: $(cat "$out")"
	[ ! -e "$IT_DIR/d.ctl" ] || it_fail "reswand $*: left its control socket"
}

# Two errors in one file: both reported with their lines.
cat >"$IT_DIR/bad.conf" <<'CONF'
connections {
	gw {
		proposals = aes256gcm16-prfsha256-nosuchgroup
		local {
			auth = psk
		}
		remote {
			auth = psk
		}
		mobike = yes
	}
}
CONF
run 1 "$IT_DIR/bad.out" -c "$IT_DIR/bad.conf"
grep -q "$IT_DIR/bad.conf:3: .*nosuchgroup" "$IT_DIR/bad.out" || it_fail "no FILE:3: $(cat "$IT_DIR/bad.out")"
grep -q "$IT_DIR/bad.conf:10: .*mobike" "$IT_DIR/bad.out" || it_fail "no FILE:10: $(cat "$IT_DIR/bad.out")"
grep -q "configuration rejected (2 errors)" "$IT_DIR/bad.out" || it_fail "no summary: $(cat "$IT_DIR/bad.out")"

# Syntax error.
printf 'connections {\n\tgw {\n\t\tversion = 2\n' >"$IT_DIR/syntax.conf"
run 1 "$IT_DIR/syntax.out" -c "$IT_DIR/syntax.conf"
grep -q "$IT_DIR/syntax.conf:[0-9]*: " "$IT_DIR/syntax.out" || it_fail "syntax: $(cat "$IT_DIR/syntax.out")"

# Missing file.
run 1 "$IT_DIR/missing.out" -c "$IT_DIR/nonexistent.conf"
grep -q "$IT_DIR/nonexistent.conf: cannot open" "$IT_DIR/missing.out" || it_fail "missing: $(cat "$IT_DIR/missing.out")"

# A certificate the configuration names but that is not there.
cat >"$IT_DIR/cert.conf" <<'CONF'
connections {
	gw {
		local {
			certs = nosuch.pem
		}
		remote {
		}
	}
}
CONF
run 1 "$IT_DIR/cert.out" -c "$IT_DIR/cert.conf"
grep -q "nosuch.pem" "$IT_DIR/cert.out" || it_fail "missing certificate: $(cat "$IT_DIR/cert.out")"

# Bad options: exit 2 and the reason.
it_conf_gateway "$IT_DIR/gw.conf"
run 2 "$IT_DIR/o1.out" -c "$IT_DIR/gw.conf" --port 70000
grep -q "^reswand: --port: '70000' is not a port (1-65535)" "$IT_DIR/o1.out" || it_fail "o1: $(cat "$IT_DIR/o1.out")"
run 2 "$IT_DIR/o2.out" -c "$IT_DIR/gw.conf" --retransmit-base 0.5
grep -q "retransmit-base: '0.5' is not a factor" "$IT_DIR/o2.out" || it_fail "o2: $(cat "$IT_DIR/o2.out")"
run 2 "$IT_DIR/o3.out" -c "$IT_DIR/gw.conf" --listen gw.example
grep -q "host names are not supported" "$IT_DIR/o3.out" || it_fail "o3: $(cat "$IT_DIR/o3.out")"
run 2 "$IT_DIR/o4.out" -c "$IT_DIR/gw.conf" --natt-port "$IT_GW_PORT"
grep -q "must differ" "$IT_DIR/o4.out" || it_fail "o4: $(cat "$IT_DIR/o4.out")"
run 2 "$IT_DIR/o5.out" -c "$IT_DIR/gw.conf" --frobnicate
grep -q "unknown option '--frobnicate'" "$IT_DIR/o5.out" || it_fail "o5: $(cat "$IT_DIR/o5.out")"
run 0 "$IT_DIR/help.out" --help
grep -q -- "--cookie-threshold" "$IT_DIR/help.out" || it_fail "--help"

# An accounting log that cannot be opened.
run 1 "$IT_DIR/acct.out" -c "$IT_DIR/gw.conf" --natt-port 4500 --accounting "$IT_DIR/no/such/dir.csv"
grep -q "accounting log $IT_DIR/no/such/dir.csv: No such file or directory" "$IT_DIR/acct.out" ||
	it_fail "accounting: $(cat "$IT_DIR/acct.out")"

# A port that is taken: one daemon runs, a second on the same address and
# port (another socket) cannot bind and says so.
it_start gw "$IT_DIR/gw.conf" "$IT_GW" "$IT_GW_PORT"
run 1 "$IT_DIR/busy.out" -c "$IT_DIR/gw.conf" --natt-port $((IT_GW_PORT + 3))
grep -q "bind $IT_GW\[$IT_GW_PORT\]: Address already in use" "$IT_DIR/busy.out" ||
	it_fail "busy port: $(cat "$IT_DIR/busy.out")"
it_stop gw
it_log "ok"
