#!/usr/bin/python3
"""A netmiko collector for bench/collect.ts: the comparison point for our runner.

Reads one JSON object on stdin:
  {"devices": [{"name", "host", "port", "device_type", "username", "password"}, ...],
   "commands": ["show version", ...], "threads": 12}
and collects every device with a ThreadPoolExecutor of `threads` workers (VelocityCollector's
default is 12), one netmiko ConnectHandler per device, send_command per command, as a
VelocityCollector-style collector does. Prints one JSON object on stdout:
  {"wall_s", "ok", "failed", "errors": {class: n}, "device_s": [per-device seconds]}
Run with Debian's python3 (/usr/bin/python3), which has python3-netmiko (2.4.2 API).
Passwords travel on stdin only, never in argv.
"""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from netmiko import ConnectHandler


def collect(device, commands):
    started = time.monotonic()
    try:
        conn = ConnectHandler(
            device_type=device["device_type"],
            host=device["host"],
            port=device["port"],
            username=device["username"],
            password=device["password"],
            allow_agent=False,
            use_keys=False,
            timeout=30,
        )
        try:
            outputs = [conn.send_command(c) for c in commands]
        finally:
            conn.disconnect()
        ok = all(len(o) > 0 for o in outputs)
        return ok, None if ok else "empty_output", time.monotonic() - started
    except Exception as exc:  # the class name is all the bench reports
        return False, type(exc).__name__, time.monotonic() - started


def main():
    job = json.load(sys.stdin)
    devices, commands, threads = job["devices"], job["commands"], int(job.get("threads", 12))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(lambda d: collect(d, commands), devices))
    wall = time.monotonic() - started
    errors = {}
    for ok, err, _ in results:
        if not ok:
            errors[err] = errors.get(err, 0) + 1
    print(json.dumps({
        "wall_s": wall,
        "ok": sum(1 for ok, _, _ in results if ok),
        "failed": sum(1 for ok, _, _ in results if not ok),
        "errors": errors,
        "device_s": [round(s, 3) for _, _, s in results],
    }))


if __name__ == "__main__":
    main()
