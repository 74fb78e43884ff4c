// The Clause playground: wires the editor, the claim builder, the verdict,
// the timeline, the cases, the customer page and the merchant's page beside
// the policy to the clause server.
import "./style.css";
import schema from "../../docs/schema/claim.schema.json";
import { get, post, ApiError } from "./api.js";
import { createEditor } from "./editor.js";
import { ClaimForm, blankClaim, declaredFacts, policySettings } from "./claim-form.js";
import { renderVerdict, renderError } from "./verdict.js";
import { renderTimeline } from "./timeline.js";
import { caseClaim, expectFrom, download, renderRun, renderBoundaries } from "./cases.js";
import { renderMap, renderLegend, summaryText } from "./pagemap.js";
import { el } from "./dom.js";
import { setupTabs } from "./tabs.js";

const $ = (id) => document.getElementById(id);

const state = {
  policyName: null,
  casesFile: null,
  checkOk: false,
  lastResult: null,
  evalSeq: 0,
  // False from the moment an evaluation is scheduled until its answer is shown.
  evalIdle: true,
  // The editor's text as last checked (POST /v1/check).
  checkedText: null,
  // Whether the next verdict scrolls the editor to its deciding rule: after a
  // claim or policy is loaded or the claim changes, not while the policy is typed.
  scrollToRule: true,
  settingsKey: "",
  mapSeq: 0,
  pageSeq: 0,
  // Why the page the policy declares could not be read, if it could not.
  pageError: null,
  // Why the policy's cases file could not be read (GET /v1/policies/{name}'s
  // `cases_error`): saving is refused while it stands.
  casesError: null,
};

const statusOf = (id, text, kind = "") => {
  const s = $(id);
  s.textContent = text;
  s.dataset.kind = kind;
};

// ---------------------------------------------------------------- editor

const diagList = $("diagnostics");
const editor = createEditor($("editor"), {
  onChecked(text, res, err) {
    // Set last, once what this check schedules is scheduled (tests wait on it).
    queueMicrotask(() => {
      state.checkedText = text;
    });
    if (err) {
      statusOf("check-status", `Cannot check: ${err.message}`, "error");
      state.checkOk = false;
      return;
    }
    const list = res.diagnostics || [];
    const errors = list.filter((d) => d.severity === "error").length;
    state.checkOk = res.ok ?? errors === 0;
    statusOf(
      "check-status",
      list.length ? `${errors} error${errors === 1 ? "" : "s"}, ${list.length - errors} other` : "No problems",
      errors ? "error" : "ok",
    );
    showDiagnostics(text, list);
    syncSettings(text);
    if (state.checkOk) {
      scheduleEvaluate(false);
      scheduleMap();
      if (pageShown()) showPage();
    } else if ($("page-text").value.trim()) {
      statusOf("map-status", "The policy does not check: the map is of its last version that did.", "error");
    }
  },
});

function showDiagnostics(text, list) {
  diagList.replaceChildren();
  for (const d of list) {
    const label = (d.labels || [])[0];
    const where = label ? `line ${label.line}, column ${label.column}` : "";
    const item = el(
      "li",
      { class: `diag-item ${d.severity}`, "data-line": label ? label.line : "" },
      el(
        "button",
        {
          type: "button",
          class: "link",
          onclick: () => label && editor.goTo(editor.posOf(label.line, label.column)),
        },
        `${d.severity} ${where}`,
      ),
      ": ",
      el("span", { class: "msg", text: d.message }),
      d.help ? el("div", { class: "help", text: `help: ${d.help}` }) : null,
      d.code ? (d.url ? el("a", { href: d.url, target: "_blank", rel: "noopener", text: d.code }) : el("code", { text: d.code })) : null,
    );
    diagList.append(item);
  }
}

$("format-btn").addEventListener("click", async () => {
  try {
    const res = await post("/v1/fmt", { policy: editor.text });
    if (res.formatted !== editor.text) editor.text = res.formatted;
    statusOf("check-status", "Formatted", "ok");
  } catch (err) {
    statusOf("check-status", `Cannot format: ${err.message}`, "error");
  }
});

// ---------------------------------------------------------------- claim

const jsonBox = $("claim-json");
const form = new ClaimForm($("claim-form"), schema, (claim) => {
  if (document.activeElement !== jsonBox) jsonBox.value = JSON.stringify(claim, null, 2);
  scheduleEvaluate();
});

function syncSettings(text) {
  const settings = policySettings(text);
  const facts = declaredFacts(text);
  const key = JSON.stringify([settings, facts]);
  if (key !== state.settingsKey) {
    state.settingsKey = key;
    form.show(form.claim, settings, facts);
  }
}

function showClaim(claim) {
  form.show(claim, policySettings(editor.text), declaredFacts(editor.text));
  jsonBox.value = JSON.stringify(claim, null, 2);
  $("claim-json-error").textContent = "";
  scheduleEvaluate();
}

jsonBox.addEventListener("input", () => {
  try {
    const claim = JSON.parse(jsonBox.value);
    if (!claim || typeof claim !== "object" || Array.isArray(claim)) throw new Error("a claim is a JSON object");
    $("claim-json-error").textContent = "";
    form.show(claim);
    scheduleEvaluate();
  } catch (err) {
    $("claim-json-error").textContent = `Not valid JSON yet: ${err.message}`;
  }
});

$("example-claim-btn").addEventListener("click", () => {
  const claim = caseClaim(state.casesFile, 0);
  if (claim) showClaim(claim);
  else statusOf("policy-status", "This policy has no cases file to take an example claim from.");
});
$("new-claim-btn").addEventListener("click", () => showClaim(blankClaim(policySettings(editor.text))));

// ---------------------------------------------------------------- evaluation

let evalTimer = null;
function scheduleEvaluate(scroll = true) {
  clearTimeout(evalTimer);
  state.evalIdle = false;
  state.scrollToRule = state.scrollToRule || scroll;
  evalTimer = setTimeout(evaluate, 300);
}

async function evaluate() {
  evalTimer = null;
  state.evalIdle = false;
  const seq = ++state.evalSeq;
  const policy = editor.text;
  const claim = form.claim;
  try {
    const result = await post("/v1/evaluate", { policy, claim });
    if (seq !== state.evalSeq) return;
    state.lastResult = { result, claim: structuredClone(claim) };
    renderVerdict($("verdict-panel"), result, { onShowRule: (r) => editor.markRule(r, true) });
    renderTimeline($("timeline-panel"), result.timeline, result.verdict, policySettings(policy).timezone);
    const rule = result.verdict?.because?.[0]?.rule;
    editor.markRule(rule, state.scrollToRule);
    state.scrollToRule = false;
  } catch (err) {
    if (seq !== state.evalSeq) return;
    state.lastResult = null;
    renderError($("verdict-panel"), err);
    editor.markRule(null);
  }
  if (seq === state.evalSeq && evalTimer === null) state.evalIdle = true;
}
$("evaluate-btn").addEventListener("click", () => {
  clearTimeout(evalTimer);
  state.scrollToRule = true;
  evaluate();
});

// ---------------------------------------------------------------- customer page

// Rendered when its tab is shown, and again while it is shown whenever the
// policy in the editor changes (an edit, another policy); an answer that
// arrives after a newer request is dropped.
const pageShown = () => $("tab-page").getAttribute("aria-selected") === "true";
async function showPage() {
  const seq = ++state.pageSeq;
  try {
    const html = await post("/v1/render", { policy: editor.text });
    if (seq !== state.pageSeq) return;
    $("page-frame").srcdoc = typeof html === "string" ? html : JSON.stringify(html);
  } catch (err) {
    if (seq !== state.pageSeq) return;
    $("page-frame").srcdoc = `<p>${String(err.message).replace(/</g, "&lt;")}</p>`;
  }
}

// ---------------------------------------------------------------- merchant's page

const pageBox = $("page-text");
let mapTimer = null;
function scheduleMap() {
  clearTimeout(mapTimer);
  mapTimer = setTimeout(showMap, 300);
}

async function showMap() {
  const seq = ++state.mapSeq;
  const page = pageBox.value;
  if (!page.trim()) {
    $("map-output").replaceChildren(
      el("p", { class: "hint", text: "No page: paste the merchant's page below (a policy names its page with # clause: page \"NAME.page.txt\")." }),
    );
    if (state.pageError) statusOf("map-status", `The policy's page could not be read: ${state.pageError}`, "error");
    else statusOf("map-status", "");
    return;
  }
  try {
    const map = await post("/v1/map", { policy: editor.text, page });
    if (seq !== state.mapSeq) return;
    renderMap($("map-output"), map, {
      onShowOwner(owner, quotes) {
        const [kind, name] = owner.split(" ");
        if (kind === "rule" && editor.markRule(name, true)) return;
        editor.markAt(
          quotes.map((q) => {
            const [line, column] = q.quote.at.split(":").slice(-2).map(Number);
            // `at` is the opening quote mark: the mark takes the sentence as
            // written, its quote marks and escapes included, in characters.
            const written = `"${q.quote.text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
            return { line, column, length: [...written].length };
          }),
        );
      },
    });
    const { text, complete } = summaryText(map);
    statusOf("map-status", text, complete ? "ok" : "warn");
  } catch (err) {
    if (seq !== state.mapSeq) return;
    statusOf("map-status", `Cannot map the page: ${err.message}`, "error");
  }
}
pageBox.addEventListener("input", scheduleMap);
renderLegend($("map-legend"));

// ---------------------------------------------------------------- cases

function casesFile() {
  if (!state.casesFile) state.casesFile = { policy: `${state.policyName || "policy"}.policy`, cases: [] };
  if (!Array.isArray(state.casesFile.cases)) state.casesFile.cases = [];
  return state.casesFile;
}
const casesFileName = () => `${state.policyName || "policy"}.cases.json`;
const casesText = () => `${JSON.stringify(casesFile(), null, 2)}\n`;

async function keepCases(what) {
  // A cases file on disk that could not be read is not replaced by the cases
  // the page holds: that would lose the cases in it.
  if (state.casesError) {
    statusOf(
      "cases-status",
      `${what} here, but not saved: the policy's cases file could not be read (${state.casesError}); fix it first, or download the cases kept here.`,
      "error",
    );
    return;
  }
  // With `clause serve --allow-write` the server writes the file beside the policy;
  // otherwise the browser downloads it.
  try {
    const res = await post("/v1/cases/save", { name: state.policyName, cases: casesFile() });
    statusOf("cases-status", `${what}; written to ${res.path || casesFileName()}.`, "ok");
  } catch (err) {
    if (err instanceof ApiError && [403, 404, 405].includes(err.status)) {
      download(casesFileName(), casesText());
      statusOf("cases-status", `${what}; ${casesFileName()} downloaded (start the server with --allow-write to write it beside the policy).`, "ok");
    } else statusOf("cases-status", `${what}, but it could not be saved: ${err.message}`, "error");
  }
}

$("save-case-btn").addEventListener("click", async () => {
  if (!state.lastResult) {
    statusOf("cases-status", "Evaluate a claim first: a case keeps the claim and the verdict it gets.", "error");
    return;
  }
  const name = $("case-name").value.trim() || `case-${casesFile().cases.length + 1}`;
  const entry = {
    name,
    text: $("case-text").value.trim() || `Saved from the playground: ${state.lastResult.result.verdict.decision}.`,
    claim: state.lastResult.claim,
    expect: expectFrom(state.lastResult.result.verdict),
  };
  const list = casesFile().cases;
  const at = list.findIndex((c) => c.name === name);
  if (at >= 0) list[at] = entry;
  else list.push(entry);
  await keepCases(`Case ${name} saved (${list.length} cases)`);
});

$("download-cases-btn").addEventListener("click", () => download(casesFileName(), casesText()));

$("run-cases-btn").addEventListener("click", async () => {
  statusOf("cases-status", "Running the cases…");
  try {
    const report = await post("/v1/cases/run", { policy: editor.text, cases: casesFile() });
    renderRun($("cases-output"), report);
    statusOf("cases-status", "Cases run.", "ok");
  } catch (err) {
    statusOf("cases-status", `Cannot run the cases: ${err.message}`, "error");
  }
});

$("boundaries-btn").addEventListener("click", async () => {
  statusOf("cases-status", "Finding the edges of the policy's windows and thresholds…");
  try {
    const res = await post("/v1/cases/boundaries", { policy: editor.text, claim: form.claim });
    const drafts = res.cases || [];
    renderBoundaries($("cases-output"), drafts, async (d) => {
      // A case of the same name is replaced, as Save as a case does: two cases
      // of one name make a file `clause test` refuses.
      const entry = { name: d.name, text: d.text, claim: d.claim, expect: d.expect };
      const list = casesFile().cases;
      const at = list.findIndex((c) => c.name === d.name);
      if (at >= 0) list[at] = entry;
      else list.push(entry);
      await keepCases(`Case ${d.name} accepted`);
    });
    statusOf("cases-status", `${drafts.length} boundary cases.`, "ok");
  } catch (err) {
    statusOf("cases-status", `Cannot make boundary cases: ${err.message}`, "error");
  }
});

// ---------------------------------------------------------------- policies

function policyNames(list) {
  const arr = Array.isArray(list) ? list : list.policies || [];
  return arr.map((p) => (typeof p === "string" ? p : p.name)).filter(Boolean);
}

async function loadPolicy(name) {
  statusOf("policy-status", `Loading ${name}…`);
  try {
    const p = await get(`/v1/policies/${encodeURIComponent(name)}`);
    state.policyName = name;
    let cases = p.cases ?? null;
    if (typeof cases === "string") cases = JSON.parse(cases);
    state.casesFile = cases;
    state.casesError = p.cases_error ?? null;
    pageBox.value = p.page ?? "";
    state.pageError = p.page_error ?? null;
    editor.text = p.source ?? p.text ?? "";
    const claim = caseClaim(cases, 0) || blankClaim(policySettings(editor.text));
    showClaim(claim);
    $("cases-output").replaceChildren();
    if (state.casesError) {
      statusOf("policy-status", `${name} loaded; its cases file could not be read: ${state.casesError}`, "error");
    } else {
      statusOf("policy-status", `${name} loaded${cases ? `, ${cases.cases?.length ?? 0} cases` : ""}.`, "ok");
    }
    history.replaceState(null, "", `#${encodeURIComponent(name)}`);
  } catch (err) {
    statusOf("policy-status", `Cannot load ${name}: ${err.message}`, "error");
  }
}

async function init() {
  setupTabs(document.querySelector('[aria-label="Claim editor"]'));
  setupTabs(document.querySelector('[aria-label="Result views"]'), (tab) => {
    if (tab.id === "tab-page") showPage();
  });
  const select = $("policy-select");
  select.addEventListener("change", () => loadPolicy(select.value));
  try {
    const names = policyNames(await get("/v1/policies"));
    for (const n of names) select.append(el("option", { value: n, text: n }));
    const wanted = decodeURIComponent(location.hash.slice(1));
    const first = names.includes(wanted) ? wanted : names[0];
    if (first) {
      select.value = first;
      await loadPolicy(first);
    } else showClaim(blankClaim(policySettings("")));
  } catch (err) {
    statusOf("policy-status", `Cannot list the policies: ${err.message}`, "error");
    showClaim(blankClaim(policySettings("")));
  }
}

window.clausePlayground = { editor, form, state };
init();
