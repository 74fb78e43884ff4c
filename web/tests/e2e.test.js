// End-to-end tests of the playground in headless Chromium (Debian's package,
// driven by playwright-core) against the real `clause serve` binary on
// 127.0.0.1 with an ephemeral port. Each step writes a screenshot to
// web/artifacts/. The binary is $CLAUSE_BIN, or target/debug/clause.
//
// CLAUSE_DOC_IMAGES=1 (`npm run doc-images`) also copies the pictures of
// docs/playground.md (artifacts/doc-NAME.png) to docs/images/playground-NAME.png.
// CLAUSE_WEB_DIST=DIR serves the page's files from DIR (web/dist after `npm run
// build`) instead of the binary's, to try a change of the page without rebuilding
// the binary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, cpSync, copyFileSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const artifacts = resolve(here, "../artifacts");
const bin = process.env.CLAUSE_BIN || join(repo, "target/debug/clause");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const docImages = process.env.CLAUSE_DOC_IMAGES ? resolve(repo, "docs/images") : null;
const webDist = process.env.CLAUSE_WEB_DIST ? resolve(process.env.CLAUSE_WEB_DIST) : null;
const STEP = 15000; // the longest wait for any one thing on the page, in ms

let server;
let base;
let browser;
let context;
let page;
let policiesDir;
let loads = 0;
const consoleErrors = [];

/// Starts `clause serve` on a fresh copy of policies/ (with `args` added); resolves to
/// { url, child, dir } once it says where it listens.
function serve(args) {
  const dir = mkdtempSync(join(tmpdir(), "clause-playground-e2e-"));
  cpSync(join(repo, "policies"), dir, { recursive: true });
  const child = spawn(bin, ["serve", "--policies", dir, "--addr", "127.0.0.1:0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return listening(child).then((url) => ({ url, child, dir }));
}

async function startServer() {
  const s = await serve(["--allow-write"]);
  server = s.child;
  policiesDir = s.dir;
  return s.url;
}

function listening(server) {
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

/// The page's own files from CLAUSE_WEB_DIST instead of the binary's, when set.
async function useWebDist(ctx) {
  if (!webDist) return;
  const types = { "index.html": "text/html", "app.js": "text/javascript", "app.css": "text/css" };
  await ctx.route(/\/(index\.html|app\.js|app\.css)?(\?[^#]*)?$/, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const name = path === "/" ? "index.html" : path.slice(1);
    const upstream = await route.fetch();
    await route.fulfill({
      response: upstream,
      body: readFileSync(join(webDist, name)),
      headers: { ...upstream.headers(), "content-type": `${types[name]}; charset=utf-8` },
    });
  });
}

async function shot(name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
}

/// One part of the page, for docs/playground.md (small pictures).
async function partShot(selector, name, { maxHeight } = {}) {
  const path = join(artifacts, `doc-${name}.png`);
  const part = page.locator(selector);
  if (maxHeight) {
    await part.scrollIntoViewIfNeeded();
    const box = await part.boundingBox();
    await page.screenshot({ path, clip: { ...box, height: Math.min(box.height, maxHeight) } });
  } else await part.screenshot({ path });
  if (docImages) copyFileSync(path, join(docImages, `playground-${name}.png`));
}

/// The page loaded afresh on `policy` (a new query string each time), with its
/// example claim evaluated and nothing left scheduled.
async function fresh(policy = "imicro") {
  loads += 1;
  await page.goto(`${base}/?load=${loads}#${policy}`);
  await page.waitForFunction(
    (p) => window.clausePlayground?.state.policyName === p && window.clausePlayground.editor.text.includes(`policy ${p}`),
    policy,
  );
  await settled();
}

/// Waits until the editor's text has been checked and every evaluation that
/// check or an edit of the claim scheduled has been shown.
async function settled() {
  await page.waitForFunction(() => {
    const { state, editor } = window.clausePlayground;
    return state.checkedText === editor.text && state.evalIdle;
  });
}

/// Presses Tab (Shift+Tab with `back`; leaving the editor with Escape first) until
/// the element matching `selector` has the focus; fails after `limit` presses.
async function tabTo(selector, { back = false, limit = 150 } = {}) {
  for (let i = 0; i < limit; i += 1) {
    const where = await page.evaluate((sel) => {
      const a = document.activeElement;
      if (a && a.matches(sel)) return "there";
      return a?.classList.contains("cm-content") ? "editor" : "elsewhere";
    }, selector);
    if (where === "there") return;
    if (where === "editor") await page.keyboard.press("Escape");
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  assert.fail(`Tab never reached ${selector}`);
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
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true, locale: "en-US" });
  await useWebDist(context);
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

test("a problem on a line with emoji moves the cursor to its character, not one unit early", async () => {
  const good = await policyText();
  const lines = good.split("\n");
  const at = lines.findIndex((l) => l.includes("when item.category is digital"));
  // The quote and the test on one line, with characters outside the BMP before the mistake.
  lines[at - 1] = '      "Digital 😀😀 “final” é sale." when item.categroy is digital';
  lines.splice(at, 1);
  await setPolicy(lines.join("\n"));
  try {
    const item = page.locator(".diag-item.error").first();
    await item.waitFor();
    await item.locator("button").click();
    const { column, want } = await page.evaluate(() => {
      const { view } = window.clausePlayground.editor;
      const head = view.state.selection.main.head;
      const line = view.state.doc.lineAt(head);
      return { column: head - line.from, want: line.text.indexOf("item.categroy") };
    });
    assert.equal(column, want);
  } finally {
    await setPolicy(good);
  }
  await page.waitForFunction(() => document.querySelectorAll(".diag-item.error").length === 0);
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
  await partShot("#cases-panel", "boundaries");
});

test("the customer page renders in its tab", async () => {
  await page.click("#tab-page");
  await page.waitForFunction(() => (document.getElementById("page-frame").srcdoc || "").includes("iMicro"));
  await page.frameLocator("#page-frame").locator("h1").first().waitFor();
  await shot("09-page");
  await partShot("#page-panel", "customer-page");
  // Another policy while the tab is shown: its page replaces the first (it stayed).
  await page.selectOption("#policy-select", "boutique");
  await page.waitForFunction(() => (document.getElementById("page-frame").srcdoc || "").includes("Boutique"));
  await fresh("imicro");
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
  await fresh("imicro");
  for (const tab of ["#tab-verdict", "#tab-timeline", "#tab-cases", "#tab-map", "#tab-json", "#tab-page"]) {
    await page.click(tab);
    if (tab === "#tab-json") await page.waitForSelector("#claim-json", { state: "visible" });
    if (tab === "#tab-page") await page.frameLocator("#page-frame").locator("h1").first().waitFor();
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

test("the editor highlights the language, closes brackets and quotes, and indents after a rule line", async () => {
  await fresh("imicro");
  const texts = (cls) => page.$$eval(`.cm-content .${cls}`, (els) => els.map((e) => e.textContent));
  // Only the lines in view are drawn: each check first scrolls to its text.
  const at = async (needle) => {
    await page.evaluate((n) => {
      const { editor } = window.clausePlayground;
      editor.goTo(editor.text.indexOf(n));
    }, needle);
    await page.waitForFunction((n) => document.querySelector(".cm-content").textContent.includes(n), needle);
  };
  // Declarations and clauses, decisions, strings, comments, money, measures and fact paths each get their class.
  await at('policy imicro "iMicro Return Policy"');
  assert.ok((await texts("tok-keyword")).includes("policy"));
  assert.ok((await texts("tok-string")).includes('"iMicro Return Policy"'));
  assert.ok((await texts("tok-comment")).some((t) => t.startsWith("# ")));
  await at("window return_window = 30 days");
  assert.ok((await texts("tok-keyword")).includes("window"));
  assert.ok((await texts("tok-number")).includes("30 days"));
  assert.ok((await texts("tok-number")).includes("30 lb"));
  assert.ok((await texts("tok-number")).includes("2024-01-31"));
  assert.ok((await texts("tok-propertyName")).includes("order.invoiced_at"));
  await at("rule standard_return: approve");
  assert.ok((await texts("tok-keyword")).includes("rule"));
  assert.ok((await texts("tok-strong")).includes("approve"));
  assert.ok((await texts("tok-variableName")).includes("standard_return"));

  // A new line after a rule's line is indented one step more than the rule.
  const ruleLine = await page.evaluate(() => {
    const { view } = window.clausePlayground.editor;
    const doc = view.state.doc;
    for (let n = 1; n <= doc.lines; n += 1) {
      const line = doc.line(n);
      if (/^\s*rule sold_by_others: review\s*$/.test(line.text)) {
        view.dispatch({ selection: { anchor: line.to } });
        view.focus();
        return { number: n, indent: /^\s*/.exec(line.text)[0].length };
      }
    }
    return null;
  });
  assert.ok(ruleLine, "imicro has the rule sold_by_others");
  await page.keyboard.press("Enter");
  const newLine = await page.evaluate((n) => window.clausePlayground.editor.view.state.doc.line(n + 1).text, ruleLine.number);
  assert.equal(newLine, " ".repeat(ruleLine.indent + 2));

  // An opening brace, parenthesis or quote gets its closing one.
  await page.keyboard.type("when (");
  const lineText = () => page.evaluate((n) => window.clausePlayground.editor.view.state.doc.line(n + 1).text, ruleLine.number);
  assert.equal((await lineText()).trim(), "when ()");
  await page.keyboard.type('"');
  assert.equal((await lineText()).trim(), 'when ("")');
  // Typing the closing quote steps over it instead of adding another.
  await page.keyboard.type('x"');
  assert.equal((await lineText()).trim(), 'when ("x")');
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("{");
  assert.ok((await policyText()).endsWith("{}"), (await policyText()).slice(-20));
  await settled();
});

test("a lint finding shows its message, help and a link to the lint's page", async () => {
  await fresh("imicro");
  const good = await policyText();
  // A threshold no rule reads: the unused-definition lint.
  const text = good.replace("  currency USD\n", "  currency USD\n  threshold never_read = order.total >= USD 1000\n");
  assert.notEqual(text, good);
  await setPolicy(text);
  await settled();
  const item = page.locator(".diag-item", { hasText: "never_read" }).first();
  await item.waitFor();
  assert.equal(await item.getAttribute("data-line"), String(text.split("\n").findIndex((l) => l.includes("never_read")) + 1));
  const link = item.locator("a");
  assert.match(await link.textContent(), /unused-definition/);
  assert.match(await link.getAttribute("href"), /docs\/lints\/unused-definition\.md$/);
  // The same link in the editor's tooltip for the underlined span.
  await page.evaluate(() => {
    const { editor } = window.clausePlayground;
    editor.goTo(editor.text.indexOf("never_read"));
  });
  await page.locator(".cm-lintRange-warning, .cm-lintRange-info, .cm-lintRange-hint", { hasText: "never_read" }).first().hover();
  const tooltip = page.locator(".cm-tooltip-lint");
  await tooltip.waitFor();
  assert.match(await tooltip.textContent(), /never_read/);
  assert.match(await tooltip.locator("a").first().getAttribute("href"), /docs\/lints\/unused-definition\.md$/);
});

test("the claim form has a field for each fact the policy declares", async () => {
  await fresh("imro");
  await page.click("#tab-form");
  const group = page.locator("fieldset.group", { hasText: "Facts this policy declares" });
  await group.waitFor();
  const field = group.locator('[data-path="facts.damaged_intentionally"]');
  const english = group.locator('[data-path="facts.info_in_english"]');
  assert.equal(await field.count(), 1);
  assert.equal(await english.count(), 1);
  const before = await page.evaluate(() => window.clausePlayground.state.lastResult.result.verdict.decision);
  await field.selectOption("yes");
  await page.waitForFunction(() => window.clausePlayground.state.lastResult?.claim?.facts?.damaged_intentionally === true);
  await settled();
  // The JSON tab has it, and the verdict is the one for an item damaged on purpose.
  await page.click("#tab-json");
  assert.equal(JSON.parse(await page.inputValue("#claim-json")).facts.damaged_intentionally, true);
  const after = await page.evaluate(() => window.clausePlayground.state.lastResult.result.verdict);
  assert.notEqual(after.decision, before, JSON.stringify(after.because));
  await page.click("#tab-form");
  await partShot("fieldset.group:has(legend:text('Facts this policy declares'))", "facts");
});

test("the timeline draws every event of the claim, in words, and which ones the policy reads", async () => {
  await fresh("imicro");
  await page.click("#tab-timeline");
  const svgText = await page.locator("svg.timeline").textContent();
  for (const words of ["Ordered", "Invoiced", "Shipped", "Delivered", "Claim filed", "Return label issued", "Shipped back", "Return received"]) {
    assert.ok(svgText.includes(words), `${words} in ${svgText}`);
  }
  assert.ok(!svgText.includes("order.placed at"), svgText);
  // imicro reads neither the delivery nor the return's shipping: drawn hollow, "no" in the table.
  assert.equal(await page.locator('svg.timeline .event-dot.unread[data-event="order.delivered_at"]').count(), 1);
  assert.equal(await page.locator('svg.timeline .event-dot.unread[data-event="claim.return_shipped_at"]').count(), 1);
  assert.equal(await page.locator('svg.timeline .event-dot:not(.unread)[data-event="order.placed_at"]').count(), 1);
  const row = page.locator("#timeline-panel table tr", { hasText: "Delivered" });
  assert.match(await row.textContent(), /order\.delivered_at.*2023-09-05.*no/);
  assert.match(await page.locator("#timeline-panel table tr", { hasText: "Ordered" }).textContent(), /yes$/);
  await partShot("#timeline-panel", "timeline-events");
});

test("a mistyped year does not make the timeline draw centuries: the tables stay", async () => {
  await fresh("imicro");
  await page.click("#tab-json");
  const claim = JSON.parse(await page.inputValue("#claim-json"));
  claim.order.delivered_at = "0002-09-05";
  await page.fill("#claim-json", JSON.stringify(claim, null, 2));
  await settled();
  await page.click("#tab-timeline");
  await page.locator("#timeline-panel .timeline-too-long").waitFor();
  assert.match(await page.locator("#timeline-panel .timeline-too-long").textContent(), /from 0002-09-05 to 2023-/);
  assert.equal(await page.locator("#timeline-panel svg.timeline").count(), 0);
  assert.match(await page.locator("#timeline-panel table tr", { hasText: "Delivered" }).textContent(), /0002-09-05/);
});

test("the timeline shades the holidays of the policy's calendar", async () => {
  // imro counts business days with the KR calendar; its example claim's windows run past Chuseok.
  await fresh("imro");
  await page.click("#tab-timeline");
  const holidays = page.locator("svg.timeline rect.holiday");
  await holidays.first().waitFor();
  const titles = await holidays.evaluateAll((rs) => rs.map((r) => r.textContent));
  assert.ok(titles.some((t) => t.startsWith("2023-09-29")), titles.join("; "));
  assert.ok((await page.locator("svg.timeline rect.weekend").count()) > 0);
  assert.match(await page.locator("#timeline-panel table").last().textContent(), /business_days, KR holidays/);
  await partShot("#timeline-panel", "timeline-holidays");
});

test("without --allow-write, save as a case downloads the cases file", async () => {
  const other = await serve([]);
  const ownPage = await context.newPage();
  try {
    ownPage.setDefaultTimeout(STEP);
    await ownPage.goto(`${other.url}/#imicro`);
    await ownPage.waitForFunction(() => window.clausePlayground?.state.policyName === "imicro" && window.clausePlayground.state.lastResult);
    await ownPage.click("#tab-cases");
    await ownPage.fill("#case-name", "downloaded-case");
    const [download] = await Promise.all([ownPage.waitForEvent("download"), ownPage.click("#save-case-btn")]);
    assert.equal(download.suggestedFilename(), "imicro.cases.json");
    const file = JSON.parse(readFileSync(await download.path(), "utf8"));
    const saved = file.cases.find((c) => c.name === "downloaded-case");
    assert.ok(saved, "the downloaded file has the case");
    assert.equal(saved.expect.decision, "approve");
    await ownPage.waitForFunction(() => /downloaded \(start the server with --allow-write/.test(document.getElementById("cases-status").textContent));
    // Nothing was written beside the policy.
    assert.ok(!readFileSync(join(other.dir, "imicro.cases.json"), "utf8").includes("downloaded-case"));
  } finally {
    await ownPage.close();
    other.child.kill("SIGTERM");
    rmSync(other.dir, { recursive: true, force: true });
  }
});

test("Accept on a boundary draft adds it to the cases file", async () => {
  await fresh("imicro");
  await page.click("#tab-cases");
  await page.click("#boundaries-btn");
  const first = page.locator(".drafts li").first();
  await first.waitFor();
  const name = await first.locator("strong").textContent();
  const accept = first.locator("button");
  await accept.click();
  await page.waitForFunction((n) => document.getElementById("cases-status").textContent.includes(`Case ${n} accepted`) && /written to/.test(document.getElementById("cases-status").textContent), name);
  assert.equal(await accept.textContent(), "Accepted");
  assert.ok(await accept.isDisabled());
  const written = JSON.parse(readFileSync(join(policiesDir, "imicro.cases.json"), "utf8"));
  const draft = written.cases.find((c) => c.name === name);
  assert.ok(draft, `${name} is in the file`);
  assert.ok(draft.expect.decision);
  // The same draft accepted again replaces its case: one case of that name (two
  // made a file the server, and clause test, refuse).
  await page.evaluate(() => {
    document.getElementById("cases-status").textContent = "";
  });
  await page.click("#boundaries-btn");
  const again = page.locator(".drafts li", { has: page.locator("strong", { hasText: name }) }).first();
  await again.waitFor();
  await again.locator("button").click();
  await page.waitForFunction((n) => document.getElementById("cases-status").textContent.includes(`Case ${n} accepted`) && /written to/.test(document.getElementById("cases-status").textContent), name);
  const rewritten = JSON.parse(readFileSync(join(policiesDir, "imicro.cases.json"), "utf8"));
  assert.equal(rewritten.cases.filter((c) => c.name === name).length, 1);
});

test("a cases file that cannot be read is said, and never overwritten by Save", async () => {
  const other = await serve(["--allow-write"]);
  const broken = '{"policy": "imicro.policy", "cases": [ {"name": "a", ';
  writeFileSync(join(other.dir, "imicro.cases.json"), broken);
  const ownPage = await context.newPage();
  try {
    ownPage.setDefaultTimeout(STEP);
    await ownPage.goto(`${other.url}/#imicro`);
    await ownPage.waitForFunction(() => window.clausePlayground?.state.policyName === "imicro");
    await ownPage.waitForFunction(() => /cases file could not be read/.test(document.getElementById("policy-status").textContent));
    // No case gives the example claim: one is written in the JSON tab.
    await ownPage.click("#tab-json");
    await ownPage.fill("#claim-json", readFileSync(join(repo, "tests/data/imicro-claim.json"), "utf8"));
    await ownPage.waitForFunction(() => window.clausePlayground.state.lastResult?.claim?.claim_id === "imicro-v1");
    await ownPage.click("#tab-cases");
    await ownPage.fill("#case-name", "kept-here");
    await ownPage.click("#save-case-btn");
    await ownPage.waitForFunction(() => /not saved: the policy's cases file could not be read/.test(document.getElementById("cases-status").textContent));
    assert.equal(readFileSync(join(other.dir, "imicro.cases.json"), "utf8"), broken);
  } finally {
    await ownPage.close();
    other.child.kill("SIGTERM");
    rmSync(other.dir, { recursive: true, force: true });
  }
});

test("a case the policy no longer meets is shown failing, with what differs", async () => {
  await fresh("imicro");
  const good = await policyText();
  await setPolicy(good.replace("window return_window = 30 days from", "window return_window = 3 days from"));
  await settled();
  await page.click("#tab-cases");
  await page.click("#run-cases-btn");
  await page.waitForFunction(() => /Cases run/.test(document.getElementById("cases-status").textContent));
  const summary = await page.textContent("[data-testid=cases-summary]");
  const m = /(\d+) passed, (\d+) failed/.exec(summary);
  assert.ok(m && Number(m[2]) > 0, summary);
  const failing = page.locator("#cases-output tr", { has: page.locator(".fail") }).first();
  const cells = await failing.locator("td").allTextContents();
  assert.equal(cells[1], "fail");
  assert.match(cells[3], /\S/, "what differs is said");
  await partShot("#cases-panel", "cases-failing", { maxHeight: 700 });
});

test("the claim form is filled and the cases buttons pressed from the keyboard only", async () => {
  await fresh("imicro");
  await page.click("#new-claim-btn");
  await settled();
  await page.evaluate(() => document.activeElement?.blur());
  const type = async (selector, text) => {
    await tabTo(selector);
    await page.keyboard.press("Control+A");
    await page.keyboard.type(text);
  };
  await type('[data-path="claim_id"]', "keyboard-1");
  // A date picker takes the month, day and year typed in turn (en-US).
  await tabTo('[data-path="order.placed_at"]');
  await page.keyboard.type("09012023");
  await type('[data-path="order.total.amount"]', "80.00");
  await type('[data-path="items.0.sku"]', "CABLE-1");
  await type('[data-path="items.0.category"]', "electronics");
  await type('[data-path="items.0.price.amount"]', "80.00");
  await tabTo('[data-path="claim.filed_at"]');
  await page.keyboard.type("09102023");
  await tabTo('[data-path="claim.reason"]');
  await page.keyboard.type("changed");
  await tabTo('[data-path="claim.preapproved"]');
  await page.keyboard.type("yes");
  await tabTo('[data-path="claim.evidence:photos_item"]');
  await page.keyboard.press("Space");
  await page.waitForFunction(() => window.clausePlayground.form.claim.claim?.evidence?.includes("photos_item"));
  const claim = await page.evaluate(() => window.clausePlayground.form.claim);
  assert.equal(claim.claim_id, "keyboard-1");
  assert.match(claim.order.placed_at, /^2023-09-01/);
  assert.match(claim.claim.filed_at, /^2023-09-10/);
  assert.equal(claim.claim.reason, "changed_mind");
  assert.equal(claim.claim.preapproved, true);
  await tabTo("#evaluate-btn");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.clausePlayground.state.lastResult?.claim?.claim_id === "keyboard-1");
  await settled();
  assert.equal(await page.textContent("[data-testid=decision] .badge"), "approve");

  // The result tabs by arrow keys, then the Cases panel's fields and buttons by Tab and Enter.
  await tabTo('[role=tab][aria-selected=true][aria-controls="verdict-panel"]');
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getAttribute("#tab-cases", "aria-selected"), "true");
  await type("#case-name", "typed-by-keyboard");
  await type("#case-text", "Filled with the keyboard only.");
  await tabTo("#save-case-btn");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /Case typed-by-keyboard saved.*written to/.test(document.getElementById("cases-status").textContent));
  const written = JSON.parse(readFileSync(join(policiesDir, "imicro.cases.json"), "utf8"));
  assert.equal(written.cases.find((c) => c.name === "typed-by-keyboard")?.expect.decision, "approve");
  await tabTo("#run-cases-btn");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /Cases run/.test(document.getElementById("cases-status").textContent));
  assert.match(await page.textContent("[data-testid=cases-summary]"), /\d+ passed, 0 failed/);
  await tabTo("#boundaries-btn");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /\d+ boundary cases\./.test(document.getElementById("cases-status").textContent));
  await tabTo(".drafts li button");
  const name = await page.evaluate(() => document.activeElement.closest("li").querySelector("strong").textContent);
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.getElementById("cases-status").textContent.includes(`Case ${n} accepted`), name);
  await tabTo("#download-cases-btn", { back: true });
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  const file = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.ok(file.cases.some((c) => c.name === name));
});

test("the page logged no errors", () => {
  // Failed requests the tests caused on purpose (a policy that does not check) are answered as problems, not thrown.
  const unexpected = consoleErrors.filter((e) => !/status of 4\d\d/.test(e));
  assert.deepEqual(unexpected, []);
});
