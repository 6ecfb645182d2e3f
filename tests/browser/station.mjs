// station.mjs - the downtime station in a real browser (Debian chromium driven by playwright-core): log in,
// search ｻﾄｳ, open a patient, see the allergy in red, print the page to PDF (A4, patient ID on the printed
// page), the print recorded in the access log, no CSP violation; then the safety checks: drug search as you type,
// a prescription check picked from the list (STOP for a penicillin allergy, printed with its stamp), and the
// barcode check typed as a scanner types (wristband, then the order labels the station printed, read back with
// zbarimg; a drug code that is STOP), each in the access log; a screenshot of each page goes to
// the build folder (docs/screenshots/ with LB_UPDATE_SCREENSHOTS=1). Needs LIFEBOAT, LB_SRC (CTest sets them) and `npm ci` at the top of the source tree.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const LIFEBOAT = process.env.LIFEBOAT;
const SRC = process.env.LB_SRC;
if (!LIFEBOAT || !SRC) {
  console.error("LIFEBOAT and LB_SRC must be set (CTest sets them)");
  process.exit(1);
}
let chromium;
try {
  chromium = createRequire(path.join(SRC, "package.json"))("playwright-core").chromium;
} catch (e) {
  console.error("playwright-core is missing: run `npm ci` at the top of the source tree (make test does)");
  process.exit(1);
}

const T = fs.mkdtempSync(path.join(os.tmpdir(), "lifeboat-browser-"));
// Screenshots go to the build folder; LB_UPDATE_SCREENSHOTS=1 writes the committed ones under docs/ instead
// (a test run must not change the checkout).
const SHOTS = process.env.LB_UPDATE_SCREENSHOTS
  ? path.join(SRC, "docs", "screenshots")
  : path.join(process.env.LB_BUILD || os.tmpdir(), "screenshots");
fs.mkdirSync(SHOTS, { recursive: true });
let server = null, browser = null, failures = 0, checks = 0;

function check(ok, what) {
  checks++;
  if (!ok) {
    failures++;
    console.error("FAIL: " + what);
  }
}
function lb(args, input) {
  return execFileSync(LIFEBOAT, args, { input, encoding: "utf8", env: { ...process.env, LIFEBOAT_LANG: "en" } });
}
// The station never outlives the test, however it ends (CTest's timeout sends SIGTERM).
process.on("exit", () => server && server.kill("SIGTERM"));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(1));

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  if (server) server.kill("SIGTERM");
  fs.rmSync(T, { recursive: true, force: true });
}

async function main() {
  // A synthetic hospital; the first ｻﾄｳ gets a latex allergy we can look for.
  lb(["synth", "--out", `${T}/h`, "--patients", "200", "--seed", "7"]);
  const db = `${T}/clinical.db`;
  const ingest = (fhir) => {
    try {
      lb(["ingest", "--db", db, "--ssmix2", `${T}/h/ssmix2`, "--fhir", fhir, "--appointments", `${T}/h/appointments.csv`,
          "--drugs", `${T}/h/drugs.csv`]);
    } catch (e) {
      if (e.status !== 1) throw e; // 1: data-quality warnings, still loaded
    }
  };
  ingest(`${T}/h/fhir`);
  const sato = JSON.parse(lb(["search", "--db", db, "--json", "ｻﾄｳ"])).hits[0].id;
  fs.mkdirSync(`${T}/fhir`);
  for (const f of fs.readdirSync(`${T}/h/fhir`)) fs.copyFileSync(`${T}/h/fhir/${f}`, `${T}/fhir/${f}`);
  fs.writeFileSync(`${T}/fhir/zz-allergy.ndjson`, JSON.stringify({
    resourceType: "AllergyIntolerance", id: `${sato}-LATEX`, clinicalStatus: { coding: [{ code: "active" }] },
    category: ["environment"], code: { text: "ラテックス" }, patient: { reference: `Patient/${sato}` },
    recordedDate: "2024-04-01", reaction: [{ manifestation: [{ text: "アナフィラキシー" }], severity: "severe" }],
  }) + "\n");
  ingest(`${T}/fhir`);
  lb(["user", "add", "--db", db, "--name", "nurse1", "--role", "nurse"], "browser-test-pass\n");
  const census = JSON.parse(lb(["patient", "--db", db, "--id", sato, "--json"]));
  const apptDate = execFileSync("sqlite3", [db, "SELECT substr(start,1,10) FROM appointments GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"], { encoding: "utf8" }).trim();

  // The station on a free port of 127.0.0.1.
  server = spawn(LIFEBOAT, ["station", "--db", db, "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  const base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("station did not start")), 15000);
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/^listening on (http:\/\/[^/]+)\//m);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on("exit", (c) => reject(new Error("station exited " + c)));
  });

  // A fresh profile folder (--user-data-dir) per run: playwright passes it for a persistent context.
  browser = await chromium.launchPersistentContext(`${T}/profile`, {
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    locale: "ja-JP",
    viewport: { width: 1280, height: 900 },
  });
  const ctx = browser;
  const page = await ctx.newPage();
  const cspErrors = [];
  page.on("console", (m) => {
    if (m.type() === "error") cspErrors.push(m.text());
  });
  page.setDefaultTimeout(15000);

  // Without a session the patient page is the login page, with nothing of the patient.
  await page.goto(`${base}/patient/${sato}`);
  check(new URL(page.url()).pathname === "/login", "a patient page without a session goes to /login: " + page.url());
  check(!(await page.content()).includes(census.patient?.family_kanji ?? "佐藤"), "no patient name on the login page");
  await page.screenshot({ path: path.join(SHOTS, "station-login.png"), fullPage: true });

  await page.fill('input[name="username"]', "nurse1");
  await page.fill('input[name="password"]', "browser-test-pass");
  await Promise.all([page.waitForNavigation(), page.click('form.login button[type="submit"]')]);
  check(new URL(page.url()).pathname === `/patient/${sato}`, "login returns to the asked page: " + page.url());

  // Search ｻﾄｳ (half-width) and open the patient from the results.
  await page.goto(`${base}/search`);
  await page.fill('input[name="q"]', "ｻﾄｳ");
  await Promise.all([page.waitForNavigation(), page.press('input[name="q"]', "Enter")]);
  const rows = await page.locator("table.hits tbody tr").count();
  check(rows > 0, "ｻﾄｳ finds patients");
  check((await page.locator("table.hits .kana").first().textContent()).includes("サトウ"), "results show the kana name");
  await page.screenshot({ path: path.join(SHOTS, "station-search.png"), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click(`table.hits a[href="/patient/${sato}"] >> nth=0`)]);
  check(new URL(page.url()).pathname === `/patient/${sato}`, "the result opens the patient page");

  // The allergy, first and in red.
  const allergy = page.locator("section.allergy");
  check(await allergy.isVisible(), "allergy section visible");
  check((await allergy.textContent()).includes("ラテックス"), "the latex allergy is shown");
  const color = await allergy.evaluate((e) => getComputedStyle(e).color);
  check(color === "rgb(204, 0, 0)", "allergies are red: " + color);
  const order = await page.evaluate(() => [...document.querySelectorAll("main section")].map((s) => s.className));
  check(order[0] === "idband" && order[1] === "allergy", "identification then allergies first: " + order.join(","));
  check((await page.locator(".idband .pid").textContent()).trim() === sato, "ID on the banner");
  await page.screenshot({ path: path.join(SHOTS, "station-patient.png"), fullPage: true });

  // Print: A4 PDF; each printed page carries the patient ID and name; the print is recorded.
  await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
  await page.emulateMedia({ media: "print" });
  const head = page.locator("#print-head");
  check(await head.isVisible(), "print header visible when printing");
  check((await head.textContent()).includes(sato), "print header names the patient ID");
  const pdf = await page.pdf({ format: "A4", printBackground: true, path: `${T}/patient.pdf` });
  if (process.env.LB_BUILD) fs.copyFileSync(`${T}/patient.pdf`, path.join(process.env.LB_BUILD, "station-patient.pdf"));
  check(pdf.subarray(0, 5).toString() === "%PDF-" && pdf.length > 10000, "page.pdf gives a PDF");
  // Every printed page carries the patient ID (pdfinfo/pdftotext from poppler-utils).
  const pages = Number(execFileSync("pdfinfo", [`${T}/patient.pdf`], { encoding: "utf8" }).match(/^Pages:\s+(\d+)/m)[1]);
  check(pages >= 1, "the PDF has pages");
  for (let i = 1; i <= pages; i++) {
    const text = execFileSync("pdftotext", ["-f", String(i), "-l", String(i), `${T}/patient.pdf`, "-"], { encoding: "utf8" });
    check(text.includes(sato), `printed page ${i} of ${pages} names the patient ID`);
  }
  console.log(`patient page printed on ${pages} A4 page(s)`);
  await page.emulateMedia({ media: "screen" });

  // Census and the outpatient call list.
  await page.goto(`${base}/census`);
  await Promise.all([page.waitForNavigation(), page.click("ul.wards a >> nth=0")]);
  check((await page.locator("table.census tbody tr").count()) > 0, "the census lists beds");
  await page.screenshot({ path: path.join(SHOTS, "station-census.png"), fullPage: true });
  await page.goto(`${base}/appointments?date=${apptDate}`);
  check((await page.locator("table.appts tbody tr").count()) > 0, "the call list lists bookings");
  check((await page.locator("td.phone").first().textContent()).match(/\d/) !== null, "the call list has phone numbers");
  await page.screenshot({ path: path.join(SHOTS, "station-appointments.png"), fullPage: true });

  // The safety checks: drug search as you type, the prescription check, the barcode check with labels printed by
  // the station and read back as a scanner reads them.
  await safetyChecks(page, base, db);

  // Logout through the button (POST with the CSRF token).
  await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
  check(new URL(page.url()).pathname === "/login", "logout returns to the login page");
  await page.goto(`${base}/patient/${sato}`);
  check(new URL(page.url()).pathname === "/login", "no patient page after logout");

  check(cspErrors.length === 0, "no console errors (CSP violations): " + cspErrors.join(" | "));
  await new Promise((r) => setTimeout(r, 300)); // the beacon is sent asynchronously
  const audit = JSON.parse(lb(["station", "audit", "--db", db, "--json", "--patient", sato]));
  check(audit.some((e) => e.action === "view" && e.user === "nurse1"), "the view is in the access log");
  check(audit.some((e) => e.action === "print" && e.user === "nurse1"), "the print is in the access log");
}

// The patient for the checks: allergic to penicillin, with active orders (whose labels the station prints).
function penicillinPatient(db) {
  const ids = execFileSync("sqlite3", [db, "SELECT DISTINCT patient_id FROM allergies WHERE active AND name LIKE '%ペニシリン%' ORDER BY patient_id"],
                           { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  for (const id of ids) {
    const v = JSON.parse(lb(["patient", "--db", db, "--id", id, "--json"]));
    if (v.medications.some((m) => m.status === "active")) return id;
  }
  throw new Error("no penicillin-allergic patient with active orders in the synthetic hospital");
}

// What a scanner reads from a PDF: Code 128 of every page at 300 dpi (poppler-utils, zbar-tools).
function barcodesOf(pdfPath) {
  const prefix = pdfPath.replace(/\.pdf$/, "");
  execFileSync("pdftoppm", ["-r", "300", "-gray", pdfPath, prefix]);
  const pgms = fs.readdirSync(path.dirname(pdfPath)).filter((f) => f.startsWith(path.basename(prefix) + "-") && f.endsWith(".pgm"))
    .map((f) => path.join(path.dirname(pdfPath), f));
  let out = "";
  try {
    out = execFileSync("zbarimg", ["-q", ...pgms], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch (e) {
    out = e.stdout || "";
  }
  return out.split("\n").filter((l) => l.startsWith("CODE-128:")).map((l) => l.slice(9));
}

async function safetyChecks(page, base, db) {
  const pid = penicillinPatient(db);

  // Drug search: three characters of half-width kana, the list fills as the user types.
  await page.goto(`${base}/drugs`);
  await page.locator('input[name="q"]').pressSequentially("ﾛｷｿ", { delay: 60 });
  const sug = page.locator("#drug-suggest > li > a");
  await sug.first().waitFor();
  const names = await sug.allTextContents();
  check(names.some((n) => n.includes("ロキソニン")) && names.some((n) => n.includes("「")),
        "ﾛｷｿ lists the brand and its generic as you type: " + names.join(" | "));
  await page.screenshot({ path: path.join(SHOTS, "station-drugs.png"), fullPage: true });

  // Prescription check from the patient's page: pick サワシリン from the list, type the order, check.
  await page.goto(`${base}/patient/${pid}`);
  await Promise.all([page.waitForNavigation(), page.click(`a[href="/rx/check?patient=${pid}"]`)]);
  check(new URL(page.url()).pathname === "/rx/check", "the patient page opens the prescription check");
  await page.locator('input[name="drug"]').pressSequentially("ｻﾜｼ", { delay: 60 });
  const pick = page.locator('#rx-suggest a[data-code="100000101"]');
  await pick.waitFor();
  await pick.click();
  check((await page.inputValue('input[name="drug"]')) === "100000101", "picking a drug puts its code in the field");
  check((await page.locator("#rx-picked").textContent()).includes("サワシリン"), "the picked drug is named");
  await page.fill('input[name="dose"]', "250");
  await page.fill('input[name="unit"]', "mg");
  await page.fill('input[name="per_day"]', "3");
  await page.fill('input[name="days"]', "7");
  await Promise.all([page.waitForNavigation(), page.press('input[name="days"]', "Enter")]);
  const verdict = page.locator("#rx-verdict");
  check((await verdict.getAttribute("data-verdict")) === "stop", "amoxicillin for a penicillin allergy is STOP");
  check((await page.locator("table.alerts tr.lv-stop").first().textContent()).includes("ペニシリン"), "the STOP names the allergy");
  check(await page.locator(".idband .pid").textContent() === pid, "the check shows the patient's banner");
  await page.screenshot({ path: path.join(SHOTS, "station-rx-check.png"), fullPage: true });
  // Printed: the form goes, the stamp (downtime copy, as-of, who) stays; the PDF names the patient on each page.
  await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
  await page.emulateMedia({ media: "print" });
  check(!(await page.locator("form.rxform").isVisible()), "the form is not printed");
  check(await page.locator(".stamp").isVisible(), "the stamp is printed");
  await page.pdf({ format: "A4", printBackground: true, path: `${T}/rxcheck.pdf` });
  const rxText = execFileSync("pdftotext", [`${T}/rxcheck.pdf`, "-"], { encoding: "utf8" });
  check(rxText.includes(pid) && rxText.includes("downtime copy") && rxText.includes("データ時点"),
        "the printed check carries the patient ID, the downtime-copy mark and the as-of time");
  check(!(await page.locator("form.rxrecord").isVisible()), "the record form is not printed");
  await page.emulateMedia({ media: "screen" });

  // 記録: the stop needs the prescriber's reason (the browser will not send the form without it); with it, every
  // line is recorded as an outage order by the logged-in user, and the page after it lists them.
  const rec = page.locator("#rx-record button[type=submit]");
  check((await rec.textContent()).includes("この処方を記録"), "the check offers 「この処方を記録」");
  await rec.click();
  check(new URL(page.url()).pathname === "/rx/check", "a stop without a reason is not sent");
  await page.fill('#rx-record input[name="override"]', "処方医 確認済み: 皮疹のみの既往");
  await Promise.all([page.waitForNavigation(), rec.click()]);
  check(new URL(page.url()).searchParams.get("recorded")?.startsWith("ST-"), "the record answers with the check page: " + page.url());
  const recorded = await page.locator("#rx-recorded").textContent();
  check(recorded.includes("サワシリン") && recorded.includes("記録者 nurse1") && recorded.includes("皮疹のみ"),
        "the page lists the recorded order, its reason and who recorded it: " + recorded);
  const orders = JSON.parse(lb(["rx", "orders", "--db", db, "--patient", pid, "--json"]));
  check(orders.length === 1 && orders[0].recorded_by === "nurse1" && orders[0].level === "stop" &&
        orders[0].drug_code === "100000101", "rx orders has it, recorded by nurse1: " + JSON.stringify(orders));

  // Barcode check: the station prints the patient's order labels; a scanner types the wristband, Enter, then a
  // label, Enter.
  const labels = await page.request.get(`${base}/print/patient.pdf?patient=${pid}&part=labels`);
  check(labels.ok() && (labels.headers()["content-type"] || "").startsWith("application/pdf"), "the order labels are a PDF");
  fs.writeFileSync(`${T}/labels.pdf`, await labels.body());
  const codes = barcodesOf(`${T}/labels.pdf`);
  check(codes.length > 0 && codes.every((c) => c.startsWith(`LBO/${pid}/`)), "the labels' barcodes are this patient's orders: " + codes.join(" "));
  await page.goto(`${base}/patient/${pid}`);
  await Promise.all([page.waitForNavigation(), page.click(`a[href="/barcode?patient=${pid}"]`)]);
  // A scanner types into whatever has the focus: the page must put it in the field by itself (autofocus), which
  // Chromium does a moment after the load on a busy machine, so wait for it rather than type into nothing.
  const focusedOn = (name) =>
    page.waitForFunction((n) => document.activeElement && document.activeElement.name === n, name, { timeout: 15000 });
  await focusedOn("wristband");
  await page.keyboard.type(pid);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  check((await page.locator(".idband .pid").textContent()) === pid, "the wristband scan shows the patient");
  const verdicts = [];
  for (const code of codes) {
    await focusedOn("label");
    await page.keyboard.type(code); // the label field has the focus after the wristband
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    verdicts.push(await page.locator("#bc-verdict").getAttribute("data-verdict"));
  }
  check(verdicts.includes("ok"), "a label of the patient's active order is OK: " + verdicts.join(","));
  await focusedOn("label");
  await page.keyboard.type("100000101"); // サワシリン, typed as a drug code
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  check((await page.locator("#bc-verdict").getAttribute("data-verdict")) === "stop", "amoxicillin at the bedside is STOP");
  const big = await page.locator("#bc-verdict .big").evaluate((e) => getComputedStyle(e).fontSize);
  check(parseFloat(big) >= 48, "the verdict is big: " + big);
  await page.screenshot({ path: path.join(SHOTS, "station-barcode.png"), fullPage: true });

  const audit = JSON.parse(lb(["station", "audit", "--db", db, "--json", "--patient", pid]));
  check(audit.some((e) => e.action === "drug-search" && e.detail === "ｻﾜｼ"), "the drug search of the check is in the access log");
  check(audit.some((e) => e.action === "rx-check" && /result stop: allergy/.test(e.detail)), "the check and its result are in the access log");
  check(audit.some((e) => e.action === "barcode" && /result ok/.test(e.detail)), "the OK barcode check is in the access log");
  check(audit.some((e) => e.action === "barcode" && /label 100000101; result stop/.test(e.detail)), "the STOP barcode check is in the access log");
  check(audit.some((e) => e.action === "print" && e.detail === "labels"), "the label print is in the access log");
  check(audit.some((e) => e.action === "rx-record" && e.user === "nurse1" && /^recorded ST-/.test(e.detail)), "the 記録 is in the access log");
}

try {
  await main();
} catch (e) {
  failures++;
  console.error("FAIL: " + (e.stack || e));
}
await cleanup();
if (failures) {
  console.error(`${failures} of ${checks} checks failed`);
  process.exit(1);
}
console.log(`${checks} checks passed`);
