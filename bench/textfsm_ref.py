"""Times Python's reference textfsm on the ntc-templates cases, the way ntc-templates parses.

Usage: /usr/bin/python3 bench/textfsm_ref.py <templates-dir> <case-list-file>
The case list has one "<platform>\t<command>\t<raw file>" per line (written by bench/textfsm.ts,
so both engines run exactly the same cases). Inputs are read before the clock starts.
Prints one JSON line: compile seconds (every template), parse seconds (index lookup + parse of
every case through clitable, as ntc_templates.parse.parse_output does), wall and CPU.
"""
import json
import os
import sys
import time

import textfsm
from textfsm import clitable


def main():
    templates_dir, case_list = sys.argv[1], sys.argv[2]
    cases = []
    with open(case_list, encoding="utf-8") as f:
        for line in f:
            platform, command, raw = line.rstrip("\n").split("\t")
            with open(raw, encoding="utf-8") as r:
                cases.append((platform, command, r.read()))
    names = sorted(n for n in os.listdir(templates_dir) if n.endswith(".textfsm"))
    texts = {}
    for n in names:
        with open(os.path.join(templates_dir, n), encoding="utf-8") as f:
            texts[n] = f.read()

    import io
    wall, cpu = time.perf_counter(), time.process_time()
    for n in names:
        textfsm.TextFSM(io.StringIO(texts[n]))
    compile_wall, compile_cpu = time.perf_counter() - wall, time.process_time() - cpu

    wall, cpu = time.perf_counter(), time.process_time()
    table = clitable.CliTable("index", templates_dir)
    records = errors = 0
    for platform, command, data in cases:
        try:
            table.ParseCmd(data, {"Command": command, "Platform": platform})
            records += table.size
        except Exception:  # a case the reference cannot parse still counts its time
            errors += 1
    parse_wall, parse_cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({
        "textfsm": getattr(textfsm, "__version__", "?"),
        "templates": len(names), "cases": len(cases), "records": records, "errors": errors,
        "compile_wall": compile_wall, "compile_cpu": compile_cpu,
        "parse_wall": parse_wall, "parse_cpu": parse_cpu,
    }))


if __name__ == "__main__":
    main()
