#!/usr/bin/env python3
"""Validate cases.jsonl: JSON per line, unique ids, known kinds, promise substrings, counts."""
import json, sys, re, collections, datetime
KINDS = ["rude","arguing","blame","policy_wall","missing_apology","poor_apology",
         "basics","wrong_name","vague_promise","form_letter","not_listening"]
FIELDS = ["id","industry","customer_name","customer_message","draft","expect","promises","now","note"]
path = sys.argv[1] if len(sys.argv) > 1 else "/work/notes/frozen2/cases.jsonl"
errors = []; ids = set(); cnt = collections.Counter(); good = 0; multi = 0; inds = set(); n = 0
for ln, line in enumerate(open(path, encoding="utf-8"), 1):
    try:
        x = json.loads(line)
    except Exception as e:
        errors.append(f"line {ln}: bad JSON {e}"); continue
    n += 1
    if list(x.keys()) != FIELDS: errors.append(f"line {ln}: fields {list(x.keys())}")
    i = x.get("id")
    if not re.fullmatch(r"g\d{3}", i or ""): errors.append(f"line {ln}: bad id {i}")
    if i in ids: errors.append(f"line {ln}: duplicate id {i}")
    ids.add(i)
    for k in x["expect"]:
        if k not in KINDS: errors.append(f"{i}: unknown kind {k}")
    if len(set(x["expect"])) != len(x["expect"]): errors.append(f"{i}: duplicate kind")
    for p in x["promises"]:
        if set(p) != {"text","dated"} or not isinstance(p["dated"], bool): errors.append(f"{i}: bad promise {p}")
        elif p["text"] not in x["draft"]: errors.append(f"{i}: promise not in draft: {p['text']!r}")
    undated = any(not p["dated"] for p in x["promises"])
    if undated != ("vague_promise" in x["expect"]):
        errors.append(f"{i}: undated promise / vague_promise label mismatch")
    try:
        t = datetime.datetime.fromisoformat(x["now"])
        if t.tzinfo is None: errors.append(f"{i}: now without offset")
    except Exception:
        errors.append(f"{i}: bad now {x['now']}")
    for f in ["industry","customer_name","customer_message","draft","note"]:
        if not isinstance(x[f], str) or not x[f].strip(): errors.append(f"{i}: empty {f}")
    inds.add(x["industry"]); cnt.update(x["expect"])
    if not x["expect"]: good += 1
    if len(x["expect"]) >= 2: multi += 1
print(f"cases: {n}   good (expect=[]): {good}   with 2+ kinds: {multi}   industries: {len(inds)}")
print(f"{'kind':<16}positives")
for k in KINDS: print(f"{k:<16}{cnt[k]}")
if errors:
    print("ERRORS:"); [print(" ", e) for e in errors]; sys.exit(1)
print("OK: valid JSON, unique ids, known kinds, promise texts are exact substrings")
