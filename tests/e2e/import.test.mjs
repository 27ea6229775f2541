// IMPORT ACCEPTED USERS end to end: only the accepted users are posted (one
// batch, with an Idempotency-Key), the page's summary and lists show the
// created and updated users, and the database (read back through the API
// with an API token) holds each user once with the normalized values
// (trimmed, lowercased email, E.164 mobile). With duplicate emails in the
// file, the last row's values are the ones stored.
// Each test gets a fresh server (fresh in-memory database).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  signIn,
  openLocation,
  openImportDialog,
  chooseFile,
  resultCounts,
  allUsers,
  recordImports,
  importStatuses,
  waitForUserTotal,
  assertNoPageErrors,
  WAIT,
  sharedBrowser,
} from "./harness.mjs";

const TIMEOUT = 180_000;
const PARTNER = "pat@partner.example";
const shared = sharedBrowser();

/// Signs in as the partner on a fresh server, opens location 1, checks
/// `csv` and imports the accepted users; returns what the test needs.
/// Stops its server and closes its page when it fails.
async function importFile(csv, expectedCounts) {
  const server = await startServer();
  let page;
  try {
    page = await signIn(shared.browser, server, PARTNER);
    const posted = recordImports(page);
    await openLocation(page, 1);
    await openImportDialog(page);
    await chooseFile(page, "users.csv", csv);
    assert.deepEqual(await resultCounts(page), expectedCounts);
    await page.click("[data-testid=import-accepted]");
    await page.locator("[data-testid=import-dialog]").waitFor({ state: "detached", timeout: WAIT });
    await page.locator("[data-testid=import-summary]").waitFor({ timeout: WAIT });
    return { server, page, posted, token: server.account(PARTNER).apiToken };
  } catch (error) {
    await page?.close();
    await server.stop();
    throw error;
  }
}

async function summary(page) {
  return page.$$eval("[data-testid=import-summary] [data-imported]", (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.imported, Number(el.textContent.replaceAll(",", ""))])),
  );
}

/// The stored user with this email (exactly one), without `id`.
function theOne(users, email) {
  const found = users.filter((u) => u.email === email);
  assert.equal(found.length, 1, `${email} is stored once`);
  const { id, ...rest } = found[0];
  return rest;
}

test("accepted users are imported once, normalized, and listed", { timeout: TIMEOUT }, async () => {
  const csv =
    "\uFEFF" +
    [
      "First Name,Last Name,Email,Extension,Mobile Number,Job Title,Department",
      "Liam,Ng,Liam.Ng@Example.COM,3201,(415) 555-0132,Designer,Product", // 2 new
      "Mia,Chen,mia.chen@example,,,,", // 3 rejected: no domain ending
      "Noah,Brown,noah.brown@example.com,,14155550199,,", // 4 new: Excel dropped the +
      "Zoë,O'Brien,ZOE.OBRIEN@EXAMPLE.COM,2041,+44 7700 900123,Head of Sales,", // 5 update; department not given
      "  Olivia  , Park , olivia.park@example.com ,3202,'+31 6 1111 2222,  Support Lead ,Support", // 6 new: trimmed, guard undone
    ].join("\r\n") +
    "\r\n";
  const { server, page, posted, token } = await importFile(csv, {
    rows: 5,
    accepted: 4,
    rejected: 1,
    superseded: 0,
    blank: 0,
    new: 3,
    updates: 1,
  });
  try {
    // One batch with the accepted users only, in file order, and a key.
    assert.equal(posted.length, 1, "one import request");
    assert.match(posted[0].key ?? "", /^[\x21-\x7e]{1,255}$/, "an Idempotency-Key");
    assert.deepEqual(
      posted[0].users.map((u) => u.email),
      ["liam.ng@example.com", "noah.brown@example.com", "zoe.obrien@example.com", "olivia.park@example.com"],
    );
    assert.deepEqual(await importStatuses(posted), [200]);

    assert.deepEqual(await summary(page), { created: 3, updated: 1 });
    const imported = await page.locator("[data-testid=imported-list] tr[data-user-id]").evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 5).map((td) => td.textContent.trim())),
    );
    assert.deepEqual(
      imported.map(([name, email, , , badge]) => [name, email, badge]).sort(),
      [
        ["Liam Ng", "liam.ng@example.com", "created"],
        ["Noah Brown", "noah.brown@example.com", "created"],
        ["Olivia Park", "olivia.park@example.com", "created"],
        ["Zoë O'Brien", "zoe.obrien@example.com", "updated"],
      ],
    );

    // The user list is loaded again: 4 demo users + 3 new.
    await waitForUserTotal(page, 7);
    const list = page.locator("[data-testid=user-list] .user-row .email");
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=user-list] .user-row .email").length === 7,
      null,
      { timeout: WAIT },
    );
    assert.deepEqual((await list.allTextContents()).sort(), [
      "daan.visser@example.com",
      "emile.laurent@example.com",
      "liam.ng@example.com",
      "noah.brown@example.com",
      "olivia.park@example.com",
      "sanne.bakker@example.com",
      "zoe.obrien@example.com",
    ]);

    // The database, through the API.
    const users = await allUsers(server, token, 1);
    assert.equal(users.length, 7);
    assert.equal(new Set(users.map((u) => u.email)).size, 7, "no email twice");
    assert.deepEqual(theOne(users, "liam.ng@example.com"), {
      email: "liam.ng@example.com",
      first_name: "Liam",
      last_name: "Ng",
      extension: "3201",
      mobile_number: "+14155550132",
      job_title: "Designer",
      department: "Product",
      licenses: [],
    });
    assert.deepEqual(theOne(users, "noah.brown@example.com"), {
      email: "noah.brown@example.com",
      first_name: "Noah",
      last_name: "Brown",
      extension: null,
      mobile_number: "+14155550199",
      job_title: null,
      department: null,
      licenses: [],
    });
    assert.deepEqual(theOne(users, "olivia.park@example.com"), {
      email: "olivia.park@example.com",
      first_name: "Olivia",
      last_name: "Park",
      extension: "3202",
      mobile_number: "+31611112222",
      job_title: "Support Lead",
      department: "Support",
      licenses: [],
    });
    // Updated in place; the department not given keeps the stored "Sales".
    assert.deepEqual(theOne(users, "zoe.obrien@example.com"), {
      email: "zoe.obrien@example.com",
      first_name: "Zoë",
      last_name: "O'Brien",
      extension: "2041",
      mobile_number: "+447700900123",
      job_title: "Head of Sales",
      department: "Sales",
      licenses: [],
    });
    assert.ok(!users.some((u) => u.email.startsWith("mia.chen")), "the rejected row is not stored");
    assertNoPageErrors(page);
  } finally {
    await page.close();
    await server.stop();
  }
});

test("duplicate emails: the last row's values are stored", { timeout: TIMEOUT }, async () => {
  const csv = [
    "First Name,Last Name,Email,Extension,Mobile Number,Job Title,Department",
    "Ann,Lee,ann.lee@example.com,3301,+31 6 1000 0001,Intern,Support", // 2 superseded by 4
    "Bo,Berg,bo.berg@example.com,,,,", // 3 new
    "Annie,Leeson,ANN.LEE@Example.com,3302,+31 6 1000 0002,Engineer,R&D", // 4 new (wins)
    "Sanne,Bakker-de Wit,Sanne.Bakker@Example.com,,,Head of Operations,Board", // 5 superseded by 6
    "Sanne,Bakker,sanne.bakker@example.com,2042,+31 6 9999 0000,Office Lead,", // 6 update of a demo user (wins)
  ].join("\n");
  const { server, page, posted, token } = await importFile(csv, {
    rows: 5,
    accepted: 3,
    rejected: 0,
    superseded: 2,
    blank: 0,
    new: 2,
    updates: 1,
  });
  try {
    assert.deepEqual(await importStatuses(posted), [200], "one import request");
    assert.deepEqual(
      posted[0].users.map((u) => [u.email, u.first_name, u.last_name]),
      [
        ["bo.berg@example.com", "Bo", "Berg"],
        ["ann.lee@example.com", "Annie", "Leeson"],
        ["sanne.bakker@example.com", "Sanne", "Bakker"],
      ],
      "only the last row of each email is posted",
    );
    assert.deepEqual(await summary(page), { created: 2, updated: 1 });
    await waitForUserTotal(page, 6);

    const users = await allUsers(server, token, 1);
    assert.equal(users.length, 6);
    assert.equal(new Set(users.map((u) => u.email)).size, 6, "no email twice");
    assert.deepEqual(theOne(users, "ann.lee@example.com"), {
      email: "ann.lee@example.com",
      first_name: "Annie",
      last_name: "Leeson",
      extension: "3302",
      mobile_number: "+31610000002",
      job_title: "Engineer",
      department: "R&D",
      licenses: [],
    });
    assert.deepEqual(theOne(users, "sanne.bakker@example.com"), {
      email: "sanne.bakker@example.com",
      first_name: "Sanne",
      last_name: "Bakker",
      extension: "2042",
      mobile_number: "+31699990000",
      job_title: "Office Lead",
      department: "Operations", // not given in the winning row: kept
      licenses: [],
    });
    assert.ok(!users.some((u) => u.extension === "3301"), "the superseded row's extension is not stored");
    assertNoPageErrors(page);
  } finally {
    await page.close();
    await server.stop();
  }
});
