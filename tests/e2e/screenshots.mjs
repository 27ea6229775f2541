// Takes a screenshot of each step of the import, in headless Chromium
// against the reference server (fresh demo data), into screenshots/ (which
// git ignores). Not a test: `node tests/e2e/screenshots.mjs` after
// `trunk build --release` and `cargo build --release -p portal-api`.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, startBrowser, signIn, ROOT } from "./harness.mjs";

const OUT = join(ROOT, "screenshots");
mkdirSync(OUT, { recursive: true });
const CSV = [
  "First Name,Last Name,E-mail,Ext,Mobile,Job Title,Department",
  "Ann,Lee,ann.lee@example.com,2050,+1 415 555 0132,Engineer,R&D",
  'Bo,"<img src=x onerror=alert(1)>",bo@example.com,2051,,Designer,R&D',
  "Cy,Ray,cy@example,,020 7946 0958,Planner,Operations",
  "Dee,Park,dee@example.com,2041,,=HYPERLINK(1),Sales",
  ",,,,,,",
  "Eve,Stone,ANN.LEE@example.com,2052,+31 6 1234 5678,Lead,R&D",
  "Zoë,O'Brien,zoe.obrien@example.com,2041,+44 20 7946 0958,Account Manager,Sales",
].join("\r\n") + "\r\n";

const server = await startServer();
const browser = await startBrowser();
const shot = (page, name) => page.screenshot({ path: join(OUT, name), fullPage: true });
try {
  const page = await signIn(browser, server, "pat@partner.example");
  await page.waitForSelector("[data-location-id]");
  await shot(page, "1-locations.png");
  await page.click("[data-location-id='1']");
  await page.waitForSelector(".user-row .email");
  await shot(page, "2-user-management.png");
  await page.click("[data-testid=import-csv]:not([disabled])");
  await page.click("[data-testid=guidelines]");
  await shot(page, "3-import-dialog-guidelines.png");
  await page.click("[data-testid=guidelines]");
  writeFileSync(join(OUT, "team.csv"), CSV);
  await page.setInputFiles("[data-testid=import-dialog] input[type=file]", join(OUT, "team.csv"));
  await page.waitForSelector("[data-count=rows]");
  await shot(page, "4-results.png");
  await page.click("tr.error-line[data-row='4'] [data-testid=fix-cell]");
  await page.fill("[data-testid=cell-fixer] input", "cy@example.com");
  await shot(page, "5-fix-a-cell.png");
  await page.click("[data-testid=recheck]");
  // Row 4 keeps its other problem (the mobile number); its email is fixed.
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=error-table] tr.error-line").length === 5);
  await page.click("[data-testid=import-accepted]");
  await page.waitForSelector("[data-testid=import-summary]");
  await page.click("[data-testid=imported-list] [data-testid=assign]");
  await shot(page, "6-imported-and-assign.png");

  const phone = await browser.context.newPage();
  await phone.setViewportSize({ width: 375, height: 800 });
  await phone.goto(server.base);
  await phone.waitForSelector("[data-location-id]");
  await phone.click("[data-location-id='1']");
  await phone.click("[data-testid=import-csv]:not([disabled])");
  await phone.setInputFiles("[data-testid=import-dialog] input[type=file]", join(OUT, "team.csv"));
  await phone.waitForSelector("[data-count=rows]");
  await shot(phone, "7-results-375px.png");
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await server.stop();
}
