// Cases: the claim in the form turned into an entry of the policy's cases
// file, the file run on the server with its coverage, and the boundary cases
// the server derives from the policy's windows and thresholds.
import { el, money, table } from "./dom.js";

/// Applies a cases-file `set` path ("items[0].weight", "claim.filed_at") to `root`.
export function setPath(root, path, value) {
  const keys = [];
  for (const part of path.split(".")) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return;
    keys.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) keys.push(Number(idx[1]));
  }
  let cur = root;
  for (let i = 0; i < keys.length - 1; i += 1) {
    if (cur[keys[i]] == null) cur[keys[i]] = typeof keys[i + 1] === "number" ? [] : {};
    cur = cur[keys[i]];
  }
  cur[keys[keys.length - 1]] = value;
}

/// The claim of case `index` of a cases file (its own claim, or the base with its `set`).
export function caseClaim(file, index = 0) {
  const c = file?.cases?.[index];
  if (!c) return file?.base ? structuredClone(file.base) : null;
  const claim = structuredClone(c.claim ?? file.base ?? null);
  if (!claim) return null;
  if (!c.claim) claim.claim_id = c.name;
  for (const [p, v] of Object.entries(c.set || {})) setPath(claim, p, v);
  return claim;
}

/// What a verdict says, as a case's expectations (the keys `clause test` checks).
export function expectFrom(v) {
  const out = { decision: v.decision };
  if (v.because && v.because[0]) out.rule = v.because[0].rule;
  if (v.remedy) out.remedy = v.remedy;
  out.refund = v.refund ? v.refund.amount : null;
  if (v.fees && v.fees.length && v.fees.every((f) => !f.sku)) {
    out.payers = Object.fromEntries(v.fees.map((f) => [f.fee, f.payer]));
  }
  if (v.deductions && v.deductions.length) out.deductions = Object.fromEntries(v.deductions.map((d) => [d.fee, d.amount.amount]));
  if (v.deadlines && v.deadlines.length) out.deadlines = Object.fromEntries(v.deadlines.map((d) => [d.name, d.ends]));
  out.missing_evidence = v.missing_evidence || [];
  if (v.items && v.items.length) out.items = Object.fromEntries(v.items.map((i) => [i.sku, i.decision]));
  return out;
}

export function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = el("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/// Shows the report of POST /v1/cases/run: each case passing or failing, and rule coverage.
export function renderRun(out, report) {
  out.replaceChildren();
  const results = report.cases || [];
  const passed = report.passed ?? results.filter((r) => r.passed).length;
  const failed = report.failed ?? results.length - passed;
  out.append(el("p", { class: "summary", "data-testid": "cases-summary", text: `${passed} passed, ${failed} failed` }));
  out.append(
    table(
      "Cases",
      ["Case", "Result", "Decision", "What differs"],
      results.map((r) => [
        r.name,
        el("span", { class: r.passed ? "pass" : "fail", text: r.passed ? "pass" : "fail" }),
        r.verdict?.decision || (r.error ? "refused" : ""),
        (r.problems || []).join("; ") || r.error || "",
      ]),
    ),
  );
  const items = [...(report.rules || []), ...(report.exceptions || [])];
  out.append(el("h3", { "data-testid": "coverage", text: `Rule coverage: ${report.coverage_percent ?? 0}%` }));
  if (items.length) {
    out.append(
      table(
        "Rules and exceptions the cases reach",
        ["Rule", "Where", "Reached"],
        items.map((r) => [r.name, r.location, r.covered ? el("span", { class: "pass", text: "yes" }) : el("span", { class: "fail", text: "no case" })]),
      ),
    );
  }
}

/// Shows draft boundary cases, each with an Accept button.
export function renderBoundaries(out, drafts, onAccept) {
  out.replaceChildren();
  out.append(el("p", { class: "summary", text: `${drafts.length} boundary cases, each with the verdict it gets today. Review them and accept the ones that say what the policy means.` }));
  const list = el("ul", { class: "drafts" });
  drafts.forEach((d) => {
    const decision = d.expect?.decision || d.verdict?.decision || "";
    const accept = el("button", {
      type: "button",
      text: `Accept ${d.name}`,
      onclick: () => {
        onAccept(d);
        accept.disabled = true;
        accept.textContent = "Accepted";
      },
    });
    list.append(
      el(
        "li",
        {},
        el("strong", { text: d.name }),
        ` → ${decision}${d.expect?.refund ? `, refund ${money(d.expect.refund)}` : ""} `,
        accept,
        el("div", { class: "hint", text: d.text || "" }),
      ),
    );
  });
  out.append(list);
}
