#!/usr/bin/env python3
"""Wall-clock and CPU-time medians of commands, for bench/run.sh.

Commands run without a shell (spawned directly, stdout and stderr to /dev/null, stdin from a
file or /dev/null) and are timed from spawn to exit. `compare` runs its commands in turns, A B A B ...,
so a burst of load on a shared machine hits all of them alike; `compare` also gives the median
of each command's per-round time ratios to the last command, in wall time and in CPU time (user +
system, from wait4): on a loaded machine wall time includes waiting for a core, CPU time does not.

  measure.py compare [--rounds R] [--stdin FILE] LABEL CMD LABEL CMD ...
  measure.py time    [--rounds R] [--stdin FILE] LABEL CMD [LABEL CMD ...]

`time` prints each command's wall-time median, min and max; `compare` its median, min and the
two ratios. Each prints Markdown table rows (times in ms).
"""

import argparse
import os
import shlex
import statistics
import sys
import time


def run_once(argv, stdin_path):
    """Wall time and CPU time (user + system) in seconds of one run; exits if it fails."""
    stdin = os.open(stdin_path or os.devnull, os.O_RDONLY)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        start = time.perf_counter()
        pid = os.posix_spawnp(
            argv[0], argv, os.environ, file_actions=[
                (os.POSIX_SPAWN_DUP2, stdin, 0),
                (os.POSIX_SPAWN_DUP2, devnull, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2),
            ])
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - start
    finally:
        os.close(stdin)
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"measure.py: {shlex.join(argv)} failed (status {status}): run it to see why")
    return elapsed, usage.ru_utime + usage.ru_stime


def shown(argv):
    """The command as the table shows it: a long comma-separated list abbreviated."""
    def short(arg):
        items = arg.split(",")
        if len(arg) <= 60 or len(items) < 4:
            return arg
        return f"{items[0]},{items[1]},…,{items[-1]} ({len(items)} values)"
    return " ".join(shlex.quote(arg) if len(arg) <= 60 else short(arg) for arg in argv)


def ms(seconds):
    return f"{seconds * 1000:.1f}"


def interleaved(args):
    """Each command's run times (wall, CPU), the commands taking turns round after round."""
    if len(args.items) % 2:
        sys.exit("measure.py: expected LABEL CMD pairs")
    commands = [(label, shlex.split(command))
                for label, command in zip(args.items[0::2], args.items[1::2])]
    for _, argv in commands:  # warm the page cache and the binary
        run_once(argv, args.stdin)
    times = {label: [] for label, _ in commands}
    for _ in range(args.rounds):
        for label, argv in commands:
            times[label].append(run_once(argv, args.stdin))
    return commands, times


def compare(args):
    commands, times = interleaved(args)
    base = times[commands[-1][0]]

    def ratio(label, which):
        return statistics.median(
            [a[which] / b[which] for a, b in zip(times[label], base)])

    for label, argv in commands:
        wall = [w for w, _ in times[label]]
        print(f"| {label} | `{shown(argv)}` | {ms(statistics.median(wall))} | "
              f"{ms(min(wall))} | {ratio(label, 0):.3f} | {ratio(label, 1):.3f} |")


def single(args):
    commands, times = interleaved(args)
    for label, argv in commands:
        wall = [w for w, _ in times[label]]
        print(f"| {label} | `{shown(argv)}` | {ms(statistics.median(wall))} | "
              f"{ms(min(wall))} | {ms(max(wall))} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["compare", "time"])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--stdin", help="file to feed each command on stdin")
    parser.add_argument("items", nargs="+", help="LABEL CMD pairs")
    args = parser.parse_args()
    {"compare": compare, "time": single}[args.mode](args)


if __name__ == "__main__":
    main()
