#!/usr/bin/env python3
"""Helper for Benchmarks/run (standard library only).

  bench.py ids N FILE [SUFFIX]             N IDs 00000000-0000-4000-8000-%012x (Torii's; with
                                           SUFFIX, e.g. .acmepaymentscorp, Akana's), as the
                                           emulator's --seed-users N names them
  bench.py urls BASE IDS FILE              one DELETE URL per ID (for xargs)
  bench.py curlcfg BASE KEY IDS FILE       a curl -K config: the same requests
  bench.py once RESULTS CASE LABEL [--stdout FILE] [--expect STATUS] -- CMD ARGS...
                                           runs CMD once, appends wall/user/sys/maxrss to RESULTS;
                                           exits non-zero (with CMD's stderr) when CMD's exit
                                           status is not STATUS (default 0)
  bench.py paced RESULTS LABEL --ids N --rate R --state URL --api torii|akana --stdout FILE
                 [--timeout S] -- CMD ARGS...
                                           case 5: runs CMD once against the emulator whose
                                           /_emulator/state is at URL, whatever its exit status,
                                           and appends wall time, exit status, outcomes, and the
                                           API's requests, 429s and 401s to RESULTS; N / R is the
                                           ideal time (R: the emulator's --rate-limit, or --rate)
  bench.py protocols LOG LABEL FILE        appends to FILE what an nginx log of
                                           "$connection $server_protocol" lines says LABEL used:
                                           requests, protocols, connections
  bench.py report RESULTS MACHINE_FILE [PACED_RESULTS] [PROTOCOLS_FILE]
                                           prints the table of medians, the ratios, case 5, the
                                           targets
  bench.py freeport                        prints a free TCP port on 127.0.0.1

Every command runs under GNU time (`/usr/bin/time -f %M`), started from here:
- wall: time.perf_counter around spawn + os.wait4 (microseconds, not time's 10 ms steps);
- user, sys: the rusage os.wait4 returns, which sums the child and every descendant it waited
  for (for `xargs … curl`, all the curls);
- peak RSS: time's %M. Not taken from our own wait4, because ru_maxrss survives exec: a child
  forked from this ~14 MiB Python process would never report less than Python's own RSS. GNU
  time is small, so its child's figure is the command's own (for xargs: the largest single
  process of the tree, not a sum).
The launcher (fork + exec of time) adds ~1 ms wall and CPU to every command alike; the
baseline row (/bin/true) shows how much.
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request


def uuids(n):
    return ["00000000-0000-4000-8000-%012x" % i for i in range(1, n + 1)]


def cmd_ids(n, path, suffix=""):
    with open(path, "w") as f:
        f.write("\n".join(uuid + suffix for uuid in uuids(int(n))) + "\n")


def read_ids(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def cmd_urls(base, ids_path, path):
    with open(path, "w") as f:
        for uuid in read_ids(ids_path):
            f.write(f"{base}/api/server/v1/users/{uuid}\n")


def cmd_curlcfg(base, key, ids_path, path):
    # request and header are global in a curl config (header accumulates: repeating it per URL
    # would send it N times); url and output pair up per transfer.
    with open(path, "w") as f:
        f.write('request = "DELETE"\n')
        f.write(f'header = "Authorization: Bearer {key}"\n')
        for uuid in read_ids(ids_path):
            f.write(f'url = "{base}/api/server/v1/users/{uuid}"\noutput = "/dev/null"\n')


def cmd_once(argv):
    results, case, label = argv[0], argv[1], argv[2]
    rest = argv[3:]
    stdout_path = None
    expected = 0
    while rest and rest[0] in ("--stdout", "--expect"):
        if len(rest) < 2:
            sys.exit(f"bench.py once: {rest[0]} needs a value")
        if rest[0] == "--stdout":
            stdout_path = rest[1]
        elif rest[1].isdigit():
            expected = int(rest[1])
        else:
            sys.exit(f"bench.py once: --expect needs an exit status, not {rest[1]!r}")
        rest = rest[2:]
    if not rest or rest[0] != "--":
        sys.exit("bench.py once: expected -- CMD")
    cmd = rest[1:]
    stdout = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    errfile = open(results + ".stderr", "w+b")
    rssfile = results + ".rss"
    start = time.perf_counter()
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rssfile, *cmd],
                            stdin=subprocess.DEVNULL, stdout=stdout, stderr=errfile)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        stdout.close()
    if proc.returncode != expected:
        errfile.seek(0)
        tail = errfile.read().decode(errors="replace")[-2000:]
        sys.stderr.write(f"bench: {label} ({case}) failed with exit status {proc.returncode}\n"
                         f"  command: {' '.join(cmd)[:300]}\n  stderr: {tail.strip() or '(empty)'}\n")
        sys.exit(1)
    with open(rssfile) as f:
        rss_kib = int(f.read().split()[-1])  # %M: KiB
    with open(results, "a") as f:
        f.write(f"{case}\t{label}\t{wall:.6f}\t{usage.ru_utime:.6f}\t{usage.ru_stime:.6f}\t{rss_kib}\n")


def cmd_paced(argv):
    """Case 5: one run against the emulator. Any exit status is a result here, not an error."""
    results, label = argv[0], argv[1]
    rest = argv[2:]
    opts = {"--timeout": "600"}
    while rest and rest[0] != "--":
        if len(rest) < 2 or rest[0] not in ("--ids", "--rate", "--state", "--api", "--stdout", "--timeout"):
            sys.exit(f"bench.py paced: unexpected {rest[0]!r}")
        opts[rest[0]] = rest[1]
        rest = rest[2:]
    missing = [o for o in ("--ids", "--rate", "--state", "--api", "--stdout") if o not in opts]
    if missing or not rest:
        sys.exit(f"bench.py paced: needs {' '.join(missing) or '-- CMD'}")
    cmd = rest[1:]
    with open(opts["--stdout"], "wb") as out, open(results + ".stderr", "w+b") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            status = proc.wait(timeout=float(opts["--timeout"]))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            status = "timeout"
        wall = time.perf_counter() - start
        err.seek(0)
        stderr_tail = err.read().decode(errors="replace").strip().splitlines()[-1:]
    outcomes = {}
    failures = {}
    with open(opts["--stdout"], errors="replace") as f:
        for line in f:
            try:
                result = json.loads(line)
            except ValueError:
                outcomes["(not JSON)"] = outcomes.get("(not JSON)", 0) + 1
                continue
            outcome = result.get("outcome", "?")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if "error" in result:
                kind = (result["error"] or {}).get("kind", "?")
                failures[kind] = failures.get(kind, 0) + 1
    with urllib.request.urlopen(opts["--state"], timeout=30) as response:
        state = json.load(response)[opts["--api"]]
    answers = state.get("answersByStatus", {})
    row = {
        "label": label, "ids": int(opts["--ids"]), "rate": float(opts["--rate"]), "wall": wall,
        "exit": status, "deleted": outcomes.get("deleted", 0), "lines": sum(outcomes.values()),
        "failures": failures, "requests": state["deleteRequests"],
        "429": answers.get("429", 0), "401": answers.get("401", 0),
        "stderr": stderr_tail[0][:200] if stderr_tail else "",
    }
    with open(results, "a") as f:
        f.write(json.dumps(row) + "\n")
    print(f"   {label}: {wall:.1f} s, exit {status}, {row['deleted']}/{row['ids']} deleted, "
          f"{row['429']} x 429, {row['401']} x 401", file=sys.stderr)


def cmd_freeport():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


CASE_TITLES = {
    "single": "1. one Torii delete",
    "batch": "2. Torii batch, 16 in flight",
    "https": "2s. the same over HTTPS, HTTP/2",
    "rss": "3. offboard peak RSS vs input size",
    "startup": "4. one delete, piece by piece",
}

# Case 2 over HTTPS: the rows Benchmarks/run times, by these exact labels.
HTTPS_OFFBOARD = "offboard --cacert (HTTP/2)"
HTTPS_CURLS = ["curl --parallel --cacert (HTTP/2)", "curl --parallel-immediate (HTTP/2)"]


def fmt_time(seconds):
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_mib(kib):
    return f"{kib / 1024:.1f} MiB"


def cmd_protocols(log, label, path):
    """What nginx's check log ($connection $server_protocol per request) says one command used."""
    per_connection = {}
    protocols = set()
    with open(log) as f:
        for line in f:
            connection, protocol = line.split()[:2]
            per_connection[connection] = per_connection.get(connection, 0) + 1
            protocols.add(protocol)
    with open(path, "a") as f:
        f.write(f"{label}\t{sum(per_connection.values())}\t{','.join(sorted(protocols)) or '-'}\t"
                f"{len(per_connection)}\t{max(per_connection.values(), default=0)}\n")


def cmd_report(results, machine, paced=None, protocols=None):
    rows = {}
    order = []
    with open(results) as f:
        for line in f:
            case, label, wall, user, sys_, rss = line.rstrip("\n").split("\t")
            key = (case, label)
            if key not in rows:
                rows[key] = []
                order.append(key)
            rows[key].append((float(wall), float(user), float(sys_), int(rss)))

    med = {}
    table = []
    for key in order:
        runs = rows[key]
        walls = [r[0] for r in runs]
        cpu = [r[1] + r[2] for r in runs]
        m = {
            "n": len(runs),
            "wall": statistics.median(walls),
            "wall_min": min(walls),
            "wall_max": max(walls),
            "user": statistics.median(r[1] for r in runs),
            "sys": statistics.median(r[2] for r in runs),
            "cpu": statistics.median(cpu),
            "rss": statistics.median(r[3] for r in runs),
        }
        med[key] = m
        table.append([CASE_TITLES.get(key[0], key[0]), key[1], str(m["n"]), fmt_time(m["wall"]),
                      f"{fmt_time(m['wall_min'])} – {fmt_time(m['wall_max'])}",
                      fmt_time(m["user"]), fmt_time(m["sys"]), fmt_time(m["cpu"]), fmt_mib(m["rss"])])

    print("## Machine\n")
    with open(machine) as f:
        for line in f:
            print("    " + line.rstrip())
    print()
    header = ["case", "command", "runs", "wall", "wall min – max", "user", "sys", "user+sys", "peak RSS"]
    widths = [max([len(h)] + [len(r[i]) for r in table]) for i, h in enumerate(header)]
    right = {2, 3, 4, 5, 6, 7, 8}

    def line(cells):
        return "| " + " | ".join(c.rjust(w) if i in right else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    if table:
        print("## Results (medians)\n")
        print(line(header))
        print("|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2))
                             for i, w in enumerate(widths)) + "|")
        previous = None
        for r in table:
            cells = list(r)
            if cells[0] == previous:
                cells[0] = ""
            else:
                previous = cells[0]
            print(line(cells))
        print()

    def get(case, prefix):
        for (c, label), m in med.items():
            if c == case and label.startswith(prefix):
                return m
        return None

    targets = []
    ratio_lines = []

    def ratio(name, a, b, key):
        value = a[key] / b[key] if b[key] else float("inf")
        ratio_lines.append(f"{name:<50} {value:8.2f}x")
        return value

    o, c = get("single", "offboard"), get("single", "curl")
    if o and c:
        w = ratio("(1) wall      offboard / curl", o, c, "wall")
        ratio("(1) user+sys  offboard / curl", o, c, "cpu")
        ratio("(1) peak RSS  offboard / curl", o, c, "rss")
        targets.append(("(1) one delete: offboard wall <= 1.0x curl", f"{w:.2f}x", w <= 1.0))
    o, p, x = get("batch", "offboard"), get("batch", "curl --parallel"), get("batch", "xargs")
    if o and p:
        w = ratio("(2) wall      offboard / curl --parallel", o, p, "wall")
        ratio("(2) user+sys  offboard / curl --parallel", o, p, "cpu")
        ratio("(2) peak RSS  offboard / curl --parallel", o, p, "rss")
        targets.append(("(2) batch: offboard wall <= 0.9x curl --parallel", f"{w:.2f}x", w <= 0.9))
    if o and x:
        w = ratio("(2) wall      xargs -P 16 curl / offboard", x, o, "wall")
        ratio("(2) user+sys  xargs -P 16 curl / offboard", x, o, "cpu")
        targets.append(("(2) batch: offboard >= 50x faster than xargs -P 16 curl", f"{w:.1f}x", w >= 50))
    o = med.get(("https", HTTPS_OFFBOARD))
    curls = [(label, med[("https", label)]) for label in HTTPS_CURLS if ("https", label) in med]
    if o and curls:
        for label, m in curls:
            name = label.split(" (")[0].replace(" --cacert", "")
            ratio(f"(2s) wall     offboard / {name}", o, m, "wall")
            ratio(f"(2s) user+sys offboard / {name}", o, m, "cpu")
        # curl --parallel over HTTP/2 (curl 7.88) at times sits out a whole second with answers
        # already in (offboard, on the same libcurl, does not): a run whose wall time exceeds
        # its CPU time by 0.9 s or more waited so. Such waits flatter offboard's wall ratio,
        # which compares the fastest runs; the user+sys ratio does not see them.
        for label in [HTTPS_OFFBOARD] + HTTPS_CURLS:
            runs = rows.get(("https", label), [])
            idle = sum(1 for wall, user, sys_, _ in runs if wall - user - sys_ >= 0.9)
            name = label.split(" (")[0].replace(" --cacert", "")
            ratio_lines.append(f"{'(2s) runs idle >= 0.9 s: ' + name:<50} {idle:4d} of {len(runs)}")
        fastest = min((m for _, m in curls), key=lambda m: m["wall_min"])
        w = o["wall_min"] / fastest["wall_min"]
        ratio_lines.append(f"{'(2s) wall, fastest runs: offboard / fastest curl':<50} {w:8.2f}x")
        targets.append(("(2s) HTTPS batch: offboard wall <= 0.9x curl --parallel (fastest runs)", f"{w:.2f}x", w <= 0.9))
        leanest = min((m for _, m in curls), key=lambda m: m["cpu"])
        c = o["cpu"] / leanest["cpu"]
        targets.append(("(2s) HTTPS batch: offboard user+sys <= 0.9x curl --parallel", f"{c:.2f}x", c <= 0.9))
    small = large = None
    for (case, label), m in med.items():
        if case == "rss":
            if small is None:
                small = (label, m)
            else:
                large = (label, m)
    if small and large:
        r = large[1]["rss"] / small[1]["rss"]
        ratio_lines.append(f"{'(3) peak RSS  ' + large[0].split()[-2] + ' / ' + small[0].split()[-2] + ' IDs':<50} {r:8.2f}x")
        targets.append((f"(3) peak RSS {large[0].split()[-2]} IDs <= 1.5x that of {small[0].split()[-2]}", f"{r:.2f}x", r <= 1.5))
        mib = large[1]["rss"] / 1024
        targets.append((f"(3) peak RSS {large[0].split()[-2]} IDs <= 64 MiB", f"{mib:.1f} MiB", mib <= 64))
    if ratio_lines:
        print("## Ratios (medians)\n")
    for l in ratio_lines:
        print("    " + l)
    print()
    if protocols and os.path.exists(protocols) and os.path.getsize(protocols):
        targets += print_protocols(protocols)
    print_breakdown(lambda label: get("startup", label))
    if paced and os.path.exists(paced) and os.path.getsize(paced):
        targets += print_paced(paced)
    print("## Targets\n")
    tw = max(len(t[0]) for t in targets) if targets else 0
    for name, value, ok in targets:
        print(f"    {name:<{tw}}  {value:>10}  {'met' if ok else 'NOT MET'}")


def print_protocols(path):
    """What nginx logged for one warm-up run of each command over HTTPS; the target: offboard
    speaks HTTP/2 and multiplexes the whole batch on one connection."""
    print("## Protocol over HTTPS (nginx's log of one warm-up run each)\n")
    targets = []
    with open(path) as f:
        for line in f:
            label, requests, protocols, connections, most = line.rstrip("\n").split("\t")
            print(f"    {label:<36} {int(requests):6d} requests, {protocols}, {connections} connection(s)"
                  f" (most on one: {most})")
            if label.startswith("offboard"):
                ok = protocols == "HTTP/2.0" and connections == "1"
                targets.append(("(2s) offboard speaks HTTP/2, one connection for the batch",
                                f"{protocols}, {connections}", ok))
    print()
    return targets


def print_paced(path):
    """Case 5: each run against the rate- or session-limited emulator, with its targets."""
    runs = []
    with open(path) as f:
        for line in f:
            runs.append(json.loads(line))
    print("## 5. Batches against the rate-limited emulator, and an Akana batch longer than its session\n")
    header = ["run", "IDs", "ideal", "wall", "x ideal", "requests", "429s", "429 share", "401s",
              "deleted", "failed", "exit"]
    table = []
    targets = []
    for run in runs:
        ideal = run["ids"] / run["rate"]
        over = run["wall"] / ideal
        share = run["429"] / run["requests"] if run["requests"] else 0.0
        failed = sum(run["failures"].values())
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(run["failures"].items()))
        missing = run["ids"] - run["lines"]
        table.append([run["label"], str(run["ids"]), fmt_time(ideal), fmt_time(run["wall"]), f"{over:.2f}x",
                      str(run["requests"]), str(run["429"]), f"{share:.1%}", str(run["401"]),
                      str(run["deleted"]), str(failed) + (f" ({kinds})" if kinds else "")
                      + (f", {missing} unreported" if missing else ""), str(run["exit"])])
        clean = run["exit"] == 0 and failed == 0 and run["deleted"] == run["ids"]
        targets.append((f"(5) {run['label']}: every ID deleted, exit 0", f"exit {run['exit']}", clean))
        if run["label"].startswith("akana"):
            targets.append((f"(5) {run['label']}: no 401", str(run["401"]), run["401"] == 0))
        else:
            # A run that gave IDs up was quick for it: its time says nothing about the pace.
            if clean:
                targets.append((f"(5) {run['label']}: wall <= 1.10x ideal", f"{over:.2f}x", over <= 1.10))
            else:
                targets.append((f"(5) {run['label']}: wall <= 1.10x ideal", "IDs failed", False))
            targets.append((f"(5) {run['label']}: 429s <= 5% of requests", f"{share:.1%}", share <= 0.05))
    widths = [max([len(h)] + [len(r[i]) for r in table]) for i, h in enumerate(header)]
    left = {0, 10}  # the run and its failures; the rest are numbers

    def line(cells):
        return "| " + " | ".join(c.ljust(w) if i in left else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    print(line(header))
    print("|" + "|".join(("-" * (w + 2)) if i in left else ("-" * (w + 1) + ":")
                         for i, w in enumerate(widths)) + "|")
    for r in table:
        print(line(r))
    print()
    for run in runs:
        if run["stderr"] and run["exit"] != 0:
            print(f"    {run['label']}: {run['stderr']}")
    print()
    return targets


def print_breakdown(row):
    """Case 4 as differences of fastest runs: what each layer adds to one delete. The fastest
    of many alternating runs is the least disturbed by the rest of a shared machine; medians of
    programs a few milliseconds apart can even come out in the wrong order."""
    names = ["C: exit", "C: load libcurl", "C: libcurl, one DELETE", "curl -X DELETE",
             "Swift: print", "Swift: libcurl", "offboard --version", "offboard, malformed", "offboard torii delete"]
    m = {name: row(name) for name in names}
    if any(v is None for v in m.values()):
        return
    w = {name: v["wall_min"] for name, v in m.items()}
    libcurl_work = w["C: libcurl, one DELETE"] - w["C: exit"]
    parts = [
        ("exec and exit of a C program", w["C: exit"]),
        ("loading libcurl and its libraries", w["C: load libcurl"] - w["C: exit"]),
        ("curl_global_init and the request itself", w["C: libcurl, one DELETE"] - w["C: load libcurl"]),
        ("curl, the tool, on top of that", w["curl -X DELETE"] - w["C: libcurl, one DELETE"]),
        ("Swift runtime start-up (static stdlib)", w["Swift: print"] - w["C: exit"]),
        ("offboard: argument parsing and checks", w["offboard, malformed"] - w["Swift: print"]),
        ("offboard: request path beyond plain libcurl", w["offboard torii delete"] - w["offboard, malformed"] - libcurl_work),
    ]
    print("## Where one delete's time goes (case 4, differences of the fastest wall times)\n")
    for name, seconds in parts:
        print(f"    {name:<44} {seconds * 1000:6.1f} ms")
    curl = w["curl -X DELETE"]
    floors = [
        # Measured, not summed: what any Swift program pays for one delete with libcurl.
        ("floor of any Swift tool: Swift + libcurl", w["Swift: libcurl"]),
        ("floor of offboard: its checks + libcurl", w["offboard, malformed"] + libcurl_work),
        ("offboard torii delete", w["offboard torii delete"]),
    ]
    for name, seconds in floors:
        print(f"    {name:<44} {seconds * 1000:6.1f} ms  ({seconds / curl:.2f}x curl)")
    print()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "ids":
        cmd_ids(*args)
    elif cmd == "urls":
        cmd_urls(*args)
    elif cmd == "curlcfg":
        cmd_curlcfg(*args)
    elif cmd == "once":
        cmd_once(args)
    elif cmd == "paced":
        cmd_paced(args)
    elif cmd == "protocols":
        cmd_protocols(*args)
    elif cmd == "report":
        cmd_report(*args)
    elif cmd == "freeport":
        cmd_freeport()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
