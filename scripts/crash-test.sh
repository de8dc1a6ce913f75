#!/usr/bin/env bash
# Crash test of the escalation desk (issue #4, durability): raises tickets from many askers
# while an admin handler answers them, kills the daemon with SIGKILL in the middle, restarts
# it on the same data, and checks that every ticket number an asker received exists and every
# reply the handler got an `ok` for reaches its asker on resume. Exits non-zero on any loss.
#
#   scripts/crash-test.sh [seconds-before-kill] [askers]
set -euo pipefail
cd "$(dirname "$0")/.."
KILL_AFTER=${1:-4}
ASKERS=${2:-20}
PORT=${PORT:-7466}
WORK=$(mktemp -d /tmp/motcua-crash.XXXXXX)
swift build -c release --product motcua >/dev/null
swift build -c release --product motcua-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)/motcua
BENCH=$(dirname "$BIN")/motcua-bench

"$BIN" handlers add --data "$WORK/data" --unit THH --name "Quản trị thử" --admin | tail -1 > "$WORK/token"
"$BIN" serve --port "$PORT" --data "$WORK/data" --rate 100000 --burst 100000 --tickets-per-conversation 0 --tickets-per-address 0 > "$WORK/daemon1.log" 2>&1 &
DAEMON=$!
for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done

"$BENCH" desk-load --port "$PORT" --askers "$ASKERS" --duration 60 --token-file "$WORK/token" --out "$WORK/logs" &
LOAD=$!
sleep "$KILL_AFTER"
kill -9 "$DAEMON"
wait "$LOAD" || true
echo "daemon killed with SIGKILL after ${KILL_AFTER}s"

"$BIN" serve --port "$PORT" --data "$WORK/data" --rate 100000 --burst 100000 --tickets-per-conversation 0 --tickets-per-address 0 > "$WORK/daemon2.log" 2>&1 &
DAEMON=$!
trap 'kill $DAEMON 2>/dev/null || true' EXIT
for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done
"$BENCH" desk-verify --port "$PORT" --token-file "$WORK/token" --out "$WORK/logs"
rm -rf "$WORK"
