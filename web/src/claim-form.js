// The claim builder: a form generated from docs/schema/claim.schema.json.
// Events get date and time pickers read in the policy's time zone, money an
// amount and a currency, weights a value and a unit, codes a select of the
// schema's enum, evidence check boxes, items can be added and removed, and the
// custom facts the policy declares get fields of their declared types.
// The form edits one claim object in place; keys it does not know are kept.
import { partsIn, instantIn } from "./time.js";
import { el } from "./dom.js";

let uid = 0;
const nextId = (p) => `f${++uid}-${p.replace(/[^\w]/g, "_")}`;

const humanize = (key) => key.replace(/_at$/, "").replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

export function resolve(schema, node) {
  let optional = false;
  let kind = null;
  for (let guard = 0; guard < 8; guard += 1) {
    if (node.$ref) {
      kind = node.$ref.split("/").pop();
      const { description } = node;
      node = { ...schema.$defs[kind], description: description || schema.$defs[kind].description };
      continue;
    }
    if (node.anyOf) {
      const rest = node.anyOf.filter((b) => b.type !== "null");
      if (rest.length < node.anyOf.length) optional = true;
      if (rest.length === 1) {
        node = { ...rest[0], description: node.description || rest[0].description };
        continue;
      }
    }
    break;
  }
  let type = node.type;
  if (Array.isArray(type)) {
    if (type.includes("null")) optional = true;
    type = type.find((t) => t !== "null");
  }
  return { node, kind, type, optional };
}

export function getAt(obj, path) {
  let cur = obj;
  for (const k of path) {
    if (cur == null) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function setAt(obj, path, value) {
  let cur = obj;
  for (let i = 0; i < path.length - 1; i += 1) {
    const k = path[i];
    if (cur[k] == null || typeof cur[k] !== "object") cur[k] = typeof path[i + 1] === "number" ? [] : {};
    cur = cur[k];
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(cur)) cur[last] = null;
    else delete cur[last];
  } else cur[last] = value;
}

/// The facts a policy declares: `fact NAME: TYPE (codes)? optional?`.
export function declaredFacts(source) {
  const facts = [];
  const re = /^\s*fact\s+(\w+)\s*:\s*(\w+)\s*(?:\(([^)]*)\))?\s*(optional)?/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    facts.push({
      name: m[1],
      type: m[2],
      codes: m[3] ? m[3].split(",").map((s) => s.trim()).filter(Boolean) : [],
      optional: Boolean(m[4]),
    });
  }
  return facts;
}

/// The policy's currency and time zone, read from its declarations.
export function policySettings(source) {
  const currency = /^\s*currency\s+([A-Z]{3})\b/m.exec(source);
  const tz = /^\s*timezone\s+"([^"]+)"/m.exec(source);
  return { currency: currency ? currency[1] : "USD", timezone: tz ? tz[1] : "UTC" };
}

export function blankClaim(settings) {
  const money = () => ({ amount: "", currency: settings.currency });
  return {
    claim_id: "C-1",
    order: { placed_at: "", total: money() },
    items: [{ sku: "ITEM-1", category: "general", price: money(), quantity: 1 }],
    claim: { kind: "return", filed_at: "", reason: "changed_mind", requested_remedy: "refund" },
  };
}

export class ClaimForm {
  constructor(form, schema, onChange) {
    this.form = form;
    this.schema = schema;
    this.onChange = onChange;
    this.claim = {};
    this.settings = { currency: "USD", timezone: "UTC" };
    this.facts = [];
  }

  /// Shows `claim` (edited in place from now on) for a policy with `settings` and `facts`.
  show(claim, settings = this.settings, facts = this.facts) {
    this.claim = claim;
    this.settings = settings;
    this.facts = facts;
    this.render();
  }

  changed() {
    this.onChange?.(this.claim);
  }

  set(path, value) {
    setAt(this.claim, path, value);
    this.changed();
  }

  render() {
    const active = document.activeElement;
    const focused = active && this.form.contains(active) ? active.getAttribute("data-path") || active.textContent : null;
    this.form.replaceChildren();
    const root = this.schema;
    const tz = el("p", { class: "hint", text: `Dates and times are read in the policy's time zone, ${this.settings.timezone}; amounts default to ${this.settings.currency}.` });
    this.form.append(tz);
    for (const [key, prop] of Object.entries(root.properties)) {
      const required = (root.required || []).includes(key);
      if (key === "facts") {
        if (this.facts.length) this.form.append(this.factsSection());
        continue;
      }
      this.form.append(this.field(prop, [key], key, required));
    }
    if (focused) {
      const again = [...this.form.querySelectorAll("[data-path], button")].find(
        (e) => e.getAttribute("data-path") === focused || (e.tagName === "BUTTON" && e.textContent === focused),
      );
      (again || this.form.querySelector("button"))?.focus();
    }
  }

  field(prop, path, key, required) {
    const r = resolve(this.schema, prop);
    const label = humanize(key);
    const optional = r.optional || !required;
    if (r.kind === "event") return this.eventField(path, label, optional, r.node.description);
    if (r.kind === "money") return this.moneyField(path, label, optional);
    if (r.kind === "weight") return this.weightField(path, label, optional);
    if (r.kind === "decimal") return this.textField(path, label, optional, "decimal");
    if (r.node.enum) return this.selectField(path, label, r.node.enum, optional);
    if (key === "rates") return this.ratesField(path, label);
    if (r.type === "object" && r.node.properties) return this.objectField(r.node, path, label, optional);
    if (r.type === "array") {
      const items = resolve(this.schema, r.node.items || {});
      if (items.kind === "item") return this.itemsField(r.node, path, label);
      if (items.node.enum) return this.checkboxesField(path, label, items.node.enum);
      return this.listField(path, label);
    }
    if (r.type === "boolean") return this.boolField(path, label, optional);
    if (r.type === "integer" || r.type === "number") return this.textField(path, label, optional, "integer");
    return this.textField(path, label, optional, "text");
  }

  objectField(node, path, label, optional) {
    const box = el("fieldset", { class: `group group-${path.join("-")}` }, el("legend", { text: label }));
    if (getAt(this.claim, path) == null && !optional) setAt(this.claim, path, {});
    for (const [key, prop] of Object.entries(node.properties)) {
      box.append(this.field(prop, [...path, key], key, (node.required || []).includes(key)));
    }
    return box;
  }

  row(labelText, id, control, extra) {
    return el("div", { class: "row" }, el("label", { for: id, text: labelText }), control, extra);
  }

  textField(path, label, optional, mode) {
    const id = nextId(path.join("."));
    const v = getAt(this.claim, path);
    const input = el("input", {
      id,
      type: "text",
      inputmode: mode === "integer" ? "numeric" : mode === "decimal" ? "decimal" : undefined,
      value: v == null ? "" : String(v),
      "data-path": path.join("."),
      oninput: (e) => {
        const t = e.target.value;
        if (t === "" && optional) this.set(path, undefined);
        else if (mode === "integer" && /^\d+$/.test(t)) this.set(path, Number(t));
        else this.set(path, t);
      },
    });
    return this.row(label, id, input);
  }

  selectField(path, label, options, optional) {
    const id = nextId(path.join("."));
    const v = getAt(this.claim, path);
    const select = el("select", {
      id,
      "data-path": path.join("."),
      onchange: (e) => this.set(path, e.target.value === "" ? undefined : e.target.value),
    });
    if (optional || v == null) select.append(el("option", { value: "", text: "(not given)" }));
    for (const o of options) select.append(el("option", { value: o, text: o.replace(/_/g, " "), selected: v === o }));
    if (v != null && !options.includes(v)) select.append(el("option", { value: v, text: `${v} (unknown code)`, selected: true }));
    return this.row(label, id, select);
  }

  boolField(path, label, optional) {
    if (!optional) {
      const id = nextId(path.join("."));
      const box = el("input", {
        id,
        type: "checkbox",
        checked: getAt(this.claim, path) === true,
        "data-path": path.join("."),
        onchange: (e) => this.set(path, e.target.checked),
      });
      return this.row(label, id, box);
    }
    const id = nextId(path.join("."));
    const v = getAt(this.claim, path);
    const select = el("select", {
      id,
      "data-path": path.join("."),
      onchange: (e) => this.set(path, e.target.value === "" ? undefined : e.target.value === "yes"),
    });
    select.append(
      el("option", { value: "", text: "(not given)", selected: v == null }),
      el("option", { value: "yes", text: "yes", selected: v === true }),
      el("option", { value: "no", text: "no", selected: v === false }),
    );
    return this.row(label, id, select);
  }

  eventField(path, label, optional, description) {
    const id = nextId(path.join("."));
    const v = getAt(this.claim, path);
    const parts = typeof v === "string" ? partsIn(v, this.settings.timezone) : { date: "", time: "" };
    const date = el("input", { id, type: "date", value: parts.date, "data-path": path.join(".") });
    const time = el("input", {
      id: `${id}-time`,
      type: "time",
      value: parts.time,
      "aria-label": `${label}: time of day in ${this.settings.timezone} (optional)`,
      "data-path": `${path.join(".")}#time`,
    });
    const update = () => {
      if (!date.value) {
        this.set(path, optional ? undefined : "");
        return;
      }
      this.set(path, time.value ? instantIn(date.value, time.value, this.settings.timezone) : date.value);
    };
    date.addEventListener("change", update);
    time.addEventListener("change", update);
    const wrap = el("span", { class: "pair" }, date, time);
    const r = this.row(label, id, wrap);
    if (description) r.title = description;
    return r;
  }

  moneyField(path, label, optional) {
    const id = nextId(path.join("."));
    const v = getAt(this.claim, path) || {};
    const amount = el("input", {
      id,
      type: "text",
      inputmode: "decimal",
      value: v.amount == null ? "" : String(v.amount),
      placeholder: "0.00",
      "data-path": `${path.join(".")}.amount`,
    });
    const currency = el("input", {
      type: "text",
      value: v.currency || this.settings.currency,
      size: 3,
      maxlength: 3,
      "aria-label": `${label}: currency`,
      "data-path": `${path.join(".")}.currency`,
    });
    const update = () => {
      if (amount.value === "" && optional) this.set(path, undefined);
      else this.set(path, { amount: amount.value, currency: currency.value.toUpperCase() });
    };
    amount.addEventListener("input", update);
    currency.addEventListener("input", update);
    return this.row(label, id, el("span", { class: "pair" }, amount, currency));
  }

  weightField(path, label, optional) {
    const id = nextId(path.join("."));
    const v = getAt(this.claim, path) || {};
    const value = el("input", {
      id,
      type: "text",
      inputmode: "decimal",
      value: v.value == null ? "" : String(v.value),
      "data-path": `${path.join(".")}.value`,
    });
    const unit = el("select", { "aria-label": `${label}: unit`, "data-path": `${path.join(".")}.unit` });
    for (const u of this.schema.$defs.weight.properties.unit.enum) {
      unit.append(el("option", { value: u, text: u, selected: (v.unit || "lb") === u }));
    }
    const update = () => {
      if (value.value === "" && optional) this.set(path, undefined);
      else this.set(path, { value: value.value, unit: unit.value });
    };
    value.addEventListener("input", update);
    unit.addEventListener("change", update);
    return this.row(label, id, el("span", { class: "pair" }, value, unit));
  }

  checkboxesField(path, label, options) {
    const current = getAt(this.claim, path) || [];
    const box = el("fieldset", { class: "checks" }, el("legend", { text: label }));
    for (const o of options) {
      const id = nextId(`${path.join(".")}.${o}`);
      const input = el("input", {
        id,
        type: "checkbox",
        checked: current.includes(o),
        "data-path": `${path.join(".")}:${o}`,
        onchange: () => {
          const now = [...box.querySelectorAll("input:checked")].map((i) => i.value);
          this.set(path, now);
        },
      });
      input.value = o;
      box.append(el("span", { class: "check" }, input, el("label", { for: id, text: o.replace(/_/g, " ") })));
    }
    return box;
  }

  listField(path, label) {
    const id = nextId(path.join("."));
    const v = getAt(this.claim, path);
    const input = el("input", {
      id,
      type: "text",
      value: Array.isArray(v) ? v.join(", ") : "",
      placeholder: "comma separated",
      "data-path": path.join("."),
      oninput: (e) => {
        const words = e.target.value.split(",").map((s) => s.trim()).filter(Boolean);
        this.set(path, e.target.value.trim() === "" && v == null ? undefined : words);
      },
    });
    return this.row(label, id, input);
  }

  ratesField(path, label) {
    const id = nextId(path.join("."));
    const v = getAt(this.claim, path) || {};
    const input = el("input", {
      id,
      type: "text",
      value: Object.entries(v).map(([k, r]) => `${k}=${r}`).join(", "),
      placeholder: "USD/EUR=0.92",
      "data-path": path.join("."),
      oninput: (e) => {
        const out = {};
        for (const part of e.target.value.split(",")) {
          const [k, r] = part.split("=").map((s) => s && s.trim());
          if (k && r) out[k] = r;
        }
        this.set(path, Object.keys(out).length ? out : undefined);
      },
    });
    return this.row(label, id, input);
  }

  itemsField(node, path, label) {
    const box = el("fieldset", { class: "items" }, el("legend", { text: label }));
    const list = getAt(this.claim, path) || [];
    const itemSchema = this.schema.$defs.item;
    list.forEach((item, i) => {
      const sub = el("fieldset", { class: "item" }, el("legend", { text: `Item ${i + 1}${item && item.sku ? `: ${item.sku}` : ""}` }));
      for (const [key, prop] of Object.entries(itemSchema.properties)) {
        sub.append(this.field(prop, [...path, i, key], key, itemSchema.required.includes(key)));
      }
      sub.append(
        el("button", {
          type: "button",
          class: "remove",
          text: `Remove item ${i + 1}`,
          disabled: list.length <= (node.minItems || 0),
          onclick: () => {
            list.splice(i, 1);
            this.render();
            this.changed();
          },
        }),
      );
      box.append(sub);
    });
    box.append(
      el("button", {
        type: "button",
        text: "Add an item",
        onclick: () => {
          const n = list.length + 1;
          list.push({ sku: `ITEM-${n}`, category: "general", price: { amount: "", currency: this.settings.currency }, quantity: 1 });
          setAt(this.claim, path, list);
          this.render();
          this.changed();
        },
      }),
    );
    return box;
  }

  factsSection() {
    const box = el("fieldset", { class: "group" }, el("legend", { text: "Facts this policy declares" }));
    for (const f of this.facts) {
      const path = ["facts", f.name];
      const label = `${humanize(f.name)} (${f.type}${f.optional ? ", optional" : ""})`;
      switch (f.type) {
        case "bool":
          box.append(this.boolField(path, label, f.optional));
          break;
        case "money":
          box.append(this.moneyField(path, label, f.optional));
          break;
        case "weight":
          box.append(this.weightField(path, label, f.optional));
          break;
        case "event":
        case "date":
          box.append(this.eventField(path, label, f.optional));
          break;
        case "code":
          box.append(this.selectField(path, label, f.codes, f.optional));
          break;
        case "codes":
          box.append(this.checkboxesField(path, label, f.codes));
          break;
        default:
          box.append(this.textField(path, label, f.optional, f.type === "number" || f.type === "percent" ? "decimal" : "text"));
      }
    }
    return box;
  }
}
