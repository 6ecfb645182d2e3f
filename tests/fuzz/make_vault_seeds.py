#!/usr/bin/env python3
"""make_vault_seeds.py - write the seed corpora of the vault fuzz targets from docs/vault-format.md.

Usage: make_vault_seeds.py LIFEBOAT   (the binary, for real key files, config and meta records)
Index and snapshot seeds are payloads built here by the documented layout, which also checks the document.
"""
import hashlib, os, struct, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "corpus")


def put(target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def s(x):
    b = x.encode()
    return struct.pack("<I", len(b)) + b


def h(x):
    return hashlib.blake2b(x, digest_size=32).digest()


# index payload: u32 npacks {id, u64 size} u32 n {id, u32 pack, u32 off, u32 len, u32 raw_len, u8 flags}
packs = [h(b"pack%d" % i) for i in range(3)]
pl = struct.pack("<I", 3) + b"".join(p + struct.pack("<Q", 16 << 20) for p in packs)
ents = [h(b"chunk%d" % i) + struct.pack("<IIIIB", i % 3, 89 + i * 1000, 1000, 3000, i % 2) for i in range(20)]
put("vault_index", "three-packs", pl + struct.pack("<I", len(ents)) + b"".join(ents))
put("vault_index", "empty", struct.pack("<II", 0, 0))
put("vault_index", "bad-pack-number", struct.pack("<I", 1) + packs[0] + struct.pack("<Q", 5) + struct.pack("<I", 1) +
    h(b"x") + struct.pack("<IIIIB", 9, 89, 100, 100, 0))


# snapshot payload
def node(path, kind, mode, size=0, link="", chunks=()):
    return (s(path) + struct.pack("<BIII", kind, mode, 1000, 1000) + struct.pack("<qqqQQ", 1700000000123456789,
            1700000000123456789, 1700000000123456789, 42, size) + s(link) + struct.pack("<BH", 3, 4512) +
            struct.pack("<I", len(chunks)) + b"".join(chunks))


def snap(nodes, status=1):
    head = (struct.pack("<Iq", 1, 1763970000000) + s("ward-pc") + struct.pack("<I", 1) + s("nightly") +
            struct.pack("<I", 1) + s("data/ehr") + bytes(32) + struct.pack("<QQB", 2, 4096, status) +
            struct.pack("<d", 0.0) + s('[{"rule":"x","folder":"data","files":1,"examples":["a"],"detail":"d"}]') + s("") +
            struct.pack("<I", len(nodes)))
    return head + b"".join(nodes)


nodes = [node("data/ehr", 2, 0o755), node("data/ehr/link", 3, 0o777, link="カルテ.txt"),
         node("data/ehr/カルテ.txt", 1, 0o640, 4096, chunks=[h(b"c1"), h(b"c2")])]
put("vault_snapshot", "three-nodes", snap(nodes))
put("vault_snapshot", "suspect-empty", snap([], 2))
put("vault_snapshot", "dotdot", snap([node("data/../etc", 1, 0o644)]))
put("vault_snapshot", "unsorted", snap(list(reversed(nodes))))

# pack target input: u32 area, blob plaintexts, table plaintext (offsets are into the built pack: header 89)
blobs = [b"MSH|^~\\&|EHR|HOSP\r" * 20, bytes(range(256)) * 4]
area = b"".join(b + bytes(40) for b in blobs)  # each entry's bytes are plaintext + room for nonce and tag
tab, off = b"", 89
for i, b in enumerate(blobs):
    tab += struct.pack("<BB", 1, 0) + h(b) + struct.pack("<III", off, len(b) + 40, len(b))
    off += len(b) + 40
put("vault_pack", "two-blobs", struct.pack("<I", len(area)) + area + tab)
put("vault_pack", "empty-table", struct.pack("<I", 0))
put("vault_pack", "raw-footer", b"LBVPACK1\x01" + bytes(80) + bytes(40) + struct.pack("<I", 40) + b"LBVPEND1")

# real objects from a repository made by the binary
if len(sys.argv) > 1:
    with tempfile.TemporaryDirectory() as t:
        env = dict(os.environ, LIFEBOAT_PASSPHRASE="seed-orchid-granite-harbor", LIFEBOAT_PROGRESS="0")
        repo = os.path.join(t, "repo")
        subprocess.run([sys.argv[1], "vault", "init", "--repo", repo], env=env, check=True, capture_output=True)
        subprocess.run([sys.argv[1], "vault", "key", "add", "--repo", repo, "--role", "writer", "--out",
                        os.path.join(t, "w.key")], env=env, check=True, capture_output=True)
        put("vault_keyfile", "writer-key", open(os.path.join(t, "w.key"), "rb").read())
        put("vault_keyfile", "admin-key", open(os.path.join(repo, "keys", "admin"), "rb").read())
        put("vault_keyfile", "config", open(os.path.join(repo, "config"), "rb").read())
        for n in os.listdir(os.path.join(repo, "meta")):
            put("vault_keyfile", "meta-writer", open(os.path.join(repo, "meta", n), "rb").read())
        subprocess.run(["chattr", "-R", "-i", repo], capture_output=True)
put("vault_keyfile", "short", b"LBVKEY01\x02")
