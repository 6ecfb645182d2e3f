// station_incident.mjs - the headquarters board in a real browser (Debian chromium driven by playwright-core,
// issue 15): a user of role hq logs in, finds no incident declared and no banner, declares a drill through the
// board's form, records a decision, and sees it on the board and as the banner of the patient search (yellow, on
// top of the page); a nurse who logs in afterwards sees the same banner and no decision form; no CSP violation.
// A screenshot of the board goes to the build folder (docs/screenshots/ with LB_UPDATE_SCREENSHOTS=1). Needs
// LIFEBOAT, LB_SRC (CTest sets them) and `npm ci` at the top of the source tree.
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

const T = fs.mkdtempSync(path.join(os.tmpdir(), "lifeboat-browser-hq-"));
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
  lb(["synth", "--out", `${T}/h`, "--patients", "20", "--seed", "5"]);
  const db = `${T}/clinical.db`;
  try {
    lb(["ingest", "--db", db, "--ssmix2", `${T}/h/ssmix2`]);
  } catch (e) {
    if (e.status !== 1) throw e;
  }
  lb(["user", "add", "--db", db, "--name", "boss", "--role", "hq", "--team", "hq"], "browser-hq-pass\n");
  lb(["user", "add", "--db", db, "--name", "nurse1", "--role", "nurse", "--team", "patients"], "browser-nurse-pass\n");

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

  // hq logs in: no incident, no banner.
  await login("boss", "browser-hq-pass");
  check(new URL(page.url()).pathname === "/search", "hq lands on the search: " + page.url());
  check((await page.locator("#decisions").count()) === 0, "no banner before any incident");
  await Promise.all([page.waitForNavigation(), page.click('nav a[href="/incident"]')]);
  check((await page.locator("#no-incident").textContent()).includes("宣言されたインシデントはありません"),
        "the board says no incident is declared");

  // Declare a drill and record a decision through the board's forms.
  await page.fill('#declare-form input[name="title"]', "電子カルテ停止 (訓練)");
  await page.check('#declare-form input[name="drill"]');
  await Promise.all([page.waitForNavigation(), page.click('#declare-form button[type="submit"]')]);
  check(new URL(page.url()).pathname === "/incident", "the declaration comes back to the board: " + page.url());
  check((await page.locator("#drill").textContent()) === "訓練", "the board marks the drill");
  check((await page.locator("#phases li.current").textContent()) === "検知", "the phase is 検知");
  const overdue = await page.locator('#deadlines tr[data-report="mhlw"]').evaluate((e) => getComputedStyle(e.querySelector("td")).color);
  check(overdue === "rgb(204, 0, 0)", "the MHLW report due at once is red: " + overdue);
  await page.fill('#decide-form textarea[name="text"]', "外来新規受付を停止");
  await Promise.all([page.waitForNavigation(), page.click('#decide-form button[type="submit"]')]);
  check((await page.locator("#board-decisions").textContent()).includes("外来新規受付を停止"), "the board lists the decision");
  check((await page.locator("#decisions").textContent()).includes("外来新規受付を停止"), "… and the banner on the board itself");
  await page.screenshot({ path: path.join(SHOTS, "station-incident-board.png"), fullPage: true });

  // The banner on the patient search, on top and yellow.
  await page.goto(`${base}/search`);
  const banner = page.locator("header.banner #decisions");
  check(await banner.isVisible(), "the decisions banner is on the patient search");
  check((await banner.textContent()).includes("外来新規受付を停止"), "the banner shows the decision");
  check((await banner.textContent()).includes("対策本部の決定 (訓練)"), "the banner says it is headquarters' decision, in a drill");
  const bg = await banner.evaluate((e) => getComputedStyle(e).backgroundColor);
  check(bg === "rgb(255, 235, 59)", "the banner is yellow: " + bg);
  await page.screenshot({ path: path.join(SHOTS, "station-incident-banner.png") });

  // A nurse sees the banner too, and no decision form.
  await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
  await login("nurse1", "browser-nurse-pass");
  check((await page.locator("#decisions").textContent()).includes("外来新規受付を停止"), "the nurse sees the banner");
  await page.goto(`${base}/incident`);
  check((await page.locator("#decide-form").count()) === 0, "the nurse gets no decision form");
  check((await page.locator("#log-form select[name=team]").inputValue()) === "patients", "the nurse's log form is for her team");

  const timeline = JSON.parse(lb(["incident", "timeline", "--incident", `${T}/incident.db`, "--json"]));
  check(timeline.length === 2 && timeline[1].kind === "decision" && timeline[1].author === "boss",
        "the decision is in the timeline, written by boss: " + JSON.stringify(timeline.map((e) => [e.kind, e.author])));
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
