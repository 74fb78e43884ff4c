// End-to-end tests of the playground in headless Chromium (Debian's package,
// driven by playwright-core) against the real `clause serve` binary on
// 127.0.0.1 with an ephemeral port. Each step writes a screenshot to
// web/artifacts/. The binary is $CLAUSE_BIN, or target/debug/clause.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, cpSync, mkdirSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const artifacts = resolve(here, "../artifacts");
const bin = process.env.CLAUSE_BIN || join(repo, "target/debug/clause");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const STEP = 15000; // the longest wait for any one thing on the page, in ms

let server;
let base;
let browser;
let page;
let policiesDir;
const consoleErrors = [];

function startServer() {
  policiesDir = mkdtempSync(join(tmpdir(), "clause-playground-e2e-"));
  cpSync(join(repo, "policies"), policiesDir, { recursive: true });
  server = spawn(bin, ["serve", "--policies", policiesDir, "--addr", "127.0.0.1:0", "--allow-write"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  server.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server printed no address in 30 s:\n${stderr}`)), 30000);
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    server.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited with ${code}:\n${stderr}`));
    });
  });
}

async function shot(name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
}

/// One part of the page, for docs/playground.md (small pictures).
async function partShot(selector, name) {
  await page.locator(selector).screenshot({ path: join(artifacts, `doc-${name}.png`) });
}

/// The editor's text replaced through CodeMirror, as typing would.
async function setPolicy(text) {
  await page.evaluate((t) => {
    const { view } = window.clausePlayground.editor;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t } });
  }, text);
}

const policyText = () => page.evaluate(() => window.clausePlayground.editor.text);

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  assert.ok(existsSync(bin), `no clause binary at ${bin} (cargo build first)`);
  base = await startServer();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(STEP);
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  if (policiesDir) rmSync(policiesDir, { recursive: true, force: true });
});

test("the page loads the bundled policies and an example claim", async () => {
  await page.goto(`${base}/#imicro`);
  await page.waitForFunction(() => document.querySelectorAll("#policy-select option").length >= 5);
  assert.equal(await page.inputValue("#policy-select"), "imicro");
  await page.waitForFunction(() => window.clausePlayground.editor.text.includes("policy imicro"));
  await page.waitForFunction(() => /No problems|0 errors/.test(document.getElementById("check-status").textContent));
  // The example claim is the first case of imicro.cases.json; its verdict shows.
  await page.waitForSelector("[data-testid=decision] .badge");
  assert.equal(await page.textContent("[data-testid=decision] .badge"), "approve");
  // The deciding rule's quoted sentence is marked in the editor.
  await page.waitForSelector(".cm-deciding");
  assert.match(await page.textContent(".cm-deciding"), /sold and shipped/);
  await shot("01-loaded");
  await partShot(".results", "loaded");
});

test("a broken policy shows its diagnostic at the right line, and fixing it clears it", async () => {
  const good = await policyText();
  const lines = good.split("\n");
  const at = lines.findIndex((l) => l.includes("when item.category is digital"));
  assert.ok(at > 0);
  lines[at] = lines[at].replace("item.category", "item.categroy");
  await setPolicy(lines.join("\n"));
  try {
  const item = page.locator(".diag-item.error").first();
  await item.waitFor();
  assert.equal(await item.getAttribute("data-line"), String(at + 1));
  assert.match(await item.textContent(), /categroy/);
  await page.waitForFunction(() => /1 error/.test(document.getElementById("check-status").textContent));
  // The problem's entry moves the cursor to its line (scrolled into view).
  await item.locator("button").click();
  const cursorLine = await page.evaluate(() => {
    const { view } = window.clausePlayground.editor;
    return view.state.doc.lineAt(view.state.selection.main.head).number;
  });
  assert.equal(cursorLine, at + 1);
  // The span is underlined in the editor.
  await page.waitForSelector(".cm-lintRange-error");
  assert.equal((await page.textContent(".cm-lintRange-error")).trim(), "item.categroy");
  await page.locator(".cm-lintRange-error").hover();
  await page.waitForSelector(".cm-tooltip-lint");
  assert.match(await page.textContent(".cm-tooltip-lint"), /did you mean/);
  await shot("02-broken");
  await partShot(".editor-panel", "broken");
  } finally {
    // Later steps need the good policy back, whatever happened here.
    await setPolicy(good);
  }
  await page.waitForFunction(() => document.querySelectorAll(".diag-item.error").length === 0);
  await page.waitForFunction(() => /No problems|0 errors/.test(document.getElementById("check-status").textContent));
  await shot("03-fixed");
});

test("Format lays the policy out", async () => {
  const good = await policyText();
  await setPolicy(good.replace("  currency USD", "currency    USD"));
  await page.click("#format-btn");
  await page.waitForFunction((g) => window.clausePlayground.editor.text === g, good);
});

test("a claim filled with the form only gets the verdict clause eval gives", async () => {
  await page.click("#new-claim-btn");
  const fill = (path, value) => page.fill(`[data-path="${path}"]`, value);
  await fill("claim_id", "form-1");
  await fill("order.placed_at", "2023-09-01");
  await fill("order.placed_at#time", "10:00");
  await fill("order.total.amount", "199.00");
  await fill("items.0.sku", "SSD-1");
  await fill("items.0.category", "electronics");
  await fill("items.0.price.amount", "199.00");
  await fill("items.0.weight.value", "4");
  await page.selectOption('[data-path="items.0.weight.unit"]', "lb");
  await fill("claim.filed_at", "2023-09-12");
  await fill("claim.filed_at#time", "09:00");
  await page.selectOption('[data-path="claim.reason"]', "changed_mind");
  await page.selectOption('[data-path="claim.preapproved"]', "yes");
  await page.click('[data-path="claim.evidence:photos_item"]');
  // An item added and removed again leaves one.
  await page.click("text=Add an item");
  assert.equal(await page.locator("fieldset.item").count(), 2);
  await page.click("text=Remove item 2");
  assert.equal(await page.locator("fieldset.item").count(), 1);
  await page.click("#evaluate-btn");
  await page.waitForFunction(() => window.clausePlayground.state.lastResult?.claim?.claim_id === "form-1");
  await page.waitForFunction(() => document.querySelector("[data-testid=decision] .badge")?.textContent === "approve");
  await page.waitForFunction(() => document.querySelector(".explain")?.textContent.includes("12 September 2023"));
  await shot("04-form-verdict");
  await partShot("#claim-panel", "form");

  // The JSON tab holds the same claim; clause eval gives the same verdict.
  await page.click("#tab-json");
  const claim = JSON.parse(await page.inputValue("#claim-json"));
  assert.equal(claim.order.placed_at, "2023-09-01T10:00:00-07:00");
  assert.deepEqual(claim.claim.evidence, ["photos_item"]);
  const cli = spawnSync(bin, ["eval", join(repo, "policies/imicro.policy"), "--claim", "-"], {
    input: JSON.stringify(claim),
    encoding: "utf8",
  });
  assert.equal(cli.status, 0, cli.stderr);
  const want = JSON.parse(cli.stdout);
  const got = await page.evaluate(() => window.clausePlayground.state.lastResult.result.verdict);
  const strip = (v) => ({ ...v, policy_version: undefined, because: v.because.map((b) => ({ rule: b.rule, message: b.message })) });
  assert.deepEqual(strip(got), strip(want));
  assert.equal(want.decision, "approve");
  assert.equal(want.refund.amount, "199.00");

  // Editing the JSON updates the form.
  await page.fill("#claim-json", JSON.stringify({ ...claim, claim_id: "from-json" }, null, 2));
  await page.click("#tab-form");
  assert.equal(await page.inputValue('[data-path="claim_id"]'), "from-json");
  // The edit schedules an evaluation; wait for it so that its redraw of the verdict and
  // the timeline does not land in the middle of the next test.
  await page.waitForFunction(() => window.clausePlayground.state.lastResult?.claim?.claim_id === "from-json");
  await shot("05-json-synced");
});

test("the timeline shows the window's last day", async () => {
  await page.click("#tab-timeline");
  const win = page.locator('svg.timeline g[data-window="return_window"]');
  await win.waitFor();
  // 30 days from the order placed on 1 September (no invoice date): the last day is 1 October.
  assert.equal(await win.locator(".last-day").textContent(), "last day 2023-10-01");
  assert.ok((await page.locator("svg.timeline .weekend").count()) > 0);
  assert.ok((await page.locator("svg.timeline .event-dot").count()) >= 2);
  await page.locator("svg.timeline").screenshot({ path: join(artifacts, "06-timeline.png") });
  await partShot("svg.timeline", "timeline");
});

test("save as a case writes the cases file, and run cases shows it passing with coverage", async () => {
  await page.click("#tab-cases");
  await page.fill("#case-name", "form-filled-return");
  await page.fill("#case-text", "A 4 lb SSD, preapproved, filed 11 days after the order.");
  await page.click("#save-case-btn");
  await page.waitForFunction(() => /written to/.test(document.getElementById("cases-status").textContent));
  const written = JSON.parse(readFileSync(join(policiesDir, "imicro.cases.json"), "utf8"));
  const saved = written.cases.find((c) => c.name === "form-filled-return");
  assert.ok(saved, "the saved case is in the file");
  assert.equal(saved.expect.decision, "approve");
  assert.equal(saved.expect.rule, "standard_return");
  await page.click("#run-cases-btn");
  await page.waitForSelector("[data-testid=cases-summary]");
  const summary = await page.textContent("[data-testid=cases-summary]");
  const m = /(\d+) passed, (\d+) failed/.exec(summary);
  assert.ok(m, summary);
  assert.equal(Number(m[2]), 0, summary);
  assert.equal(Number(m[1]), written.cases.length);
  assert.match(await page.textContent("[data-testid=coverage]"), /Rule coverage: \d+%/);
  assert.ok(await page.locator("text=form-filled-return").count());
  await shot("07-cases");
  await partShot(".results", "cases");
});

test("the boundary cases button drafts cases on each side of the window", async () => {
  await page.click("#boundaries-btn");
  await page.waitForSelector(".drafts li");
  const text = await page.textContent(".drafts");
  assert.match(text, /return_window-last-day-inside-filed_at → approve/);
  assert.match(text, /return_window-first-day-outside-filed_at → deny/);
  await shot("08-boundaries");
});

test("the customer page renders in its tab", async () => {
  await page.click("#tab-page");
  await page.waitForFunction(() => (document.getElementById("page-frame").srcdoc || "").includes("iMicro"));
  await page.waitForTimeout(200);
  await shot("09-page");
});

test("the merchant's page: every sentence accounted for; a stale quote and a new sentence flagged", async () => {
  await page.click("#tab-map");
  const counts = async () => {
    const text = await page.textContent("#map-status");
    const m = /(\d+) of (\d+) sentences accounted for/.exec(text);
    assert.ok(m, text);
    return { accounted: Number(m[1]), total: Number(m[2]), text };
  };
  // The page is imicro.page.txt, declared by the policy and sent by the server.
  assert.match(await page.inputValue("#page-text"), /iMicro Return Policy/);
  await page.waitForSelector("[data-testid=page-map] li");
  await page.waitForFunction(() => /accounted for/.test(document.getElementById("map-status").textContent));
  const all = await counts();
  assert.ok(all.total > 10, all.text);
  assert.equal(all.accounted, all.total, all.text);
  assert.match(all.text, /every quote is on the page/);
  assert.equal(await page.locator('[data-status="unaccounted"]').count(), 0);
  assert.ok((await page.locator('[data-status="quoted"]').count()) > 3);
  assert.ok((await page.locator('[data-status="not-policy"]').count()) > 0);
  // Each status has a word as well as a colour, and the legend says them all.
  assert.match(await page.textContent('[data-status="quoted"] .map-mark'), /Quoted by a rule/);
  assert.equal(await page.locator("#map-legend li").count(), 5);
  // A declaration that quotes a sentence is marked in the editor when chosen (by keyboard here).
  const owner = page.locator("[data-testid=page-map] button", { hasText: /^window / }).first();
  const ownerName = await owner.textContent();
  await page.evaluate(() => window.clausePlayground.editor.markRule(null));
  await owner.focus();
  await page.keyboard.press("Enter");
  const marked = await page.waitForFunction(() => document.querySelector(".cm-deciding")?.textContent || null);
  const quotes = await page.evaluate(
    (o) => [...document.querySelectorAll("[data-testid=page-map] button")].filter((b) => b.textContent === o).length,
    ownerName,
  );
  assert.ok(quotes > 0);
  assert.ok((await marked.jsonValue()).length > 5);
  await shot("11-page-map");
  await partShot("#map-panel", "page-map");

  // The policy's quote of the 30 days no longer says what the page says: it is stale.
  const good = await policyText();
  const goodPage = await page.inputValue("#page-text");
  const quote = "free return within 30 days of the invoice date.";
  assert.ok(good.includes(quote));
  await setPolicy(good.replace(quote, "free return within 45 days of the invoice date."));
  try {
    const stale = page.locator("[data-testid=stale-quotes] li").first();
    await stale.waitFor();
    const staleText = await stale.textContent();
    assert.match(staleText, /Stale/);
    assert.match(staleText, /rule standard_return/);
    assert.match(staleText, /closest sentence \(line \d+\) is \d+% alike but its numbers differ/);
    await page.waitForFunction(() => /no longer on the page/.test(document.getElementById("map-status").textContent));
    // A sentence added to the page is unaccounted for.
    await page.fill("#page-text", `${goodPage}\nSocks may be returned on Tuesdays only.\n`);
    const added = page.locator('[data-status="unaccounted"]');
    await added.first().waitFor();
    assert.equal(await added.count(), 1);
    assert.match(await added.textContent(), /Unaccounted for.*Socks may be returned on Tuesdays only\./);
    const some = await counts();
    assert.equal(some.total, all.total + 1, some.text);
    assert.ok(some.accounted < some.total, some.text);
    await page.locator(".page-map").evaluate((e) => {
      e.scrollTop = e.scrollHeight;
    });
    await shot("12-page-map-flagged");
    await partShot("#map-panel", "page-map-flagged");
  } finally {
    await setPolicy(good);
    await page.fill("#page-text", goodPage);
  }
  await page.waitForFunction(() => /every quote is on the page/.test(document.getElementById("map-status").textContent));
  assert.equal(await page.locator('[data-status="unaccounted"]').count(), 0);
});

test("axe-core finds no serious accessibility violation", async () => {
  const axe = readFileSync(join(here, "../node_modules/axe-core/axe.min.js"), "utf8");
  for (const tab of ["#tab-verdict", "#tab-timeline", "#tab-cases", "#tab-map"]) {
    await page.click(tab);
    // Evaluated through the debugging protocol: the page's CSP refuses inline scripts, as it should.
    await page.evaluate(axe);
    const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`),
      [],
      `${tab}`,
    );
  }
});

test("everything works from the keyboard", async () => {
  // A fresh load (a new query string), with the Verdict tab showing.
  await page.goto(`${base}/?keyboard#imicro`);
  await page.waitForSelector("[data-testid=decision] .badge");
  // Tab from the top of the page reaches the Evaluate button; the editor is left with Escape then Tab.
  await page.keyboard.press("Tab");
  let reached = false;
  for (let i = 0; i < 120 && !reached; i += 1) {
    const id = await page.evaluate(() => document.activeElement?.id || document.activeElement?.className || "");
    if (id === "evaluate-btn") reached = true;
    else if (String(id).includes("cm-content")) {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Tab");
    } else await page.keyboard.press("Tab");
  }
  assert.ok(reached, "Tab reaches the Evaluate button");
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=decision] .badge");
  // The result tabs move with the arrow keys.
  await page.focus("#tab-verdict");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getAttribute("#tab-timeline", "aria-selected"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-timeline");
  assert.equal(await page.isHidden("#verdict-panel"), true);
  // A select of the form works by keyboard.
  await page.click("#tab-form");
  await page.focus('[data-path="claim.reason"]');
  await page.keyboard.press("ArrowDown");
  await shot("10-keyboard");
});

test("the page logged no errors", () => {
  // Failed requests the tests caused on purpose (a policy that does not check) are answered as problems, not thrown.
  const unexpected = consoleErrors.filter((e) => !/status of 4\d\d/.test(e));
  assert.deepEqual(unexpected, []);
});
