#!/bin/sh
# The main job, as `make demo` shows it (no root needed; under a minute).
# Argument: the release build tree.
#
# 1. A gateway (reswand, on loopback) and 50 client instances (reswan's own
#    IKE engine, in one process) on separate cores: each client connects
#    with a full IKEv2 handshake, disconnects, and comes back - first in
#    full every time, then by resumption with the ticket its last session
#    left.  The table shows handshakes completed, latency median / p99 and
#    what each kind costs the gateway in CPU per handshake.
# 2. The case where caching matters most: 1000 clients connected, the
#    gateway killed and restarted, everyone reconnecting at once - with the
#    credential cache on disk, and with it lost.
set -eu
bin="$1/bin"
"$bin/reswan" version
echo
echo "== 50 clients: connect in full, disconnect, return by resumption (3 s each) =="
echo
"$bin/reswan" bench handshake --mode both --clients 50 --duration 3 --suite psk-x25519
echo
echo "== 1000 clients, gateway killed and restarted: everyone back at once =="
echo
"$bin/reswan" bench storm --clients 1000
echo
echo "More: reswan bench handshake --help, reswan bench storm --help,"
echo "reswan bench crypto (what each piece of crypto costs); docs/benchmarks.md."
