// The verdict, readable: decision, remedy, refund, deductions, fees and who
// pays them, deadlines, missing evidence, per-item decisions, the deciding
// rules (each can be shown in the editor) and explain's text.
import { el, money, table } from "./dom.js";

export function renderVerdict(panel, result, { onShowRule }) {
  const v = result.verdict || {};
  panel.replaceChildren();
  const decision = v.decision || "unknown";
  const head = el(
    "p",
    { class: `decision decision-${decision}`, "data-testid": "decision" },
    el("span", { class: "badge", text: decision }),
    v.remedy ? el("span", { text: ` ${v.remedy.replace(/_/g, " ")}` }) : null,
    v.refund ? el("span", { class: "refund", text: ` · ${money(v.refund)} back to the customer` }) : null,
  );
  panel.append(head);

  const facts = el("dl", { class: "facts" });
  const add = (k, value) => facts.append(el("dt", { text: k }), el("dd", {}, value));
  add("Decision", decision);
  add("Remedy", v.remedy ? v.remedy.replace(/_/g, " ") : "none");
  add("Refund", money(v.refund));
  panel.append(facts);

  if (v.because && v.because.length) {
    panel.append(el("h3", { text: "Why" }));
    const list = el("ol", { class: "because" });
    for (const b of v.because) {
      list.append(
        el(
          "li",
          {},
          el("code", { text: b.rule }),
          " ",
          el("q", { class: "quote", text: b.message }),
          " ",
          el("button", { type: "button", class: "link", text: `Show ${b.rule} in the policy`, onclick: () => onShowRule(b.rule) }),
        ),
      );
    }
    panel.append(list);
  }
  if (v.deductions && v.deductions.length) {
    panel.append(table("Deductions from the refund", ["Fee", "Amount"], v.deductions.map((d) => [d.fee, money(d.amount)])));
  }
  if (v.fees && v.fees.length) {
    panel.append(
      table(
        "Fees and who pays them",
        ["Fee", "Paid by", "Amount", "Item"],
        v.fees.map((f) => [f.fee.replace(/_/g, " "), f.payer, f.amount ? money(f.amount) : "not fixed", f.sku || "all"]),
      ),
    );
  }
  if (v.deadlines && v.deadlines.length) {
    panel.append(table("Deadlines the customer must meet", ["Window", "Last day"], v.deadlines.map((d) => [d.name, d.ends])));
  }
  panel.append(el("h3", { text: "Missing evidence" }));
  panel.append(
    v.missing_evidence && v.missing_evidence.length
      ? el("ul", { class: "missing" }, ...v.missing_evidence.map((m) => el("li", { text: m.replace(/_/g, " ") })))
      : el("p", { text: "None." }),
  );
  if (v.items && v.items.length > 1) {
    panel.append(table("Each item", ["SKU", "Decision", "Refund"], v.items.map((i) => [i.sku, i.decision, money(i.refund)])));
  }
  if (result.explanation) {
    panel.append(el("h3", { text: "Explanation" }));
    const text = typeof result.explanation === "string" ? result.explanation : JSON.stringify(result.explanation, null, 2);
    panel.append(el("pre", { class: "explain", tabindex: "0", "aria-label": "Explanation", text }));
  }
}

export function renderError(panel, err) {
  panel.replaceChildren();
  const p = err.problem || { title: String(err.message || err) };
  const box = el("div", { class: "problem", role: "alert" }, el("h3", { text: p.title || "The claim could not be evaluated" }));
  if (p.detail) box.append(el("p", { text: p.detail }));
  const errors = p.errors || p.diagnostics;
  if (Array.isArray(errors)) {
    box.append(
      el(
        "ul",
        {},
        ...errors.map((e) =>
          el("li", {}, e.path ? el("code", { text: e.path }) : null, e.path ? ": " : null, e.message || e.detail || JSON.stringify(e)),
        ),
      ),
    );
  }
  if (p.path || p.pointer) box.append(el("p", {}, "At ", el("code", { text: p.path || p.pointer })));
  panel.append(box);
}
