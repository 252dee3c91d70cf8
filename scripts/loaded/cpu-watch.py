# Per second, one line: the processes that had the CPU (% of one core, RT for realtime), runnable
# tasks (procs_running) and CPU pressure (avg10), and how late this loop woke. Usage: python3 cpu-watch.py <log>
import os, time, sys
HZ = os.sysconf('SC_CLK_TCK')
def snap():
    out = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        try:
            with open(f'/proc/{pid}/stat') as f: s = f.read()
        except Exception: continue
        r = s.rfind(')'); name = s[s.find('(')+1:r]; f = s[r+2:].split()
        out[pid] = (name, int(f[11]) + int(f[12]), int(f[38]), int(f[37]))  # utime+stime, policy, rt_prio
    return out
cmd = {}
def label(name, pid):
    if name not in ('node', 'MainThread', 'python3', 'bash', 'sh'): return name
    if pid not in cmd:
        try:
            a = open(f'/proc/{pid}/cmdline','rb').read().split(b'\0')
            cmd[pid] = name + '[' + ' '.join(x.decode(errors='replace').split('/')[-1] for x in a[1:4])[:40] + ']'
        except Exception: cmd[pid] = name
    return cmd[pid]
prev = snap(); t0 = time.time()
log = open(sys.argv[1], 'a', buffering=1)
while True:
    time.sleep(1)
    cur = snap(); t1 = time.time(); dt = t1 - t0
    rows = []
    for pid, (name, cpu, pol, rtp) in cur.items():
        p = prev.get(pid)
        d = cpu - (p[1] if p else 0) if p else 0
        if d > 0: rows.append((d / HZ / dt * 100, name, pid, pol))
    rows.sort(reverse=True)
    with open('/proc/stat') as f: running = [l for l in f if l.startswith('procs_running')][0].split()[1]
    try:
        with open('/proc/pressure/cpu') as f: psi = f.readline().split()[1]
    except Exception: psi = '-'
    late = (dt - 1) * 1000
    log.write(time.strftime('%H:%M:%S', time.gmtime(t1)) + f' late={late:.0f}ms run={running} {psi} ' + ' '.join(f'{label(n,pid)}:{pid}:{c:.0f}%{"RT" if pol in (1,2) else ""}' for c, n, pid, pol in rows[:7]) + '\n')
    prev, t0 = cur, t1
