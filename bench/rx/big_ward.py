#!/usr/bin/env python3
"""bench/rx/big_ward.py SYNTH_DRUGS.csv OUT_DIR [PRODUCTS]: the large case of bench/rx (issue 14).

Writes OUT_DIR/drugs.csv, the synthetic hospital's master grown to PRODUCTS rows (20,000 by default: a large
hospital's master with every maker's generics) with invented products (katakana brand names, strengths, makers'
「…」 suffixes, generic names, kana), and OUT_DIR/fhir/ward.ndjson: one patient with 20 active orders (products of the
synthetic master) and 10 allergies written as wards write them (free text, brand, class, food). Deterministic.
"""
import csv, json, os, random, sys

src, out = sys.argv[1], sys.argv[2]
total = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
rnd = random.Random(14)
os.makedirs(os.path.join(out, "fhir"), exist_ok=True)
with open(src, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.DictReader(f))
header = list(rows[0].keys())
kana = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
forms = [("錠", "mg"), ("カプセル", "mg"), ("注", "mg"), ("細粒", "mg"), ("テープ", "mg"), ("錠", "μg")]
makers = ["サワイ", "トーワ", "日医工", "NP", "明治", "ケミファ", "武田テバ", "ファイザー", "タカタ", "JG"]
synth = list(rows)
codes = set(r["code"] for r in rows)
n = 0
while len(rows) < total:
    n += 1
    stem = "".join(rnd.choice(kana) for _ in range(rnd.randint(3, 6)))
    form, unit = rnd.choice(forms)
    strength = rnd.choice([1, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500])
    generic = "".join(rnd.choice(kana) for _ in range(rnd.randint(4, 8))) + rnd.choice(["塩酸塩", "ナトリウム", "", "水和物"])
    for k in range(rnd.randint(1, 4)):  # the brand and some makers' generics of one ingredient
        if len(rows) >= total:
            break
        code = "2%08d" % (len(rows))
        name = f"{stem}{form}{strength:g}{unit}" if k == 0 else f"{generic[:4]}{form}{strength:g}{unit}「{makers[(n + k) % len(makers)]}」"
        r = {h: "" for h in header}
        r.update(code=code, name=name, generic_name=generic, kana=stem if k == 0 else generic[:4], form=form, unit=unit,
                 max_daily_dose="%g" % (strength * rnd.choice([2, 3, 4, 6])), strength=f"{strength:g}{unit}")
        if rnd.random() < 0.05:
            r["allergy_class"] = rnd.choice(["ペニシリン系", "セフェム系", "NSAIDs", "キノロン系"])
        if rnd.random() < 0.1:
            r["interaction_group"] = rnd.choice(["CYP3A4", "出血リスク", "QT延長", "低カリウム"])
        rows.append(r)
with open(os.path.join(out, "drugs.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=header)
    w.writeheader()
    w.writerows(rows)

P = "RXBIG01"
res = [{"resourceType": "Patient", "id": P, "name": [{"family": "大林", "given": ["検査"]}], "gender": "female",
        "birthDate": "1950-02-03"}]
oral = [r for r in synth if r["form"] not in ("注",)][:20]
for i, d in enumerate(oral):
    res.append({"resourceType": "MedicationRequest", "id": f"BIG-M{i}", "status": "active", "intent": "order",
                "medicationCodeableConcept": {"coding": [{"system": "urn:local", "code": d["code"], "display": d["name"]}],
                                              "text": d["name"]},
                "subject": {"reference": f"Patient/{P}"}, "authoredOn": "2026-11-01T10:00:00+09:00",
                "dosageInstruction": [{"timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                                       "doseAndRate": [{"doseQuantity": {"value": 1, "unit": d["unit"]}}]}]})
allergies = [("medication", "ペニシリン"), ("medication", "アスピリン(アスピリン喘息)"), ("medication", "ロキソニンで蕁麻疹"),
             ("medication", "PCでじんましん"), ("medication", "セフェム系"), ("medication", "ヨード造影剤"),
             ("medication", "サルファ剤"), ("food", "卵"), ("food", "そば"), ("environment", "ラテックス")]
for i, (cat, text) in enumerate(allergies):
    res.append({"resourceType": "AllergyIntolerance", "id": f"BIG-A{i}", "clinicalStatus": {"coding": [{"code": "active"}]},
                "category": [cat], "code": {"text": text}, "patient": {"reference": f"Patient/{P}"},
                "recordedDate": "2020-01-01", "reaction": [{"manifestation": [{"text": "発疹"}], "severity": "moderate"}]})
with open(os.path.join(out, "fhir", "ward.ndjson"), "w", encoding="utf-8") as f:
    for r in res:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(P)
