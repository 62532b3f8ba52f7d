#!/usr/bin/env python3
# make_seeds.py — writes the structured seeds of tests/fuzz/corpus/ (push bodies with sealed events, casework
# bodies, template inputs). Run once after a format change; the files it writes are committed.
# Events are sealed as base/canonical_json.hpp says: keys sorted, no whitespace, UTF-8, SHA-256 without "hash".
import gzip, hashlib, json, os, sys

ROOT = os.path.dirname(os.path.abspath(__file__))
ASSETS = os.path.join(ROOT, "..", "..", "assets")
CORPUS = os.path.join(ROOT, "corpus")

def canon(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def receipt(t, ttt, kk, yymmdd, n):
    s = f"{t}{ttt:03d}{kk:02d}{yymmdd}{n:04d}"
    v = (12 - sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(s)) % 11) % 11
    return s + ("X" if v == 10 else str(v))

KIOSK = "230523104-01"
APP = receipt(1, 104, 1, "250401", 1)

def events():
    payloads = [
        ("application.submitted", {"kind": "resident", "id": ""}, {
            "receipt_number": APP, "programme": "dibao", "township": "230523104", "channel": "self",
            "operator_id": "", "applicant": {"name": "王秀英", "id_number": "230523199001010012", "relation": "self",
                                             "phone": "13800000000", "address": "红星村", "health": "healthy",
                                             "disability": "", "work_ability": "full", "student": False},
            "applicant_key": "a" * 64, "members": [], "income": {"wages_fen": 30000, "business_fen": 0,
                                                                 "property_fen": 0, "transfer_fen": 0},
            "assets": {"deposits_fen": 0, "securities_fen": 0, "vehicles": 0, "houses": 1, "other": ""},
            "hardship_statement": "家庭困难", "close_relative": False, "close_relative_relation": "",
            "commitment_at": "2025-04-01T02:00:00Z", "authorisation_at": "2025-04-01T02:00:05Z",
            "materials_received": ["id_card", "hukou"], "materials_missing": ["statement"], "estimate_fen": 40000}),
        ("application.accepted", {"kind": "staff", "id": "104001"}, {
            "receipt_number": APP, "programme": "dibao", "accepted_date": "2025-04-02",
            "materials_checked": ["id_card", "hukou", "statement"], "operator_id": "104001"}),
        ("rating.given", {"kind": "resident", "id": ""}, {
            "receipt_number": APP, "level": 5, "sub_indicators": {"attitude": 5}, "reason_codes": [],
            "callback_phone": "", "channel": "kiosk", "served_by": "104001"}),
        ("complaint.filed", {"kind": "resident", "id": ""}, {
            "receipt_number": receipt(3, 104, 1, "250401", 2), "category": "attitude", "text": "等了很久",
            "anonymous": True, "contact": "", "query_code_hash": "b" * 64}),
        ("quiz.answered", {"kind": "resident", "id": ""}, {
            "quiz_version": "1", "answers": [{"question_id": "q1", "choice": 2, "correct": True}]}),
        ("status.queried", {"kind": "resident", "id": ""}, {"receipt_number": APP, "source": "online", "found": True}),
        ("receipt.printed", {"kind": "system", "id": ""}, {"receipt_number": APP, "template_name": "intake",
                                                           "outcome": "printed"}),
        ("staff.login", {"kind": "staff", "id": "104001"}, {"staff_id": "104001", "reason": ""}),
    ]
    prev = "0" * 64
    out = []
    for seq, (typ, actor, payload) in enumerate(payloads, 1):
        e = {"kiosk_id": KIOSK, "seq": seq, "type": typ, "schema": 1, "wall_time": f"2025-04-01T02:{seq:02d}:00Z",
             "boot_id": "boot-a", "uptime_ms": 1000 * seq, "actor": actor, "payload": payload, "prev_hash": prev}
        e["hash"] = hashlib.sha256(canon(e).encode()).hexdigest()
        prev = e["hash"]
        out.append(e)
    return out

def push_body(evs):
    return canon({"kiosk_id": KIOSK, "boot_id": "boot-a", "uptime_ms": 9000, "sent_at": "2025-04-01T03:00:00Z",
                  "events": evs})

def main():
    evs = events()
    write("push", "all-types.json", push_body(evs))
    write("push", "all-types.gz", gzip.compress(push_body(evs).encode(), mtime=0))
    write("push", "one-event.gz", gzip.compress(push_body(evs[:1]).encode(), mtime=0))
    write("push", "empty.json", push_body([]))
    for e in evs[:3]:
        write("canonical_json", e["type"] + ".json", canon(e))

    # Casework: the first byte picks the case (index mod 7) and the staff member (index div 7, mod 4).
    bodies = {
        "accept": (0, {"stage": "accepted", "date": "2025-05-01",
                       "documents": ["id_card", "hukou", "statement", "commitment", "authorisation"]}),
        "investigate": (1, {"stage": "investigation_started", "date": "2025-05-01", "reason": "",
                            "fields": {}, "documents": []}),
        "publicity-ended": (2, {"stage": "publicity_ended", "date": "2025-06-01", "fields": {"objection": False}}),
        "terminate": (3, {"stage": "terminated", "reason": "申请人撤回", "date": "2025-05-20"}),
        "paid-first": (4, {"stage": "paid_first", "fields": {"amount_fen": 50000}, "documents": ["id_card"]}),
        "refuse": (5, {"stage": "refused", "reason": "收入超过标准"}),
        "forward": (6, {"stage": "forwarded", "date": "2025-05-02"}),
        "county-staff": (7 + 1, {"stage": "investigation_started"}),
        "other-township": (21 + 1, {"stage": "investigation_started"}),
    }
    for name, (selector, body) in bodies.items():
        write("casework", name, bytes([selector]) + canon(body).encode())

    receipts = os.path.join(ASSETS, "receipts")
    for f in sorted(os.listdir(receipts)):
        if not f.endswith(".json"):
            continue
        name = f[:-5]
        tmpl = json.load(open(os.path.join(receipts, f)))
        sample_path = os.path.join(receipts, "samples", f)
        sample = json.load(open(sample_path)) if os.path.exists(sample_path) else {}
        write("template", name + "-inline.json", canon({"template": tmpl, "data": sample}))
        write("template", name + "-by-name.json", canon({"template": name, "data": sample}))
    write("template", "article.md", "热线{{ hotline.service }}；材料：{{materials.dibao}}。差额{{example.benefit.gap}}元。{{rating.levels}}{{unknown}}")

if __name__ == "__main__":
    sys.exit(main())
