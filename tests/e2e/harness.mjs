// What every end-to-end test needs: the release reference server on an
// ephemeral loopback port with a fresh in-memory database, the demo data and
// the test hooks, serving the built app (dist/); and Debian's Chromium,
// driven by playwright-core (which never downloads a browser).
//
// Build first: `trunk build --release` and
// `cargo build --release -p portal-api` (or set PORTAL_API to another
// build of the server: scripts/test.sh uses the debug one that
// `cargo test` has built already).
import { before, after } from "node:test";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SERVER = process.env.PORTAL_API || join(ROOT, "target", "release", "portal-api");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/// Starts `portal-api serve`, serving the app built into `dist`; resolves
/// once it prints its address.
export async function startServer(extraArgs = [], dist = join(ROOT, "dist")) {
  const child = spawn(
    SERVER,
    ["serve", "--port", "0", "--db", ":memory:", "--demo", "--test-hooks", "--dist", dist, ...extraArgs],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  // A safety net: never leave a server behind, even if a test forgets.
  const killOnExit = () => child.kill();
  process.on("exit", killOnExit);
  const lines = [];
  const base = await new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`the server stopped (${code}): ${lines.join("\n")}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      const m = line.match(/^Voice portal: (http:\/\/[^/]+\/)/);
      if (m) resolve(m[1]);
    });
  });
  const account = (email) => {
    const at = lines.findIndex((l) => l.includes(`<${email}>`));
    if (at < 0) throw new Error(`no demo account ${email}`);
    return {
      signInUrl: lines[at + 1].trim().replace(/^sign in:\s*/, ""),
      apiToken: lines[at + 2].trim().replace(/^API token:\s*/, ""),
    };
  };
  return {
    base,
    account,
    /// An API call with an account's Bearer token (or none).
    async api(method, path, { token, body } = {}) {
      const headers = { "Content-Type": "application/json" };
      if (token) headers.Authorization = `Bearer ${token}`;
      const response = await fetch(new URL(path, base), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    },
    async stop() {
      child.removeAllListeners("exit");
      process.off("exit", killOnExit);
      child.kill();
    },
  };
}

/// Chromium headless with the flags this closed network needs, and a
/// fresh profile; `extraArgs` are added to those flags (a benchmark's
/// `--js-flags=...`, say).
export async function startBrowser(extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), "e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      ...extraArgs,
    ],
  });
  return {
    context,
    /// The profile directory, which names this browser's processes.
    profile,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/// A signed-in page: opens the account's sign-in link.
/// One browser for all the tests of a file, started before the first and
/// closed after the last (node:test hooks): `const shared = sharedBrowser();`
/// then `shared.browser` inside the tests.
export function sharedBrowser() {
  const shared = {};
  before(async () => {
    shared.browser = await startBrowser();
  });
  after(async () => {
    await shared.browser?.close();
  });
  return shared;
}

/// One reference server and one browser for all the tests of a file, as
/// [`sharedBrowser`]: `shared.server` and `shared.browser`.
export function sharedServerAndBrowser() {
  const shared = sharedBrowser();
  before(async () => {
    shared.server = await startServer();
  });
  after(async () => {
    await shared.server?.stop();
  });
  return shared;
}

export async function signIn(browser, server, email) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(server.account(email).signInUrl);
  page.pageErrors = errors;
  return page;
}

// ---------------------------------------------------------------------------
// Helpers for the import flow, shared by the *.test.mjs files.

/// How long a step of the flow may take on these slow 2-core machines.
export const WAIT = 60_000;

/// Picks location `id` in the picker (a location administrator's only
/// location is chosen at once) and waits until IMPORT.CSV is enabled (the
/// location's directory is loaded) and the user list shows its total.
export async function openLocation(page, id) {
  await page.waitForSelector(`[data-location-id="${id}"]`, { timeout: WAIT });
  const pressed = await page.getAttribute(`[data-location-id="${id}"]`, "aria-pressed");
  if (pressed !== "true") await page.click(`[data-location-id="${id}"]`);
  await page.waitForSelector("[data-testid=import-csv]:not([disabled])", { timeout: WAIT });
  await userTotal(page);
}

/// The number in the user list's "N users" line, once it is shown.
export async function userTotal(page) {
  const total = page.locator("[data-testid=user-total]");
  await total.filter({ hasText: /\d/ }).waitFor({ timeout: WAIT });
  const text = (await total.innerText()).trim();
  const m = text.match(/^([\d,]+) users?$/);
  if (!m) throw new Error(`unexpected user total: ${JSON.stringify(text)}`);
  return Number(m[1].replaceAll(",", ""));
}

/// Waits until the user list's total reads `n`.
export async function waitForUserTotal(page, n, timeout = WAIT) {
  const label = `${n.toLocaleString("en-US")} user${n === 1 ? "" : "s"}`;
  await page
    .locator("[data-testid=user-total]", { hasText: new RegExp(`^${label}$`) })
    .waitFor({ timeout });
}

/// Opens the Import users dialog.
export async function openImportDialog(page) {
  await page.click("[data-testid=import-csv]");
  await page.waitForSelector("[data-testid=import-dialog]", { timeout: WAIT });
  return page.locator("[data-testid=import-dialog]");
}

/// Chooses a file in the open dialog and waits for the results.
export async function chooseFile(page, name, content) {
  const dialog = page.locator("[data-testid=import-dialog]");
  await dialog.locator("input[type=file]").setInputFiles({
    name,
    mimeType: "text/csv",
    buffer: Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8"),
  });
  await dialog.locator("[data-testid=results]").waitFor({ timeout: WAIT });
}

/// The results' figures: {rows, accepted, rejected, superseded, blank, new, updates}.
export async function resultCounts(page) {
  return page.$$eval("[data-testid=import-dialog] [data-count]", (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.count, Number(el.textContent.trim().replaceAll(",", ""))])),
  );
}

/// Runs `action` (a click, say) and returns the download it starts:
/// {name, bytes}.
export async function download(page, action) {
  const [event] = await Promise.all([page.waitForEvent("download", { timeout: WAIT }), action()]);
  const path = await event.path();
  const { readFileSync } = await import("node:fs");
  return { name: event.suggestedFilename(), bytes: readFileSync(path) };
}

/// Every user of a location through the API (paged by 1,000).
export async function allUsers(server, token, location) {
  const users = [];
  for (let offset = 0; ; offset += 1000) {
    const { status, json } = await server.api("GET", `/api/locations/${location}/users?offset=${offset}&limit=1000`, { token });
    if (status !== 200) throw new Error(`GET users: ${status} ${JSON.stringify(json)}`);
    users.push(...json.users);
    if (json.users.length === 0 || users.length >= json.total) {
      if (users.length !== json.total) throw new Error(`paged ${users.length} users, total says ${json.total}`);
      return users;
    }
  }
}

/// Sets the server's import fault switch.
export async function failImports(server, pass, fail) {
  const { status } = await server.api("POST", "/api/test/fail-imports", { body: { pass, fail } });
  if (status !== 204) throw new Error(`fail-imports answered ${status}`);
}

/// Expires every browser session.
export async function expireSessions(server) {
  const { status } = await server.api("POST", "/api/test/expire-sessions");
  if (status !== 204) throw new Error(`expire-sessions answered ${status}`);
}

const FIRST_NAMES = ["Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Greta", "Hugo", "Inès", "Jonas", "Kiki", "Lars"];
const LAST_NAMES = ["de Vries", "O'Neill", "Janssen", "Müller", "van Dijk", "Smit", "Meyer", "Bos", "Peeters", "Visser"];

/// `n` valid, distinct users as template rows: {first, last, email,
/// extension, mobile, mobileE164, title, department}; extensions from 4000
/// (the demo users have 2041–2043, 3001–3002, ...).
export function generatedUsers(n, prefix = "bulk") {
  return Array.from({ length: n }, (_, i) => {
    const number = String(10_000_000 + i * 37).slice(-8);
    return {
      first: FIRST_NAMES[i % FIRST_NAMES.length],
      last: LAST_NAMES[i % LAST_NAMES.length],
      email: `${prefix}.${String(i + 1).padStart(5, "0")}@example.com`,
      extension: String(4000 + i),
      mobile: `+31 6 ${number.slice(0, 4)} ${number.slice(4)}`,
      mobileE164: `+316${number}`,
      title: i % 3 === 0 ? "Engineer" : "",
      department: i % 2 === 0 ? "Support" : "",
    };
  });
}

/// Users as a CSV in the template's columns (LF line ends, no BOM: what a
/// script would write).
export function usersCsv(users) {
  const quote = (v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = ["First Name,Last Name,Email,Extension,Mobile Number,Job Title,Department"];
  for (const u of users) {
    lines.push([u.first, u.last, u.email, u.extension, u.mobile, u.title, u.department].map(quote).join(","));
  }
  return lines.join("\n") + "\n";
}

/// Records the page's import requests: [{key, users, status, answered}] in
/// order (`status` is set when the answer comes; `answered` resolves then).
export function recordImports(page) {
  const seen = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && /\/api\/locations\/\d+\/users\/import$/.test(request.url())) {
      const entry = { key: request.headers()["idempotency-key"], users: JSON.parse(request.postData()).users, status: null };
      entry.answered = request.response().then(
        (r) => (entry.status = r ? r.status() : "failed"),
        () => (entry.status = "failed"),
      );
      seen.push(entry);
    }
  });
  return seen;
}

/// Fails the test if the page threw.
export function assertNoPageErrors(page) {
  if (page.pageErrors.length) throw new Error(`page errors:\n${page.pageErrors.join("\n")}`);
}

/// The statuses of recorded import requests, once all have answered.
export async function importStatuses(seen) {
  await Promise.all(seen.map((e) => e.answered));
  return seen.map((e) => e.status);
}
