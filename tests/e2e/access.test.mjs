// A location administrator manages one location and cannot see another:
// the picker offers only their own location (chosen at once), and the API
// refuses every other location with 403 (JSON {error, detail}) from the
// signed-in page (session cookie) and with their API token, while a
// partner sees all of theirs. Reads and one refused write on a shared
// server; the refused write is checked to have changed nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startBrowser,
  signIn,
  openLocation,
  userTotal,
  assertNoPageErrors,
  WAIT,
  sharedServerAndBrowser,
} from "./harness.mjs";

const TIMEOUT = 120_000;
const shared = sharedServerAndBrowser();

/// The location buttons of the picker: [[id, name]].
async function pickerLocations(page) {
  await page.waitForSelector("[data-location-id]", { timeout: WAIT });
  return page.$$eval("[data-location-id]", (buttons) =>
    buttons.map((b) => [Number(b.dataset.locationId), b.querySelector(".location-name").textContent.trim()]),
  );
}

/// Fetches from the page (the session cookie goes along): {status, body}.
function fetchFromPage(page, path, init) {
  return page.evaluate(
    async ([path, init]) => {
      const response = await fetch(path, init);
      const text = await response.text();
      let body = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      return { status: response.status, body };
    },
    [path, init ?? {}],
  );
}

test("a partner's picker lists all three locations", { timeout: TIMEOUT }, async () => {
  const page = await signIn(shared.browser, shared.server, "pat@partner.example");
  try {
    assert.deepEqual(await pickerLocations(page), [
      [1, "Amsterdam Headquarters"],
      [2, "Rotterdam Harbour Office"],
      [3, "Utrecht Service Centre"],
    ]);
    assertNoPageErrors(page);
  } finally {
    await page.close();
  }
});

test("alex (location 1) sees only location 1; location 2 is 403", { timeout: TIMEOUT }, async () => {
  const page = await signIn(shared.browser, shared.server, "alex@amsterdam.example");
  try {
    await page.locator("[data-testid=signed-in]", { hasText: "Alex de Vries · Location administrator" }).waitFor({ timeout: WAIT });
    assert.deepEqual(await pickerLocations(page), [[1, "Amsterdam Headquarters"]]);
    // The only location is chosen at once: no click needed.
    assert.equal(await page.getAttribute("[data-location-id='1']", "aria-pressed"), "true");
    await openLocation(page, 1);
    assert.equal(await userTotal(page), 4);
    assert.equal(
      await page.locator("section[aria-labelledby=user-management-title] p strong").textContent(),
      "Amsterdam Headquarters",
      "User management is for location 1",
    );
    // Searching for another location's name finds nothing.
    await page.fill("[data-testid=location-search]", "Rotterdam");
    await page.locator("[data-testid=locations]", { hasText: "No location matches." }).waitFor({ timeout: WAIT });
    assert.equal(await page.locator("[data-location-id]").count(), 0);

    // The API, with the session cookie.
    assert.equal((await fetchFromPage(page, "/api/locations/1/users")).status, 200);
    for (const path of [
      "/api/locations/2",
      "/api/locations/2/users",
      "/api/locations/2/users?q=fleur",
      "/api/locations/2/directory",
      "/api/locations/3/users",
    ]) {
      const { status, body } = await fetchFromPage(page, path);
      assert.equal(status, 403, `${path} answers 403`);
      assert.equal(body.error, "not_your_location", path);
      assert.equal(typeof body.detail, "string", path);
    }
    assert.equal((await fetchFromPage(page, "/api/locations/999/users")).status, 404, "an unknown location is 404");
    const search = await fetchFromPage(page, "/api/locations?q=");
    assert.equal(search.status, 200);
    assert.deepEqual(search.body.locations.map((l) => l.id), [1]);
    const me = await fetchFromPage(page, "/api/me");
    assert.deepEqual(me.body.locations.map((l) => l.id), [1]);

    // A write to location 2 with a valid CSRF token is refused too, and
    // changes nothing.
    const write = await fetchFromPage(page, "/api/locations/2/users/import", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": me.body.csrf_token, "Idempotency-Key": "access-test-1" },
      body: JSON.stringify({ users: [{ first_name: "Eve", last_name: "Intruder", email: "eve@example.com" }] }),
    });
    assert.equal(write.status, 403);
    assert.equal(write.body.error, "not_your_location");
    const pat = shared.server.account("pat@partner.example").apiToken;
    const rotterdam = await shared.server.api("GET", "/api/locations/2/users?limit=1000", { token: pat });
    assert.equal(rotterdam.json.total, 2, "location 2 still has its 2 demo users");
    assert.ok(!rotterdam.json.users.some((u) => u.email === "eve@example.com"));

    // The same with alex's API token.
    const alex = shared.server.account("alex@amsterdam.example").apiToken;
    assert.equal((await shared.server.api("GET", "/api/locations/2/users", { token: alex })).status, 403);
    assert.equal((await shared.server.api("GET", "/api/locations/1/users", { token: alex })).status, 200);
    assertNoPageErrors(page);
  } finally {
    await page.close();
  }
});

test("robin (location 2) sees only location 2; location 1 is 403", { timeout: TIMEOUT }, async () => {
  // A fresh context, so that alex's session cookie is not in play.
  const other = await startBrowser();
  try {
    const page = await signIn(other, shared.server, "robin@rotterdam.example");
    assert.deepEqual(await pickerLocations(page), [[2, "Rotterdam Harbour Office"]]);
    assert.equal(await page.getAttribute("[data-location-id='2']", "aria-pressed"), "true");
    await openLocation(page, 2);
    assert.equal(await userTotal(page), 2);
    assert.equal((await fetchFromPage(page, "/api/locations/2/users")).status, 200);
    for (const path of ["/api/locations/1", "/api/locations/1/users", "/api/locations/1/directory"]) {
      assert.equal((await fetchFromPage(page, path)).status, 403, `${path} answers 403`);
    }
    assertNoPageErrors(page);
  } finally {
    await other.close();
  }
});
