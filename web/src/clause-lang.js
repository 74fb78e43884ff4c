// The Clause language mode for CodeMirror 6: a stream tokenizer whose word
// lists follow grammar/policy.pest (keywords, decisions, currency codes,
// dates, money, measures, percents, strings and `#` comments), with bracket
// matching and indentation by braces and by clause continuation lines.
import { StreamLanguage, LanguageSupport, indentService } from "@codemirror/language";

// The `keyword` rule of grammar/policy.pest, plus the words that only the
// keyword rules use (business, day, dates, at, start, end, each, item, whole, order).
const KEYWORDS = new Set(
  (
    "policy currency timezone calendar weekend holidays fact fees fee window threshold table " +
    "rules rule otherwise optional from until between extended rolled forward plain when unless " +
    "requires evidence refund deduct paid by amount deadline and or not is has within after before " +
    "else in of one any all set missing up to for as requested jurisdictions business dates at " +
    "each whole"
  ).split(" "),
);
// Words that open a declaration or a clause: shown apart so the shape of a rule reads at a glance.
const DECLARATIONS = new Set(
  "policy currency timezone calendar fact fees window threshold table rules rule otherwise jurisdictions".split(" "),
);
const CLAUSES = new Set("when unless requires refund deduct fee deadline extended rolled".split(" "));
const DECISIONS = new Set(["approve", "deny", "review"]);
const ATOMS = new Set(["true", "false"]);
const TYPES = new Set("bool number percent money weight event date text code codes".split(" "));

const TIME_UNIT = /^(business\s+days?|days?|hours?|weeks?|months?)\b/;

export const clauseStream = {
  name: "clause",
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match("#")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match(/^"(?:[^"\\\n]|\\["\\n])*"?/)) return "string";
    if (stream.match(/^\d{4}-\d{2}-\d{2}(?![\w])/)) return "number";
    if (stream.match(/^[A-Z]{3}\s+\d+(\.\d+)?(?![\w])/)) return "number";
    if (stream.match(/^\d+(\.\d+)?%/)) return "number";
    if (stream.match(/^\d+(\.\d+)?/)) {
      // `30 days`, `30 lb`: the unit belongs to the number.
      const save = stream.pos;
      stream.eatSpace();
      if (!stream.match(TIME_UNIT) && !stream.match(/^(g|kg|oz|lb)\b/)) stream.pos = save;
      return "number";
    }
    if (stream.match(/^(<=|>=|!=|<|>|=|\+|-|\*)/)) return "operator";
    if (stream.match(/^[{}()]/)) return "bracket";
    if (stream.match(/^[:,]/)) return "punctuation";
    if (stream.match(/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+/)) return "propertyName";
    const word = stream.match(/^[A-Za-z_]\w*/);
    if (word) {
      const w = word[0];
      if (DECISIONS.has(w)) return "keyword strong";
      if (DECLARATIONS.has(w) || CLAUSES.has(w)) return "keyword";
      if (KEYWORDS.has(w)) return "operatorKeyword";
      if (ATOMS.has(w)) return "atom";
      if (/^[A-Z]{3}$/.test(w)) return "unit";
      if (TYPES.has(w)) return "typeName";
      return "variableName";
    }
    stream.next();
    return null;
  },
  languageData: {
    commentTokens: { line: "#" },
    closeBrackets: { brackets: ["(", "{", '"'] },
    indentOnInput: /^\s*\}$/,
  },
};

export const clauseLanguage = StreamLanguage.define(clauseStream);

// Indentation: one unit per open brace; a line that continues a clause (a rule's
// quote or clauses, a wrapped condition) gets one more unit than its rule.
const CONTINUES = /^\s*(rule|otherwise)\b|[,(]\s*$|\b(and|or|when|unless)\s*$/;
// The context's own line and text (not the document's) so that a line break
// being inserted (Enter) is seen: the new line starts at `pos`.
export const clauseIndent = indentService.of((context, pos) => {
  const doc = context.state.doc;
  const line = context.lineAt(pos, 1);
  const before = doc.sliceString(0, line.from);
  let depth = 0;
  const text = before.replace(/"(?:[^"\\\n]|\\.)*"/g, '""').replace(/#[^\n]*/g, "");
  for (const ch of text) {
    if (ch === "{" || ch === "(") depth += 1;
    else if (ch === "}" || ch === ")") depth = Math.max(0, depth - 1);
  }
  const rest = context.textAfterPos(pos, 1);
  if (/^\s*[})]/.test(rest)) depth = Math.max(0, depth - 1);
  let extra = 0;
  // Look back to the nearest non-blank line above.
  const above = before.split("\n");
  for (let n = above.length - 1; n >= 0; n -= 1) {
    const prev = above[n];
    if (!prev.trim()) continue;
    if (CONTINUES.test(prev.replace(/#.*$/, "")) && !/[{}]\s*$/.test(prev)) extra = 1;
    else if (/^\s*(rule|otherwise)\b/.test(prev)) extra = 1;
    else {
      // Inside a rule: keep the rule's clause indentation.
      const prevIndent = /^\s*/.exec(prev)[0].length;
      const base = depth * context.unit;
      if (prevIndent > base && !/[{}]\s*$/.test(prev)) extra = 1;
    }
    break;
  }
  return (depth + extra) * context.unit;
});

export function clause() {
  return new LanguageSupport(clauseLanguage, [clauseIndent]);
}
