"""Times python-diskcache on the bench workload; prints one JSON line of medians.

Usage: diskcache_bench.py WORKDIR N SETS GETS OPENS [setting=value ...]
The settings are diskcache's own (sqlite_synchronous=2, eviction_policy=least-recently-used, ...).
Workload: fill N entries of 1 KB with keys 'model|prompt|fill I' in one transaction, then SETS sets that each
replace an existing entry (each its own transaction, as a caller's set is), GETS hits, then OPENS times a new
Cache on the same folder and its first get. Only the operations are timed, not interpreter start.
Each set is paired with the disk alone: a journal-sized (1.3 KB) append and fsync beside the cache, as the
engine's AppendAndFsyncBaseline, so the disk's cost at the moment diskcache ran is in the same output."""
import json, os, shutil, statistics, sys, tempfile, time
import diskcache

workdir = sys.argv[1]
n, sets, gets, opens = (int(a) for a in sys.argv[2:6])
settings = {}
for arg in sys.argv[6:]:
    name, value = arg.split('=', 1)
    settings[name] = int(value) if value.isdigit() else value

payload = 'x' * 1024
def key(i): return f"model|prompt|fill {i}"

directory = tempfile.mkdtemp(prefix='diskcache-', dir=workdir)
try:
    with diskcache.Cache(directory, **settings) as cache:
        with cache.transact():
            for i in range(n):
                cache.set(key(i), payload)
        set_times, fsync_times = [], []
        line = b'x' * (1024 + 256)
        with open(os.path.join(directory, 'fsync-baseline.bin'), 'ab', buffering=0) as baseline:
            for i in range(sets):
                t = time.perf_counter(); cache.set(key(i * 7919 % n), payload); set_times.append(time.perf_counter() - t)
                t = time.perf_counter(); baseline.write(line); os.fsync(baseline.fileno()); fsync_times.append(time.perf_counter() - t)
        get_times = []
        for i in range(gets):
            t = time.perf_counter(); hit = cache.get(key(i * 7919 % n)); get_times.append(time.perf_counter() - t)
            if hit is None:
                raise SystemExit(f"diskcache missed {key(i * 7919 % n)!r}")
        if len(cache) != n:
            raise SystemExit(f"diskcache holds {len(cache)} entries, not {n}")
    open_times = []
    for _ in range(opens):
        t = time.perf_counter()
        with diskcache.Cache(directory, **settings) as reopened:
            hit = reopened.get(key(0))
            open_times.append(time.perf_counter() - t)
        if hit is None:
            raise SystemExit("diskcache missed the first key after reopening")
finally:
    shutil.rmtree(directory, ignore_errors=True)

print(json.dumps({
    'SetUs': statistics.median(set_times) * 1e6,
    'DiskAloneUs': statistics.median(fsync_times) * 1e6,
    'GetUs': statistics.median(get_times) * 1e6,
    'OpenMs': statistics.median(open_times) * 1e3,
}))
