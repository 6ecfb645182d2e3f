// station_backentry.mjs - the back-entry pages in a real browser (Debian chromium driven by playwright-core,
// issue 16): a nurse scans a number label into the register page (typed, then Enter as a scanner sends it), scans
// the wristband (Enter: 確認, the patient is shown and nothing is written), picks 検査 and sees the entry
// registered; scanning the same label again opens that entry and offers no second registration. A clerk of the
// records office then ticks it on the worklist and marks it entered. No CSP violation. Screenshots go to the
// build folder (docs/screenshots/ with LB_UPDATE_SCREENSHOTS=1). Needs LIFEBOAT, LB_SRC (CTest sets them) and
// `npm ci` at the top of the source tree.
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

const T = fs.mkdtempSync(path.join(os.tmpdir(), "lifeboat-browser-be-"));
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
process.on("exit", () => server && server.kill("SIGTERM"));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(1));

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  if (server) server.kill("SIGTERM");
  fs.rmSync(T, { recursive: true, force: true });
}

async function main() {
  lb(["synth", "--out", `${T}/h`, "--patients", "5", "--seed", "5"]);
  const db = `${T}/clinical.db`;
  try {
    lb(["ingest", "--db", db, "--ssmix2", `${T}/h/ssmix2`]);
  } catch (e) {
    if (e.status !== 1) throw e;
  }
  lb(["user", "add", "--db", db, "--name", "nurse1", "--role", "nurse"], "browser-nurse-pass\n");
  lb(["user", "add", "--db", db, "--name", "rec1", "--role", "clerk"], "browser-clerk-pass\n");
  const inc = `${T}/incident.db`;
  const alloc = JSON.parse(lb(["incident", "numbers", "allocate", "--incident", inc, "--ward", "3A", "--kind", "order",
                               "--count", "10", "--json"]));
  const number = alloc.first;
  const pid = execFileSync("sqlite3", [db, "SELECT id FROM patients ORDER BY id LIMIT 1"], { encoding: "utf8" }).trim();
  const orders = () => JSON.parse(lb(["incident", "order", "list", "--incident", inc, "--json"]));

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

  browser = await chromium.launchPersistentContext(`${T}/profile`, {
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    locale: "ja-JP",
    viewport: { width: 1280, height: 900 },
  });
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.setDefaultTimeout(15000);
  const login = async (user, pass) => {
    await page.goto(`${base}/login`);
    await page.fill('input[name="username"]', user);
    await page.fill('input[name="password"]', pass);
    await Promise.all([page.waitForNavigation(), page.click('form.login button[type="submit"]')]);
  };
  // what a USB scanner does: type the code into the focused field, then Enter
  const scan = async (sel, text) => {
    check(await page.locator(sel).evaluate((e) => e === document.activeElement), `${sel} has the focus for the scanner`);
    await page.keyboard.type(text);
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  };

  await login("nurse1", "browser-nurse-pass");
  await Promise.all([page.waitForNavigation(), page.click('nav a[href="/backentry/register"]')]);
  await scan("#number", number);
  check((await page.locator("#register-form").getAttribute("data-number")) === number, "a new number opens the register form");
  check((await page.locator("#kinds button.kind").count()) === 10, "ten kind buttons");
  await scan("#patient", pid);
  check(await page.locator("section.idband").isVisible(), "the wristband's Enter shows the patient");
  check(orders().length === 0, "… and registers nothing");
  check((await page.locator("#time").inputValue()).match(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/) !== null, "the clinical time defaults to now");
  await page.fill("#author", "医師 山田");
  await page.fill("#paper_at", "3A 詰所");
  await page.screenshot({ path: path.join(SHOTS, "station-backentry-register.png"), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('#kinds button[value="lab"]')]);
  check(await page.locator("#registered").isVisible(), "registered");
  check((await page.locator("#entry-kind").textContent()) === "検査", "as 検査");
  const list = orders();
  check(list.length === 1 && list[0].number === number && list[0].patient === pid && list[0].registered_by === "nurse1",
        "one entry, by nurse1: " + JSON.stringify(list));

  // the same label again: the entry opens, no second one
  await scan("#number", number);
  check((await page.locator("#existing").getAttribute("data-number")) === number, "a second scan opens the entry");
  check((await page.locator("#register-form").count()) === 0, "… with no register form");
  check(orders().length === 1, "still one entry");

  // the records office marks it entered
  await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
  await login("rec1", "browser-clerk-pass");
  await page.goto(`${base}/backentry/backlog?ward=3A`);
  const row = page.locator(`#backlog tr[data-number="${number}"]`);
  check((await row.count()) === 1, "the entry is on the worklist");
  await row.locator('input[type="checkbox"]').check();
  await Promise.all([page.waitForNavigation(), page.click("#mark-entered")]);
  check(await page.locator("#marked").isVisible(), "the mark is recorded");
  check((await page.locator(`#backlog tr[data-number="${number}"] .step[data-step="entered"]`).getAttribute("class")) === "step done",
        "the entry shows entered");
  await page.screenshot({ path: path.join(SHOTS, "station-backentry-backlog.png"), fullPage: true });
  const after = orders();
  check(after[0].entered === true && after[0].scanned === false, "the CLI sees the step: " + JSON.stringify(after[0]));
  check(consoleErrors.length === 0, "no console errors (CSP): " + consoleErrors.join(" | "));
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
