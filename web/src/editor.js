// The policy editor: CodeMirror 6 with the Clause mode, the diagnostics of
// POST /v1/check as you type, and a mark on the sentence of the deciding rule.
import { EditorState, StateEffect, StateField } from "@codemirror/state";
import {
  EditorView,
  Decoration,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  drawSelection,
} from "@codemirror/view";
import {
  bracketMatching,
  indentOnInput,
  syntaxHighlighting,
  defaultHighlightStyle,
  foldGutter,
} from "@codemirror/language";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { linter, lintGutter, lintKeymap } from "@codemirror/lint";
import { classHighlighter } from "@lezer/highlight";
import { clause } from "./clause-lang.js";
import { post } from "./api.js";

/// The UTF-16 code units (the editor's positions) that `chars` characters
/// (code points, as the server's columns count them) take in `text` from unit
/// `start`, cut at the text's end.
export function unitsOf(text, start, chars) {
  let at = start;
  for (let n = 0; n < chars && at < text.length; n += 1) {
    at += text.codePointAt(at) >= 0x10000 ? 2 : 1;
  }
  return Math.min(at, text.length) - start;
}

/// Byte offsets (as the server counts them, in UTF-8) to positions in the
/// editor's text (UTF-16 code units).
export function byteOffsets(text) {
  const map = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.codePointAt(i);
    map.push([bytes, i]);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code >= 0x10000) i += 1;
  }
  map.push([bytes, text.length]);
  return (byte) => {
    let lo = 0;
    let hi = map.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (map[mid][0] <= byte) lo = mid;
      else hi = mid - 1;
    }
    return map[lo][1];
  };
}

/// The diagnostics of one /v1/check answer as CodeMirror diagnostics.
export function toEditorDiagnostics(text, diagnostics) {
  const at = byteOffsets(text);
  const out = [];
  for (const d of diagnostics) {
    const labels = d.labels && d.labels.length ? d.labels : [{ start: 0, end: 0 }];
    labels.forEach((label, i) => {
      const from = Math.min(at(label.start ?? 0), text.length);
      const to = Math.max(from, Math.min(at(label.end ?? label.start ?? 0), text.length));
      out.push({
        from,
        to,
        severity: d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "info",
        message: i === 0 ? d.message : `${d.message}: ${label.message || ""}`,
        renderMessage: () => renderDiagnostic(d, label),
      });
    });
  }
  return out;
}

export function renderDiagnostic(d, label) {
  const box = document.createElement("div");
  box.className = "diag";
  const head = document.createElement("strong");
  head.textContent = d.message;
  box.append(head);
  if (label && label.message) {
    const l = document.createElement("div");
    l.textContent = label.message;
    box.append(l);
  }
  if (d.help) {
    const h = document.createElement("div");
    h.className = "help";
    h.textContent = `help: ${d.help}`;
    box.append(h);
  }
  if (d.code) {
    const c = document.createElement(d.url ? "a" : "span");
    c.className = "code";
    c.textContent = d.code;
    if (d.url) {
      c.href = d.url;
      c.target = "_blank";
      c.rel = "noopener";
    }
    box.append(c);
  }
  return box;
}

const setDeciding = StateEffect.define();
const decidingMark = Decoration.mark({ class: "cm-deciding" });
const decidingField = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(setDeciding)) {
        value = Decoration.set(e.value.map((r) => decidingMark.range(r.from, r.to)));
      }
    }
    return value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/// The ranges of the quoted sentence of rule `name` (its strings after the outcome).
export function ruleQuoteRanges(text, name) {
  const re = new RegExp(`\\b(rule|otherwise)\\s+${name.replace(/[^\w]/g, "")}\\s*:`, "g");
  const m = re.exec(text);
  if (!m) return [];
  const ranges = [];
  let pos = m.index + m[0].length;
  // Skip the outcome words, then take every string literal that follows.
  const outcome = /^[^"\n]*/.exec(text.slice(pos));
  pos += outcome ? outcome[0].length : 0;
  const str = /\s*("(?:[^"\\\n]|\\.)*")/y;
  for (;;) {
    str.lastIndex = pos;
    const s = str.exec(text);
    if (!s) break;
    const start = s.index + s[0].length - s[1].length;
    ranges.push({ from: start, to: start + s[1].length });
    pos = str.lastIndex;
  }
  return ranges;
}

export function createEditor(parent, { onChecked, onChange }) {
  let lastCheck = null;
  const checkSource = linter(
    async (view) => {
      const text = view.state.doc.toString();
      try {
        const res = await post("/v1/check", { policy: text });
        const list = res.diagnostics || [];
        lastCheck = { text, res };
        onChecked?.(text, res, null);
        return toEditorDiagnostics(text, list);
      } catch (err) {
        onChecked?.(text, null, err);
        return [];
      }
    },
    { delay: 350 },
  );
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: "",
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        foldGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        // Stable class names (tok-keyword, tok-string, ...) beside the colours, for styles and tests.
        syntaxHighlighting(classHighlighter),
        clause(),
        lintGutter(),
        checkSource,
        decidingField,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": "Policy source", "aria-describedby": "editor-hint", tabindex: "0" }),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...lintKeymap, indentWithTab]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange?.(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    get text() {
      return view.state.doc.toString();
    },
    set text(value) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    },
    lastCheck: () => lastCheck,
    /// Marks the quoted sentence of the deciding rule and scrolls to it.
    markRule(name, scroll = false) {
      const ranges = name ? ruleQuoteRanges(view.state.doc.toString(), name) : [];
      const effects = [setDeciding.of(ranges)];
      if (scroll && ranges.length) effects.push(EditorView.scrollIntoView(ranges[0].from, { y: "center" }));
      view.dispatch({ effects });
      return ranges.length;
    },
    /// Marks text at 1-based `line` and `column` (characters), `length` characters
    /// long (cut at the line's end), and scrolls to the first mark.
    markAt(places) {
      const doc = view.state.doc;
      const ranges = [];
      for (const { line, column, length } of places) {
        if (!(line >= 1 && line <= doc.lines)) continue;
        const l = doc.line(line);
        const start = unitsOf(l.text, 0, Math.max(0, column - 1));
        const from = l.from + start;
        ranges.push({ from, to: from + unitsOf(l.text, start, length) });
      }
      ranges.sort((a, b) => a.from - b.from);
      const effects = [setDeciding.of(ranges)];
      if (ranges.length) effects.push(EditorView.scrollIntoView(ranges[0].from, { y: "center" }));
      view.dispatch({ effects });
      return ranges.length;
    },
    /// The editor's position of 1-based `line` and `column` (characters, as the
    /// server counts them), kept inside the document and the line.
    posOf(line, column) {
      const doc = view.state.doc;
      const l = doc.line(Math.min(Math.max(1, line), doc.lines));
      return l.from + unitsOf(l.text, 0, Math.max(0, column - 1));
    },
    goTo(pos) {
      view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: "center" }) });
      view.focus();
    },
  };
}
