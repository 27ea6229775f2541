// What every end-to-end test needs: the release reference server on an
// ephemeral loopback port with a fresh in-memory database, the demo data and
// the test hooks, serving the built app (dist/); and Debian's Chromium,
// driven by playwright-core (which never downloads a browser).
//
// Build first: `trunk build --release` and
// `cargo build --release -p portal-api`; scripts/test.sh does both.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SERVER = join(ROOT, "target", "release", "portal-api");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/// Starts `portal-api serve`; resolves once it prints its address.
export async function startServer(extraArgs = []) {
  const child = spawn(
    SERVER,
    ["serve", "--port", "0", "--db", ":memory:", "--demo", "--test-hooks", "--dist", join(ROOT, "dist"), ...extraArgs],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
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
      child.kill();
    },
  };
}

/// Chromium headless with the flags this closed network needs, and a
/// fresh profile.
export async function startBrowser() {
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
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/// A signed-in page: opens the account's sign-in link.
export async function signIn(browser, server, email) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(server.account(email).signInUrl);
  page.pageErrors = errors;
  return page;
}
