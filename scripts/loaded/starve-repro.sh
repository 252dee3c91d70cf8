#!/usr/bin/env bash
# The kernel starvation the loaded runs met, without Hotline: 30 processes that wake every 2 ms
# (like the lab's SIPp phones) and two `yes` in ONE session (one autogroup) keep MariaDB, in its
# own session, off the CPU for seconds; the same load with each `yes` in a session of its own
# (setsid) does not (nor, tried by hand, with `sysctl kernel.sched_autogroup_enabled=0`). Prints the slowest MariaDB TCP greeting of each case.
# Usage (as root, MariaDB on 127.0.0.1:3306): bash scripts/loaded/starve-repro.sh [seconds per case, default 30]
set -u
SECS="${1:-30}"
probe() { # slowest MariaDB greeting (TCP connect + first packet) over SECS seconds, 60 s cap
  timeout $((SECS + 70)) python3 - "$SECS" <<'PY'
import socket, sys, time
end = time.time() + float(sys.argv[1]); worst = 0.0
while time.time() < end:
    t = time.time()
    try:
        s = socket.create_connection(('127.0.0.1', 3306), timeout=60); s.recv(100); s.close()
    except OSError:
        pass
    worst = max(worst, time.time() - t); time.sleep(0.1)
print(f'slowest MariaDB greeting {worst:.3f} s')
PY
}
PIDS=() # what this script started (only these are stopped: a loaded run's own `yes` may be running)
wakers() { for _ in $(seq 30); do python3 -c 'import time
while True:
    time.sleep(0.002); sum(range(200))' & PIDS+=($!); done; }
stop() { [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null; PIDS=(); sleep 1; }
trap stop EXIT
echo "1. 30 wakers and two yes in this session:"; wakers; yes > /dev/null & PIDS+=($!); yes > /dev/null & PIDS+=($!); sleep 1; probe; stop
echo "2. the same, each yes in a session of its own (setsid):"; wakers; setsid yes > /dev/null & PIDS+=($!); setsid yes > /dev/null & PIDS+=($!); sleep 1; probe; stop
