# lib.sh - shared helpers for the integration tests (sourced by bash).
#
# Each test runs real reswand processes on loopback, without root: its own
# temporary directory, its own loopback addresses (127.A.B.1 for the
# gateway, 127.A.B.2 for the client; all of 127/8 is loopback on Linux) and
# its own IKE port.  The NAT-T port is 4500 on each test's own addresses,
# and clients set remote_port = 4500: a remote port other than 500 is
# used for the whole exchange with the non-ESP marker (as strongSwan does),
# so the client talks to the gateway's NAT-T socket from the start.
# Everything a test starts is killed by the EXIT trap; daemons stopped with
# it_stop must exit 0 (ASan leak reports make that fail).
#
# Environment (set by CTest): RESWAND, RESWAN, ITEST_TOOL (binaries),
# ITEST_ID (a number unique among the tests, for addresses and ports).

set -u

: "${RESWAND:?}" "${RESWAN:?}" "${ITEST_TOOL:?}" "${ITEST_ID:?}"

IT_NAME=$(basename "$0" .sh)
IT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/reswan-it-$IT_NAME.XXXXXX")
IT_PIDS=""
IT_NET="127.$((100 + ITEST_ID)).$(($$ % 200 + 20))"
IT_GW="$IT_NET.1"
IT_CL="$IT_NET.2"
IT_GW_PORT=$((21000 + ITEST_ID * 10))
IT_CL_PORT=$((IT_GW_PORT + 1))
IT_PSK="integration-test-psk-$$"

it_log() { printf 'itest %s: %s\n' "$IT_NAME" "$*" >&2; }

it_cleanup() {
	for p in $IT_PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	if [ "${IT_KEEP:-0}" = 1 ]; then
		it_log "kept $IT_DIR"
	else
		rm -rf "$IT_DIR"
	fi
}
trap it_cleanup EXIT

# Print the logs of every daemon, then fail.
it_fail() {
	printf 'itest %s: FAIL: %s\n' "$IT_NAME" "$*" >&2
	for f in "$IT_DIR"/*.log; do
		[ -f "$f" ] || continue
		printf -- '--- %s (last 40 lines)\n' "$f" >&2
		tail -n 40 "$f" >&2
	done
	exit 1
}

it_assert() {
	# it_assert "what" command...
	what=$1
	shift
	"$@" || it_fail "$what"
}

# it_conf_gateway FILE [EXTRA-CONN-LINES] [EXTRA-TOP-LEVEL]: a PSK gateway
# on $IT_GW with one child.
it_conf_gateway() {
	cat >"$1" <<EOF
connections {
	gw {
		local_addrs = $IT_GW
		proposals = aes256gcm16-prfsha256-x25519
		${2:-}
		local {
			auth = psk
			id = gw.test
		}
		remote {
			auth = psk
			id = client.test
		}
		children {
			net {
				local_ts = 10.1.0.0/16
				esp_proposals = aes256gcm16
			}
		}
	}
}
secrets {
	ike-1 {
		id-gw = gw.test
		id-cl = client.test
		secret = "$IT_PSK"
	}
}
${3:-}
EOF
}

# it_conf_client FILE [EXTRA-CONN-LINES]: the mirror image, on $IT_CL.
it_conf_client() {
	cat >"$1" <<EOF
connections {
	home {
		local_addrs = $IT_CL
		remote_addrs = $IT_GW
		remote_port = 4500
		proposals = aes256gcm16-prfsha256-x25519
		${2:-}
		local {
			auth = psk
			id = client.test
		}
		remote {
			auth = psk
			id = gw.test
		}
		children {
			net {
				remote_ts = 10.1.0.0/16
				esp_proposals = aes256gcm16
			}
		}
	}
}
secrets {
	ike-1 {
		id-gw = gw.test
		id-cl = client.test
		secret = "$IT_PSK"
	}
}
EOF
}

# it_start NAME CONF ADDR PORT [reswand options...]: start a daemon whose
# control socket is $IT_DIR/NAME.ctl, log $IT_DIR/NAME.log, accounting
# $IT_DIR/NAME.acct; wait until it answers.  ADDR "*" listens on the
# wildcard addresses (IPv4 and IPv6): only for tests that run alone, since
# it takes port 4500 on every address.
it_start() {
	name=$1 conf=$2 addr=$3 port=$4
	shift 4
	if [ "$addr" = "*" ]; then
		set -- "$@"
	else
		set -- --listen "$addr" "$@"
	fi
	"$RESWAND" -c "$conf" --socket "$IT_DIR/$name.ctl" \
		--port "$port" --natt-port 4500 --accounting "$IT_DIR/$name.acct" \
		--pidfile "$IT_DIR/$name.pid" --log-level debug "$@" \
		>>"$IT_DIR/$name.log" 2>&1 &
	pid=$!
	IT_PIDS="$IT_PIDS $pid"
	eval "IT_PID_$name=$pid"
	i=0
	until "$RESWAN" status --socket "$IT_DIR/$name.ctl" >/dev/null 2>&1; do
		i=$((i + 1))
		kill -0 "$pid" 2>/dev/null || it_fail "reswand $name exited at startup"
		[ $i -gt 100 ] && it_fail "reswand $name did not answer within 10 s"
		sleep 0.1
	done
}

# it_stop NAME: SIGTERM, wait, and require exit status 0.
it_stop() {
	eval "pid=\$IT_PID_$1"
	kill -TERM "$pid" 2>/dev/null || it_fail "reswand $1 is not running"
	wait "$pid"
	rc=$?
	IT_PIDS=$(echo "$IT_PIDS" | sed "s/ $pid\b//")
	[ $rc = 0 ] || it_fail "reswand $1 exited with status $rc"
}

# it_alive NAME: the daemon process still runs.
it_alive() {
	eval "pid=\$IT_PID_$1"
	kill -0 "$pid" 2>/dev/null
}

# it_rs NAME ARGS...: reswan ARGS against daemon NAME.
it_rs() {
	name=$1
	shift
	cmd=$1
	shift
	"$RESWAN" "$cmd" --socket "$IT_DIR/$name.ctl" "$@"
}

# it_json NAME FILE: save `reswan status --json` of NAME.
it_json() {
	it_rs "$1" status --json >"$2" || it_fail "status --json on $1"
}

# it_jq FILE FILTER: jq -e FILTER on FILE must be true.
it_jq() {
	jq -e "$2" "$1" >/dev/null || it_fail "$1: jq '$2' is not true: $(jq -c . "$1")"
}

# it_jqv FILE FILTER: print the value.
it_jqv() {
	jq -r "$2" "$1"
}

# it_wait_for SECS DESCRIPTION COMMAND...: poll until the command succeeds.
it_wait_for() {
	secs=$1 what=$2
	shift 2
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -gt $((secs * 10)) ] && it_fail "timed out waiting for $what"
		sleep 0.1
	done
}
