#!/usr/bin/env python3
"""The first Test Connection after a start against the second: starts the published portal N times and times two
saved-destination tests through the API (POST /api/destinations/{id}/test) right after /health first answers 200.

Usage: first_test_after_start.py --runs 5 NAME=DIR/DestinationPortal.Web.dll ...
The target is a throwaway PostgreSQL 15 cluster (Debian's binaries, a free loopback port, scram-sha-256, no TLS) that
this script starts and removes; loopback is allowed as a test target only here, by configuration. The administrator
comes from Portal:Admin; each start uses the same data directory, so every run after the first starts on a warm store.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time

PG_BIN = "/usr/lib/postgresql/15/bin"
ADMIN, PASSWORD = "bench-admin", "a benchmark passphrase 1"
TARGET_PASSWORD = "bench-target-pw"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_healthy(port, deadline):
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.005)
    raise TimeoutError("portal not healthy")


def as_postgres(args):
    # PostgreSQL refuses to run as root: as root (a CI container), run its tools as the postgres user, as the tests do.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def start_cluster():
    root = tempfile.mkdtemp(prefix="first-test-pg-")
    data, port = os.path.join(root, "pg"), free_port()
    pwfile = os.path.join(root, "pw")
    with open(pwfile, "w") as f:
        f.write(TARGET_PASSWORD)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
    subprocess.run(as_postgres([f"{PG_BIN}/initdb", "-D", data, "-U", "postgres", "--pwfile", pwfile, "-A", "scram-sha-256",
                                "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
    subprocess.run(as_postgres([f"{PG_BIN}/pg_ctl", "-D", data, "-w", "-l", os.path.join(root, "pg.log"), "-o",
                                f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start"]),
                   check=True, stdout=subprocess.DEVNULL)
    return root, data, port


def run_once(dll, data_dir, pg_port, env_extra, settle=0.0):
    port = free_port()
    env = dict(os.environ, ASPNETCORE_URLS=f"http://127.0.0.1:{port}", ASPNETCORE_ENVIRONMENT="Production",
               Portal__DataDirectory=data_dir, Portal__Admin__UserName=ADMIN, Portal__Admin__Password=PASSWORD,
               ConnectionTesting__DeniedNetworks__0="192.0.2.0/24", ConnectionTesting__AllowedNetworks__0="127.0.0.0/8",
               **env_extra)
    started = time.monotonic()
    proc = subprocess.Popen(["dotnet", dll], cwd=os.path.dirname(dll), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port, started + 180)
        healthy = time.monotonic() - started
        status, body = request(port, "POST", "/api/auth/tokens",
                               {"userName": ADMIN, "password": PASSWORD, "name": f"bench-{port}", "expiresInDays": 1})
        assert status == 200, (status, body)
        token = json.loads(body)["token"]
        status, body = request(port, "GET", "/api/destinations?filter=bench-target", token=token)
        items = json.loads(body)["items"]
        if items:
            dest = items[0]["id"]
        else:
            status, body = request(port, "POST", "/api/destinations", {
                "name": "bench-target", "serverName": "127.0.0.1", "port": pg_port, "tlsMode": "Disable",
                "username": "postgres", "database": "postgres", "password": TARGET_PASSWORD}, token)
            assert status == 201, (status, body)
            dest = json.loads(body)["id"]
        # A person's first test comes seconds after the start (sign in, open a destination); --settle stands in for that.
        time.sleep(settle)
        times = []
        for _ in range(2):
            t0 = time.monotonic()
            status, body = request(port, "POST", f"/api/destinations/{dest}/test", token=token)
            times.append(time.monotonic() - t0)
            assert status == 200 and json.loads(body)["succeeded"], body[:300]
        return healthy, times[0], times[1]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--settle", type=float, default=0.0, help="seconds between the token and the first test")
    parser.add_argument("apps", nargs="+", help="NAME=DLL[,KEY=VALUE...] (extra environment for that app)")
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="first-test-")
    pg_root, pg_data, pg_port = start_cluster()
    apps = []
    for spec in args.apps:
        name, rest = spec.split("=", 1)
        dll, *env = rest.split(",")
        apps.append((name, os.path.abspath(dll), dict(e.split("=", 1) for e in env), tempfile.mkdtemp(dir=root)))
    try:
        for name, dll, env, data in apps:
            run_once(dll, data, pg_port, env)  # unmeasured: creates the store, the administrator and the destination
        results = {name: [] for name, *_ in apps}
        for _ in range(args.runs):
            for name, dll, env, data in apps:
                results[name].append(run_once(dll, data, pg_port, env, args.settle))
        print(f"load: {os.getloadavg()}")
        for name, rows in results.items():
            first = statistics.median(r[1] * 1000 for r in rows)
            second = statistics.median(r[2] * 1000 for r in rows)
            ratios = sorted(r[1] / r[2] for r in rows)
            print(f"{name:12} healthy {statistics.median(r[0] * 1000 for r in rows):6.0f} ms  first test {first:6.0f} ms"
                  f"  second {second:5.0f} ms  first/second median {statistics.median(ratios):4.2f}"
                  f" (min {ratios[0]:.2f}, max {ratios[-1]:.2f}, n={len(rows)})")
    finally:
        subprocess.run(as_postgres([f"{PG_BIN}/pg_ctl", "-D", pg_data, "-m", "immediate", "stop"]), stdout=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(pg_root, ignore_errors=True)


if __name__ == "__main__":
    main()
