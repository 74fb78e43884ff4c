// The merchant's page beside the policy (POST /v1/map, as `clause map` gives
// it): each sentence with a mark saying what accounts for it (a rule's quote,
// a `not-policy` or `covered` comment, a heading, or nothing), the rules that
// quote it (each can be shown in the editor), and the policy's quotes that are
// no longer on the page with how close the nearest sentence is.
import { el } from "./dom.js";

/// What accounts for a sentence: a status key, its label and its icon (the
/// colour is never the only sign).
export const STATUSES = {
  quoted: { label: "Quoted by a rule", icon: "✓" },
  covered: { label: "Covered (comment)", icon: "≈" },
  "not-policy": { label: "Not policy (comment)", icon: "–" },
  heading: { label: "Heading", icon: "#" },
  unaccounted: { label: "Unaccounted for", icon: "⚠" },
};

export function statusOf(s) {
  if (s.quoted_by && s.quoted_by.length) return "quoted";
  if (s.note) return s.note.kind === "covered" ? "covered" : "not-policy";
  if (s.sentence.kind === "heading") return "heading";
  return s.accounted ? "covered" : "unaccounted";
}

function mark(status) {
  const { label, icon } = STATUSES[status];
  return el("span", { class: `map-mark map-${status}` }, el("span", { "aria-hidden": "true", text: `${icon} ` }), label);
}

export function renderLegend(box) {
  box.replaceChildren(...Object.keys(STATUSES).map((k) => el("li", {}, mark(k))));
}

/// "N of M sentences accounted for" (headings are not counted), and the stale quotes.
export function summaryText(map) {
  const sentences = map.sentences.filter((s) => s.sentence.kind !== "heading");
  const accounted = sentences.filter((s) => s.accounted).length;
  const stale = map.quotes.filter((q) => !q.on_page).length;
  let text = `${accounted} of ${sentences.length} sentences accounted for`;
  text += stale ? `; ${stale} quote${stale === 1 ? "" : "s"} no longer on the page.` : "; every quote is on the page.";
  return { text, complete: accounted === sentences.length && !stale };
}

/// `owner` is `rule NAME`, `window NAME`, ...; `onShowOwner(owner, quotes)` marks it in the editor.
export function renderMap(box, map, { onShowOwner }) {
  box.replaceChildren();
  const stale = map.quotes.filter((q) => !q.on_page);
  if (stale.length) {
    box.append(el("h3", { text: "Quotes no longer on the page" }));
    box.append(
      el(
        "ul",
        { class: "map-stale", "data-testid": "stale-quotes" },
        ...stale.map((q) => {
          const near = map.sentences[q.sentences?.[0]];
          return el(
            "li",
            {},
            el("span", { class: "map-mark map-unaccounted" }, el("span", { "aria-hidden": "true", text: "⚠ " }), "Stale"),
            " ",
            ownerButton(q.quote.owner, map, onShowOwner),
            " quotes ",
            el("q", { class: "quote", text: q.quote.text }),
            near
              ? el(
                  "span",
                  { class: "help" },
                  ` — the closest sentence (line ${near.sentence.line}) is ${q.closeness}% alike${q.closeness >= 90 ? " but its numbers differ" : ""}: `,
                  el("q", { text: near.sentence.text }),
                )
              : el("span", { class: "help", text: " — nothing on the page is like it." }),
          );
        }),
      ),
    );
  }
  if (map.stale_not_policy && map.stale_not_policy.length) {
    box.append(el("h3", { text: "Comments that match no sentence" }));
    box.append(
      el(
        "ul",
        { class: "map-stale" },
        ...map.stale_not_policy.map((n) => el("li", {}, el("code", { text: n.kind }), " ", el("q", { class: "quote", text: n.text }))),
      ),
    );
  }
  box.append(el("h3", { text: "The page, sentence by sentence" }));
  const list = el("ol", { class: "page-map", "data-testid": "page-map" });
  for (const s of map.sentences) {
    const status = statusOf(s);
    const item = el(
      "li",
      { class: `map-sentence map-${status}`, "data-status": status, "data-line": s.sentence.line },
      mark(status),
      " ",
      el("span", { class: s.sentence.kind === "heading" ? "map-text map-heading" : "map-text", text: s.sentence.text }),
    );
    if (s.quoted_by && s.quoted_by.length) {
      const owners = el("span", { class: "map-owners" }, " — quoted by ");
      s.quoted_by.forEach((o, i) => {
        if (i) owners.append(", ");
        owners.append(ownerButton(o, map, onShowOwner));
      });
      item.append(owners);
    } else if (s.note && s.note.reason) {
      item.append(el("span", { class: "help", text: ` — ${s.note.reason}` }));
    }
    list.append(item);
  }
  box.append(list);
}

function ownerButton(owner, map, onShowOwner) {
  return el("button", {
    type: "button",
    class: "link",
    "aria-label": `Show ${owner} in the policy`,
    text: owner,
    onclick: () => onShowOwner(owner, map.quotes.filter((q) => q.quote.owner === owner)),
  });
}
