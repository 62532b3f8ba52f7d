#!/usr/bin/env python3
"""Turn the official holiday notices (holiday-cn JSON, one file a year) into assets/calendar/holidays-cn.json.

Usage: scripts/import-holidays.py ../shared/reference/holiday-cn > assets/calendar/holidays-cn.json
The output lists, per year, the off days (放假) and the make-up working days (调休上班); weekdays and weekends
that are neither follow the Monday–Friday rule. Years without a published notice are absent and fall back to
the fixed-date rule in "fallback" (answers that touch them are marked provisional).
"""
import json, pathlib, sys

src = pathlib.Path(sys.argv[1])
years = {}
papers = {}
for f in sorted(src.glob("*.json")):
    data = json.loads(f.read_text(encoding="utf-8"))
    if not data.get("days"):
        continue
    y = str(data["year"])
    off = sorted(d["date"] for d in data["days"] if d["isOffDay"])
    work = sorted(d["date"] for d in data["days"] if not d["isOffDay"])
    names = {d["date"]: d["name"] for d in data["days"]}
    years[y] = {"off": off, "work": work, "names": names, "source": data.get("papers", [])}
out = {
    "version": "2026.1",
    "description": "Official 国务院办公厅 holiday notices: off days and make-up working days per civil date (+08:00).",
    "fallback": {
        "rule": "Monday-Friday minus the fixed-date statutory holidays",
        "fixed_off": ["01-01", "05-01", "05-02", "10-01", "10-02", "10-03"],
    },
    "years": years,
}
json.dump(out, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
print()
