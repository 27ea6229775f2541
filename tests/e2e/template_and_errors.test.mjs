// What the Import users dialog hands to the person before anything is
// imported: the template's exact bytes, and for a file with errors and
// duplicate emails the figures, the error table (row numbers and columns)
// and the error file's exact bytes (BOM, CRLF, `Row` first, the uploaded
// header as spelled, `Errors` last, the formula guard, no superseded rows).
// The expected values are worked out by hand from
// /work/shared/spec/import-rules.md against the demo location 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  signIn,
  openLocation,
  openImportDialog,
  chooseFile,
  resultCounts,
  download,
  assertNoPageErrors,
  WAIT,
  sharedServerAndBrowser,
} from "./harness.mjs";

const TIMEOUT = 180_000;
const shared = sharedServerAndBrowser();

test("DOWNLOAD TEMPLATE saves the header row alone: UTF-8 BOM, CRLF", { timeout: TIMEOUT }, async () => {
  const page = await signIn(shared.browser, shared.server, "pat@partner.example");
  try {
    await openLocation(page, 1);
    await openImportDialog(page);
    const file = await download(page, () => page.click("[data-testid=download-template]"));
    const expected = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from("First Name,Last Name,Email,Extension,Mobile Number,Job Title,Department\r\n", "ascii"),
    ]);
    assert.deepEqual(file.bytes, expected, `template bytes: ${JSON.stringify(file.bytes.toString("latin1"))}`);
    assert.match(file.name, /\.csv$/);
    assertNoPageErrors(page);
  } finally {
    await page.close();
  }
});

// Header: the template's columns spelled as an export might (aliases, other
// case), and an unknown column `Notes` that the error file keeps.
// Row numbers as a spreadsheet shows them (the header is row 1).
const UPLOAD = [
  "First name,LAST NAME,E-mail,ext,Mobile Phone,Title,Dept,Notes",
  /* 2 */ "Ann,Lee,ann.lee@example.com,3101,+31 6 1234 5678,Engineer,R&D,", // accepted, new
  /* 3 */ "Bob,Jones,bob@@example.com,,+44 20 7946 0958,=SUM(A1:A2),-Ops,@admin", // rejected: email; four formula cells
  /* 4 */ "Cara,Diaz,cara@example.com,,12345,Analyst,Finance,", // superseded by row 7 (its own bad mobile does not matter)
  /* 5 */ 'Dan,Evans,dan.evans@example.com,2042,,Buyer,"Sales, EMEA",', // rejected: 2042 is Sanne Bakker's
  /* 6 */ ",Fox,fay.fox@example.com,,0612345678,,,", // rejected: first name missing, mobile without country code
  /* 7 */ "Cara,Díaz,CARA@Example.com,3102,(415) 555-0132,Senior Analyst,Finance,", // accepted, new (wins over row 4)
  /* 8 */ ",,,,,,,", // blank
  /* 9 */ "Zoë,O'Brien,Zoe.OBrien@example.com,2041,+44 20 7946 0958,Sales Director,Sales,", // accepted, update (2041 is her own)
  /* 10 */ "Gus,Hale,gus@example.com,,,,,", // superseded by row 11
  /* 11 */ "Gus,Hale,GUS@example.com,0123,,,,", // rejected: extension starts with 0 (the last row wins even with errors)
  /* 12 */ "Ivy,King,ivy@example.com,,,,,,extra", // rejected: a 9th non-empty cell
  /* 13 */ "Jan,Lo,jan@example.com,3300,,,,", // rejected: 3300 also in row 14
  /* 14 */ "Kim,Ma,kim@example.com,3300,,,,", // rejected: 3300 also in row 13
].join("\r\n") + "\r\n";

const MSG = {
  bobEmail: 'Email "bob@@example.com" is not a valid address: it has 2 @ signs; an address has exactly one.',
  danExtension:
    "Extension 2042 belongs to Sanne Bakker (sanne.bakker@example.com), an existing user of this location; choose another or leave it empty.",
  fayFirstName: "First Name is required.",
  fayMobile:
    'Mobile Number "0612345678" needs its country code; write it with + and the country code, such as +44 20 7946 0958.',
  gusExtension: 'Extension "0123" cannot start with 0, which dials the operator.',
  ivyCells:
    'This row has 9 cells but the header has 8; the extra value "extra" is not in any column. Move it into the right column or remove it.',
  janExtension: "Extension 3300 is also given to row 14 (kim@example.com); each user needs their own.",
  kimExtension: "Extension 3300 is also given to row 13 (jan@example.com); each user needs their own.",
};

test("a file with errors and duplicates: figures, error table, error file", { timeout: TIMEOUT }, async () => {
  const page = await signIn(shared.browser, shared.server, "pat@partner.example");
  try {
    await openLocation(page, 1);
    const dialog = await openImportDialog(page);
    await chooseFile(page, "staff.csv", UPLOAD);

    assert.deepEqual(await resultCounts(page), {
      rows: 12,
      accepted: 3, // rows 2, 7, 9
      rejected: 7, // rows 3, 5, 6, 11, 12, 13, 14
      superseded: 2, // rows 4, 10
      blank: 1, // row 8
      new: 2, // ann.lee, cara
      updates: 1, // zoe.obrien
    });

    const warnings = await dialog.locator("[data-testid=warnings]").textContent();
    assert.match(warnings, /Notes/, "the unknown column is named in a warning");
    assert.match(warnings, /Row 4 \(cara@example\.com\) is replaced by row 7/);
    assert.match(warnings, /Row 10 \(gus@example\.com\) is replaced by row 11/);

    // The error table: one line per problem, in file order.
    const table = dialog.locator("[data-testid=error-table]");
    await table.locator("tr.error-line").first().waitFor({ timeout: WAIT });
    assert.equal(await table.locator("table").getAttribute("aria-rowcount"), "9", "8 problems and the header line");
    const lines = await table.locator("tr.error-line").evaluateAll((trs) =>
      trs.map((tr) => [
        Number(tr.dataset.row),
        tr.querySelector(".cell-row").textContent.trim(),
        tr.querySelector(".cell-column").textContent.trim(),
        tr.querySelector(".cell-message").textContent.trim(),
      ]),
    );
    for (const [row, shown] of lines) assert.equal(String(row), shown, "the row number shown is the data-row");
    assert.deepEqual(
      lines.map(([row, , column, message]) => [row, column, message]),
      [
        [3, "Email", MSG.bobEmail],
        [5, "Extension", MSG.danExtension],
        [6, "First Name", MSG.fayFirstName],
        [6, "Mobile Number", MSG.fayMobile],
        [11, "Extension", MSG.gusExtension],
        [12, "Whole row", MSG.ivyCells],
        [13, "Extension", MSG.janExtension],
        [14, "Extension", MSG.kimExtension],
      ],
    );

    // The error file, through its link.
    const link = dialog.locator("a[download][data-testid=error-file]");
    await link.waitFor({ timeout: WAIT });
    assert.equal(await link.getAttribute("download"), "staff-errors.csv");
    const file = await download(page, () => link.click());
    assert.equal(file.name, "staff-errors.csv");
    const expected =
      "\uFEFF" +
      [
        "Row,First name,LAST NAME,E-mail,ext,Mobile Phone,Title,Dept,Notes,Errors",
        `3,Bob,Jones,bob@@example.com,,'+44 20 7946 0958,'=SUM(A1:A2),'-Ops,'@admin,"${MSG.bobEmail.replaceAll('"', '""')}"`,
        `5,Dan,Evans,dan.evans@example.com,2042,,Buyer,"Sales, EMEA",,"${MSG.danExtension}"`,
        `6,,Fox,fay.fox@example.com,,0612345678,,,,"${MSG.fayFirstName}; ${MSG.fayMobile.replaceAll('"', '""')}"`,
        `11,Gus,Hale,GUS@example.com,0123,,,,,"${MSG.gusExtension.replaceAll('"', '""')}"`,
        `12,Ivy,King,ivy@example.com,,,,,,"${MSG.ivyCells.replaceAll('"', '""')}"`,
        `13,Jan,Lo,jan@example.com,3300,,,,,${MSG.janExtension}`,
        `14,Kim,Ma,kim@example.com,3300,,,,,${MSG.kimExtension}`,
      ].join("\r\n") +
      "\r\n";
    assert.equal(file.bytes.toString("utf8"), expected);
    assert.deepEqual(file.bytes.subarray(0, 3), Buffer.from([0xef, 0xbb, 0xbf]), "UTF-8 BOM");
    assert.ok(!/[^\r]\n/.test(file.bytes.toString("utf8")), "every line ends with CRLF");

    // Cancel closes the dialog without sending anything.
    await dialog.locator("[data-testid=cancel]").click();
    await page.locator("[data-testid=import-dialog]").waitFor({ state: "detached", timeout: WAIT });
    const { json } = await shared.server.api("GET", "/api/locations/1/users?limit=1000", {
      token: shared.server.account("pat@partner.example").apiToken,
    });
    assert.equal(json.total, 4, "nothing was imported");
    assertNoPageErrors(page);
  } finally {
    await page.close();
  }
});
