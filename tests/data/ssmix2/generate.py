#!/usr/bin/env python3
"""generate.py - write the golden SS-MIX2 trees of the tests (committed; run again only to change them).

    LIFEBOAT=build/lifeboat python3 tests/data/ssmix2/generate.py

Messages are written here in UTF-8 following the SS-MIX2 standard storage specification and JAHIS message rules
(MSH-18 "~ISO IR87", MSH-20 "ISO2022-1994", PID-5 kanji ^L^I then kana ^L^P, CR segment separators), then encoded
to ISO-2022-JP by `lifeboat text encode --to iso-2022-jp` (which writes 髙 with its CP932 code, as real feeds do).

  good/   a small hospital: every handled message type, versions, a deletion, ADT cancels
  bad/    hostile input: broken ISO-2022-JP, truncated and delimiter-less messages, a PID-3 of another patient,
          stray and hostile file names
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LIFEBOAT = os.environ.get("LIFEBOAT", "lifeboat")


def encode(text):
    r = subprocess.run([LIFEBOAT, "text", "encode", "--to", "iso-2022-jp"], input=text.encode("utf-8"),
                       capture_output=True)
    if r.returncode not in (0, 1):
        sys.exit("encode failed: " + r.stderr.decode())
    return r.stdout


def msh(msgtype, time, ctl):
    return ("MSH|^~\\&|HIS|SEND|GW|RCV|%s||%s|%s|P|2.5||||||~ISO IR87||ISO2022-1994|"
            "SS-MIX2_1.20^SS-MIX2^1.2.392.200250.2.1.100.1.2.120^ISO" % (time, msgtype, ctl))


def pid(p):
    return ("PID|0001||%s^^^^PI||%s^%s^^^^^L^I~%s^%s^^^^^L^P||%s|%s|||^^^^%s^JPN^H^%s||"
            "^PRN^PH^^^^^^^^^%s~^ORN^CP^^^^^^^^^%s" %
            (p["id"], p["fk"], p["gk"], p["fn"], p["gn"], p["birth"], p["sex"], p["zip"], p["addr"], p["home"],
             p["mobile"]))


def write(root, pid_, date, dtype, order, time, dept, flag, segs, raw=None):
    name = "%s_%s_%s_%s_%s_%s_%s" % (pid_, date, dtype, order, time, dept, flag)
    d = os.path.join(root, pid_[0:3], pid_[3:6], pid_, date, dtype)
    os.makedirs(d, exist_ok=True)
    data = raw if raw is not None else encode("\r".join(segs) + "\r")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


HANAKO = dict(id="0000012345", fk="佐藤", gk="花子", fn="サトウ", gn="ハナコ", birth="19480405", sex="F",
              zip="100-0001", addr="東京都千代田区千代田１－１", home="03-1234-5678", mobile="090-1111-2222")
ICHIRO = dict(id="0000012346", fk="髙橋", gk="一郎", fn="タカハシ", gn="イチロウ", birth="19550110", sex="M",
              zip="422-8033", addr="静岡県静岡市駿河区登呂３－１－１", home="054-000-0000", mobile="080-3333-4444")
TARO = dict(id="0000012347", fk="佐藤", gk="太郎", fn="サトウ", gn="タロウ", birth="19600707", sex="M",
            zip="330-0061", addr="埼玉県さいたま市浦和区常盤６－４－４", home="048-111-2222", mobile="070-5555-6666")
HANAKO2 = dict(id="0000012348", fk="佐藤", gk="花子", fn="サトウ", gn="ハナコ", birth="19721201", sex="F",
               zip="060-0001", addr="北海道札幌市中央区北一条西２丁目", home="011-222-3333", mobile="090-7777-8888")
def adt00(root, p, time, addr=None, home=None, al1=True):
    q = dict(p)
    if addr:
        q["addr"] = addr
    if home:
        q["home"] = home
    segs = [msh("ADT^A08^ADT_A01", time[:14], "A08" + time[:12]), "EVN||" + time[:12], pid(q),
            "PV1|0001|O|||||||||||||||||||",
            "OBX|1|CWE|5H010000009199911^血液型-ABO式^JC10||A^A型^JSHR002||||||F",
            "OBX|2|CWE|5H020000009199911^血液型-Rh式^JC10||+^Rh+^JSHR002||||||F"]
    if al1:
        segs.append("AL1|1|DA^薬剤アレルギー^HL70127|1100^ペニシリン系抗生物質^99XYZ|SV^重症^HL70128|"
                    "アナフィラキシー|20091201")
    write(root, p["id"], "-", "ADT-00", "999999999999999", time, "-", "1", segs)


def good(root):
    # demographics: an older version (old address and phone) and the current one
    adt00(root, HANAKO, "20240101090000000", addr="東京都港区虎ノ門１－１９－９", home="03-0000-0000")
    adt00(root, HANAKO, "20261101100000000")
    adt00(root, ICHIRO, "20261102100000000", al1=False)
    adt00(root, TARO, "20261103100000000", al1=False)
    adt00(root, HANAKO2, "20261104100000000", al1=False)
    # allergies (ADT-61, IAM)
    write(root, HANAKO["id"], "-", "ADT-61", "999999999999999", "20261110120000000", "-", "1", [
        msh("ADT^A60^ADT_A60", "20261110120000", "A6020261110"), "EVN||202611101200", pid(HANAKO),
        "IAM|1|FA^食物アレルギー^HL70127|J0101^卵^99J-FAGY|MO^中等度^HL70128|蕁麻疹|A^追加^HL70323|||||19600101",
        "IAM|2|DA^薬剤アレルギー^HL70127|1149019F1^ロキソプロフェン^HOT9|MI^軽度^HL70128|胃部不快感|A^追加^HL70323"
        "||||||小学校低学年の頃",
        "IAM|3|EA^環境アレルギー^HL70127|5A1102700023023^ハウスダスト^JC10|MI^軽度^HL70128|くしゃみ|D^削除^HL70323"])
    # prescriptions (OMP-01, RDE^O11): two drugs in one order
    orc = ("ORC|NW|000000011000185||1|||||20261120103045|058^入力^花子^^^^^^^L^^^^^I||110^医師^一郎^^^^^^^L^^^^^I|"
           "10^^^^^C||||01^内科^99XY1||||登呂病院|||||||O^外来患者オーダ^HL70482")
    write(root, HANAKO["id"], "20261120", "OMP-01", "000000011000185", "20261120103045000", "01", "1", [
        msh("RDE^O11^RDE_O11", "20261120103045", "RDE20261120"), pid(HANAKO), "PV1|0001|O|01^^^^^C", orc,
        "RXE||1149019F1^ロキソニン錠６０ｍｇ^HOT9|1||TAB^錠^MR9P|||||21|TAB^錠^MR9P||||2026112012345||||3^TAB&錠&MR9P",
        "TQ1|1||1013044400000000&内服・経口・１日３回朝昼夕食後&JAMISDP01|||7^d|2026112000",
        "RXR|PO^口^HL70162", orc,
        "RXE||2329021F1^ムコスタ錠１００ｍｇ^HOT9|1||TAB^錠^MR9P|||||21|TAB^錠^MR9P||||2026112012345||||3^TAB&錠&MR9P",
        "TQ1|1||1013044400000000&内服・経口・１日３回朝昼夕食後&JAMISDP01|||7^d|2026112000",
        "RXR|PO^口^HL70162"])
    # an old finished prescription: not active any more
    write(root, HANAKO["id"], "20250101", "OMP-01", "000000011000100", "20250101090000000", "01", "1", [
        msh("RDE^O11^RDE_O11", "20250101090000", "RDE20250101"), pid(HANAKO), orc.replace("000000011000185",
                                                                                          "000000011000100"),
        "RXE||6132005B1^フロモックス錠１００ｍｇ^HOT9|1||TAB^錠^MR9P|||||9|TAB^錠^MR9P",
        "TQ1|1||1013044400000000&内服・経口・１日３回朝昼夕食後&JAMISDP01|||3^d|2025010100", "RXR|PO^口^HL70162"])
    # injection (OMP-02)
    write(root, HANAKO["id"], "20261121", "OMP-02", "000000022000001", "20261121080000000", "01", "1", [
        msh("RDE^O11^RDE_O11", "20261121080000", "RDE20261121"), pid(HANAKO), "PV1|0001|I|5東^501^2",
        "ORC|NW|000000022000001||1|||||20261121080000|||110^医師^一郎^^^^^^^L^^^^^I|||||01^内科^99XY1",
        "RXE||6132400D1^セファゾリンナトリウム注射用１ｇ^HOT9|1||VIL^瓶^MR9P||||||||||||||2^VIL&瓶&MR9P",
        "TQ1|1||9913000000000000&注射・１日２回&JAMISDP01|||3^d|2026112108",
        "RXR|IV^静脈内^HL70162"])
    # results (OML-11, OUL^R22)
    write(root, HANAKO["id"], "20261121", "OML-11", "000000011000354", "20261121110000000", "01", "1", [
        msh("OUL^R22^OUL_R22", "20261121110000", "OUL20261121"), pid(HANAKO), "PV1|0001|I|5東^501^2",
        "SPM|1|000000001219001||023^血清^JC10|||||||||||||202611210900",
        "OBR|1|000000011000354|000000001219001|E001^血液学的検査^99O03|||20261121||||||||110^医師^一郎^^^^^^^L^^^^^I",
        "ORC|SC|000000011000354|000000001219001||CM",
        "OBX|1|NM|2A990000001930952^白血球数^JC10||9.8|10*3/uL^10*3/uL^ISO+|3.3-8.6|H|||F|||202611210900",
        "OBX|2|NM|5C070000002327101^ＣＲＰ^JC10||2.30|mg/dL^mg/dL^ISO+|0.00-0.14|H|||F|||202611210900",
        "OBX|3|ST|1A010000000191111^尿蛋白定性^JC10||（－）||（－）|N|||F|||202611210900"])
    # diagnoses (PPR-01, PRB)
    write(root, HANAKO["id"], "-", "PPR-01", "999999999999999", "20261115090000000", "01", "1", [
        msh("PPR^ZD1^PPR_ZD1", "20261115090000", "PPR20261115"), pid(HANAKO),
        "PRB|AD|20261115|20057640^本態性高血圧症^MDCDX2|000000000000001|||20150401|||||||||20150401||1^主診断^JHSD0007",
        "PRB|AD|20261115|20069720^２型糖尿病^MDCDX2|000000000000002|||20180601|||||||||20180601||2^副診断^JHSD0007",
        "PRB|AD|20261115|20062335^急性気管支炎^MDCDX2|000000000000003|||20251201||20251220|J209^^I10||||"
        "R^治癒^HL70241|20251220|20251201"])
    # admissions: 花子 admitted to 5東-501-2
    adt_ev(root, HANAKO, "20261119", "ADT-22", "A01", "202611191400", "5東", "501", "2")
    # 太郎: admitted to 4西, transferred to 5東 (same surname in ward as 花子)
    adt_ev(root, TARO, "20261110", "ADT-22", "A01", "202611101000", "4西", "401", "1")
    adt_ev(root, TARO, "20261115", "ADT-42", "A02", "202611151000", "5東", "502", "1")
    # 一郎: admitted, discharged, then the discharge cancelled: still in 5東-503-3
    adt_ev(root, ICHIRO, "20261101", "ADT-22", "A01", "202611011000", "5東", "503", "3")
    adt_ev(root, ICHIRO, "20261120", "ADT-52", "A03", "202611201000", "5東", "503", "3")
    adt_ev(root, ICHIRO, "20261120", "ADT-52", "A13", "202611201000", "5東", "503", "3", order="999999999999998",
           time="20261120150000000")
    # the other 花子: admitted then discharged: not in the census
    adt_ev(root, HANAKO2, "20260901", "ADT-22", "A01", "202609011000", "3北", "301", "1")
    adt_ev(root, HANAKO2, "20260910", "ADT-52", "A03", "202609101000", "3北", "301", "1")
    # 太郎: a prescription written, then deleted (newest version flag 0)
    t_orc = "ORC|NW|000000011000777||1|||||20261118090000|||110^医師^一郎^^^^^^^L^^^^^I|||||01^内科^99XY1"
    segs = [msh("RDE^O11^RDE_O11", "20261118090000", "RDE20261118"), pid(TARO), t_orc,
            "RXE||1124017F1^デパス錠０．５ｍｇ^HOT9|1||TAB^錠^MR9P", "TQ1|1||&１日１回就寝前&|||14^d|2026111800",
            "RXR|PO^口^HL70162"]
    write(root, TARO["id"], "20261118", "OMP-01", "000000011000777", "20261118090000000", "01", "1", segs)
    write(root, TARO["id"], "20261118", "OMP-01", "000000011000777", "20261118093000000", "01", "0", segs)
    # 太郎: a prescription updated: the newer version (14 days) wins
    segs2 = [msh("RDE^O11^RDE_O11", "20261118090000", "RDE20261118b"), pid(TARO),
             t_orc.replace("000000011000777", "000000011000778"),
             "RXE||2171014F1^アムロジピン錠５ｍｇ^HOT9|1||TAB^錠^MR9P", "TQ1|1||&１日１回朝食後&|||7^d|2026111800",
             "RXR|PO^口^HL70162"]
    write(root, TARO["id"], "20261118", "OMP-01", "000000011000778", "20261118090000000", "01", "1", segs2)
    segs2[4] = "TQ1|1||&１日１回朝食後&|||14^d|2026111800"
    write(root, TARO["id"], "20261118", "OMP-01", "000000011000778", "20261118100000000", "01", "1", segs2)
    # a type without a handler: kept raw (diet order)
    write(root, TARO["id"], "20261118", "OMD", "000000033000001", "20261118110000000", "01", "1", [
        msh("OMD^O03^OMD_O03", "20261118110000", "OMD20261118"), pid(TARO),
        "ORC|NW|000000033000001", "ODS|D||^常食^99XYZ"])


def adt_ev(root, p, date, dtype, trig, when, ward, room, bed, order="999999999999999", time=None):
    time = time or (when + "00000")[:17]
    write(root, p["id"], date, dtype, order, time, "01", "1", [
        msh("ADT^%s^ADT_A01" % trig, time[:14], "ADT" + time[:14]), "EVN||%s|||||%s" % (when, when), pid(p),
        "PV1|0001|I|%s^%s^%s||||110^医師^一郎^^^^^^^L^^^^^I|||01||||||||V%s" % (ward, room, bed, date)])


def bad(root):
    # broken ISO-2022-JP: a kanji cut in half and an unknown escape; the message is still read
    segs = [msh("ADT^A08^ADT_A01", "20261101100000", "X1"), "EVN||202611011000", pid(dict(HANAKO, id="0000099001"))]
    raw = encode("\r".join(segs) + "\r")
    raw = raw.replace(b"|F|", b"|F|\x1b$B\x3a\x34\x1b(Z|")
    write(root, "0000099001", "-", "ADT-00", "999999999999999", "20261101100000000", "-", "1", None, raw=raw)
    # truncated: cut in the middle of the PID segment
    full = encode("\r".join([msh("ADT^A08^ADT_A01", "20261101100000", "X2"), "EVN||202611011000",
                             pid(dict(HANAKO, id="0000099002"))]) + "\r")
    write(root, "0000099002", "-", "ADT-00", "999999999999999", "20261101100000000", "-", "1", None,
          raw=full[:len(full) * 2 // 3])
    # not HL7 at all / wrong delimiters
    write(root, "0000099003", "-", "ADT-00", "999999999999999", "20261101100000000", "-", "1", None,
          raw=b"this is not an HL7 message\r")
    write(root, "0000099004", "-", "ADT-00", "999999999999999", "20261101100000000", "-", "1", None,
          raw=b"MSHa^~\\&a\rPIDa1aa0000099004\r")
    # a message whose PID-3 names another patient than its folder
    write(root, "0000099005", "-", "ADT-00", "999999999999999", "20261101100000000", "-", "1", [
        msh("ADT^A08^ADT_A01", "20261101100000", "X5"), "EVN||202611011000", pid(dict(HANAKO, id="0000012345"))])
    # an OMP-01 folder holding an ADT message
    write(root, "0000099006", "20261101", "OMP-01", "000000000000001", "20261101100000000", "01", "1", [
        msh("ADT^A08^ADT_A01", "20261101100000", "X6"), pid(dict(HANAKO, id="0000099006"))])
    # hostile and stray names
    d = os.path.join(root, "000", "099", "0000099007", "-", "ADT-00")
    os.makedirs(d, exist_ok=True)
    for name in ["0000099007_-_ADT-00_1_20261101100000000_-_7", "0000099007_-_ADT-00_1_2026110110_-_1",
                 "0000099007_-_ADT-00_1_20261101100000000_-_1_extra", "0000099007 _-_ADT-00_1_20261101100000000_-_1",
                 "0000099008_-_ADT-00_1_20261101100000000_-_1", "患者_-_ADT-00_1_20261101100000000_-_1",
                 "0000099007_20261399_ADT-00_1_20261101100000000_-_1", "README"]:
        with open(os.path.join(d, name), "wb") as f:
            f.write(b"MSH|^~\\&|X\r")
    with open(os.path.join(root, "stray.txt"), "w") as f:
        f.write("not storage\n")


def main():
    for sub, fn in (("good", good), ("bad", bad)):
        root = os.path.join(HERE, sub)
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        fn(root)


if __name__ == "__main__":
    main()
