"""Parses outputs with Python TextFSM and the ntc-templates index (the reference implementation).

stdin: JSON list of {"platform", "command", "text"}; stdout: JSON list of
{"template": name or null, "records": [...]} or {"error": "..."}, one per input.
Usage: /usr/bin/python3 ntc_parse.py <ntc-templates/templates dir>
"""
import json
import sys

from textfsm import clitable


def main():
    templates = sys.argv[1]
    table = clitable.CliTable("index", templates)
    results = []
    for item in json.load(sys.stdin):
        attrs = {"Command": item["command"], "Platform": item["platform"]}
        try:
            row = table.index.GetRowMatch(attrs)
            if not row:
                results.append({"template": None, "records": []})
                continue
            table.ParseCmd(item["text"], attrs)
            header = list(table.header)
            records = [dict(zip(header, list(r))) for r in table]
            results.append({"template": table.index.index[row]["Template"], "records": records})
        except Exception as exc:  # one bad output must not hide the others
            results.append({"error": f"{type(exc).__name__}: {exc}"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
