#!/bin/bash
# vault_suspect.sh - the suspect scorer through the real binary, on a tree of office-like and EHR-like files.
# Each way ransomware works (in place; copy to X.locked then delete X; only the first block of each file), run over
# one folder of the tree with a ransom note (English or Japanese), makes the next generation 'suspect' with reasons
# naming that folder, and 'restore latest-clean' gives back the generation before. Legitimate mass changes of the
# same tree (gzip -r of a folder, tar --zstd then delete the originals, a folder renamed, bulk deletes, a database
# dump rewritten, one user encrypting one file with openssl) leave the generation 'clean'.
source "$LB_SRC/tests/integration/lib/vault.sh"
S=$T/share

python3 - "$S" <<'PY'
import os, random, struct, sys, zipfile, zlib
random.seed(11)
root = sys.argv[1]
ja = "患者 検査 処方 退院 入院 血圧 体温 看護記録 予約 内科 外科 経過良好 発熱".split()
en = "patient ward order result glucose sodium nurse doctor pharmacy admission discharge".split()
def words(n, pool):
    return " ".join(random.choice(pool) for _ in range(n))
def png(path):
    raw = b"".join(b"\0" + bytes(random.randrange(256) for _ in range(48)) for _ in range(16))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)) +
                           chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
for dept in ("office/finance", "office/hr", "ehr/ssmix2", "ehr/dumps"):
    d = os.path.join(root, dept)
    os.makedirs(d, exist_ok=True)
    for i in range(24):
        kind = i % 6
        if dept == "ehr/ssmix2":
            msg = "MSH|^~\\&|HIS|HOSP|SSMIX2|HOSP|20261124||OML^O33|M%d|P|2.5\rPID|||%06d||山田^太郎\r" % (i, i)
            msg += "".join("OBX|%d|NM|GLU||%d|mg/dL|||N|||F\rNTE|||%s\r" % (k, random.randint(60, 300), words(30, ja))
                           for k in range(random.randint(5, 60)))
            open(os.path.join(d, "%06d_20261124_OML-11_%d_1" % (i, i)), "wb").write(msg.encode("iso2022_jp"))
        elif dept == "ehr/dumps":
            open(os.path.join(d, "table%02d.sql" % i), "w").write(
                "".join("INSERT INTO t VALUES (%d,'%s');\n" % (k, words(12, ja + en)) for k in range(600)))
        elif kind == 0:
            with zipfile.ZipFile(os.path.join(d, "report%02d.docx" % i), "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types/>")
                z.writestr("word/document.xml", "<w:document>%s</w:document>" % words(3000, ja + en))
        elif kind == 1:
            with zipfile.ZipFile(os.path.join(d, "sheet%02d.xlsx" % i), "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("xl/sharedStrings.xml", "<sst>%s</sst>" % words(2000, en))
        elif kind == 2:
            open(os.path.join(d, "memo%02d.pdf" % i), "w").write(
                "%%PDF-1.4\n1 0 obj\n<< /Length 9000 >>\nstream\n%s\nendstream\nendobj\n%%%%EOF\n" % words(1500, en))
        elif kind == 3:
            png(os.path.join(d, "scan%02d.png" % i))
        elif kind == 4:
            open(os.path.join(d, "list%02d.csv" % i), "w").write(
                "\n".join("%d,%s,%s" % (k, random.choice(ja), random.choice(en)) for k in range(800)))
        else:
            open(os.path.join(d, "notes%02d.txt" % i), "w").write(words(2500, ja + en))
PY
cp -a "$S" "$T/original"

# attack MODE FOLDER: encrypt every file of FOLDER (XOR with a SHAKE-256 keystream) and drop a note
attack() {
	python3 - "$S/$2" "$1" <<'PY'
import hashlib, os, sys
folder, mode = sys.argv[1], sys.argv[2]
for n in sorted(os.listdir(folder)):
    p = os.path.join(folder, n)
    data = open(p, "rb").read()
    ks = hashlib.shake_256(b"attacker" + p.encode()).digest(len(data))
    if mode == "inplace":
        open(p, "wb").write(bytes(a ^ b for a, b in zip(data, ks)) + b"\0" * 16)
    elif mode == "copy":
        open(p + ".locked", "wb").write(bytes(a ^ b for a, b in zip(data, ks)))
        os.unlink(p)
    elif mode == "partial":  # intermittent: only the first 4 KiB, the rest left as it was
        k = min(4096, len(data))
        with open(p, "r+b") as f:
            f.write(bytes(a ^ b for a, b in zip(data[:k], ks[:k])))
if mode == "copy":
    open(os.path.join(folder, "復号方法.txt"), "w", encoding="cp932").write(
        "あなたのファイルはすべて暗号化されました。復号するにはビットコインで支払い、72時間以内に連絡してください。\n")
else:
    open(os.path.join(folder, "HOW_TO_RECOVER_FILES.txt"), "w").write(
        "All your files have been encrypted. To decrypt them pay 0.5 bitcoin and contact us via our .onion site.\n")
PY
}

fresh_repo() { # a repository holding one clean generation of the original tree; echoes nothing
	rm -rf "$S"
	cp -a "$T/original" "$S"
	chattr -R -i "$T/repo" 2>/dev/null || true
	rm -rf "$T/repo"
	expect_exit 0 lb vault init --repo "$T/repo"
	expect_exit 0 lb vault backup --repo "$T/repo" --json "$S"
	[ "$(json_get "$T/out" "['status']")" = clean ] || fail "the first generation is not clean: $(cat "$T/out")"
}

for case in "inplace office/finance" "copy office/hr" "partial ehr/ssmix2"; do
	set -- $case
	mode=$1 folder=$2
	fresh_repo
	attack "$mode" "$folder"
	expect_exit 1 lb vault backup --repo "$T/repo" --json "$S"
	[ "$(json_get "$T/out" "['status']")" = suspect ] || fail "$mode encryption of $folder not suspect: $(cat "$T/out")"
	python3 - "$T/out" "$S/$folder" "$folder" <<'PY' || fail "$mode: reasons do not name $folder: $(cat "$T/out")"
import json, sys
r = json.load(open(sys.argv[1]))["reasons"]
assert isinstance(r, list) and r, r
for o in r:
    assert {"rule", "folder", "files", "examples", "detail"} <= set(o), o
assert any(o["folder"].endswith(sys.argv[3]) for o in r), [o["folder"] for o in r]
PY
	rm -rf "$T/r"
	expect_exit 0 lb vault restore --repo "$T/repo" latest-clean --target "$T/r"
	same_tree "$T/original" "$T/r$S" noatime || fail "$mode: latest-clean is not the generation before the attack"
	echo "ok: $mode over $folder is suspect, latest-clean restores the clean tree"
done

# benign mass changes, each on a fresh repository of the clean tree
benign() { # NAME: the change is made by the caller; then the generation must be clean
	expect_exit 0 lb vault backup --repo "$T/repo" --json "$S"
	[ "$(json_get "$T/out" "['status']")" = clean ] || fail "$1 was called suspect: $(cat "$T/out")"
	echo "ok: $1 is clean"
}
fresh_repo
gzip -r "$S/office/finance" "$S/ehr/ssmix2"
benign "gzip -r of two folders"
fresh_repo
tar --zstd -cf "$S/hr-archive.tar.zst" -C "$S/office" hr
rm -rf "$S/office/hr"
benign "tar --zstd of a folder, originals deleted"
fresh_repo
mv "$S/office/finance" "$S/office/finance-2026"
benign "a folder renamed"
fresh_repo
rm -rf "$S/office" "$S/ehr/dumps"
benign "bulk deletes"
fresh_repo
python3 - "$S/ehr/dumps" <<'PY'
import os, random, sys
random.seed(99)
for n in os.listdir(sys.argv[1]):
    open(os.path.join(sys.argv[1], n), "w").write(
        "".join("INSERT INTO t VALUES (%d,'%x');\n" % (k, random.getrandbits(64)) for k in range(900)))
PY
benign "database dumps rewritten"
fresh_repo
openssl enc -aes-256-cbc -pbkdf2 -pass pass:secret -in "$S/office/hr/report00.docx" -out "$S/office/hr/report00.docx.enc"
rm "$S/office/hr/report00.docx"
benign "one user encrypting one file"
echo "vault suspect ok"
