// station.mjs - the downtime station in a real browser (Debian chromium driven by playwright-core): log in,
// search ｻﾄｳ, open a patient, see the allergy in red, print the page to PDF (A4, patient ID on the printed
// page), the print recorded in the access log, no CSP violation; a screenshot of each page goes to
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
