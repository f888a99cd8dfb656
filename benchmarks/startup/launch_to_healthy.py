#!/usr/bin/env python3
"""Launch to healthy: starts each published app N times, interleaved, and times process start -> first HTTP 200.

Usage: launch_to_healthy.py --runs 10 NAME=DIR/APP.dll[@/path][,KEY=VALUE...] ...
Each NAME gets a data directory of its own that survives its runs (a warm store: the first, unmeasured launch creates
and migrates it, as a portal's first start would), a free loopback port, and the Production environment. The path after
@ is what is polled (default /health); a `dotnet new web` app answers "/" instead. KEY=VALUE pairs are extra
environment for that app (e.g. DOTNET_TieredPGO=0), so runtime settings are compared on the same build. Prints median, min and max per app.
"""
import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_200(port, path, deadline):
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return time.monotonic()
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.005)
    raise TimeoutError(f"no 200 from :{port}{path}")


def launch(dll, path, data_dir, extra):
    port = free_port()
    env = dict(os.environ, ASPNETCORE_URLS=f"http://127.0.0.1:{port}", ASPNETCORE_ENVIRONMENT="Production",
               Portal__DataDirectory=data_dir, DOTNET_CLI_TELEMETRY_OPTOUT="1", **extra)
    started = time.monotonic()
    proc = subprocess.Popen(["dotnet", dll], cwd=os.path.dirname(dll), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return first_200(port, path, started + 180) - started
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("apps", nargs="+")
    args = parser.parse_args()
    apps = []
    for spec in args.apps:
        name, rest = spec.split("=", 1)
        target, *env = rest.split(",")
        dll, _, path = target.partition("@")
        apps.append((name, os.path.abspath(dll), path or "/health", dict(e.split("=", 1) for e in env),
                     tempfile.mkdtemp(prefix=f"launch-{name}-")))
    try:
        for name, dll, path, env, data in apps:
            launch(dll, path, data, env)  # unmeasured: creates the store, warms the disk cache
        times = {name: [] for name, *_ in apps}
        for _ in range(args.runs):
            for name, dll, path, env, data in apps:  # interleaved, so a change in load hits every app alike
                times[name].append(launch(dll, path, data, env))
                print(f"{name:12} {times[name][-1] * 1000:7.0f} ms  load {os.getloadavg()[0]:.1f}", flush=True)
        print(f"load: {os.getloadavg()}")
        for name, values in times.items():
            ms = sorted(v * 1000 for v in values)
            print(f"{name:12} median {statistics.median(ms):7.0f} ms  min {ms[0]:6.0f}  max {ms[-1]:6.0f}  (n={len(ms)})")
    finally:
        for *_, data in apps:
            shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
