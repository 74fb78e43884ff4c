// The timeline: every event of the claim (those the policy does not read
// drawn hollow) and each window of the policy as a bar across the calendar,
// weekends and holidays shaded, each window's last day marked. Drawn as SVG from the `timeline` of POST /v1/evaluate, with a table
// of the same facts for screen readers.
import { el, table } from "./dom.js";
import { partsIn } from "./time.js";

const SVG = "http://www.w3.org/2000/svg";
const DAY = 86400000;

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}

/// The calendar day of an event or window edge in the policy's time zone.
export function dayOf(value, timeZone) {
  if (!value) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return partsIn(value, timeZone).date || value.slice(0, 10);
}

/// An event's words ("Delivered"), from the server's label or its path.
export const eventLabel = (e) => e.label || e.name.replace(/_at$/, "").replace(/[._]/g, " ");

/// Beyond this many days the picture is not drawn (a mistyped year would ask
/// for a column per day across centuries); the tables still list everything.
const MAX_DAYS = 1000;

const toMs = (day) => Date.parse(`${day}T00:00:00Z`);
const toDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const isoWeekday = (ms) => ((new Date(ms).getUTCDay() + 6) % 7) + 1;

export function renderTimeline(panel, timeline, verdict, timeZone) {
  panel.replaceChildren();
  if (!timeline) {
    panel.append(el("p", { class: "hint", text: "The server gave no timeline for this claim." }));
    return;
  }
  const events = (timeline.events || []).map((e) => ({ ...e, day: dayOf(e.at, timeZone) })).filter((e) => e.day);
  const labels = new Map(events.map((e) => [e.name, eventLabel(e)]));
  const unread = (e) => e.read === false;
  const windows = (timeline.windows || [])
    .map((w) => ({ ...w, startDay: dayOf(w.start, timeZone), endDay: dayOf(w.end, timeZone) }))
    .filter((w) => w.endDay);
  const days = [...events.map((e) => e.day), ...windows.flatMap((w) => (w.startDay ? [w.startDay, w.endDay] : [w.endDay]))];
  if (!days.length) {
    panel.append(el("p", { class: "hint", text: "The claim has no dated events to draw." }));
    return;
  }
  const first = Math.min(...days.map(toMs)) - 2 * DAY;
  const last = Math.max(...days.map(toMs)) + 2 * DAY;
  const count = Math.round((last - first) / DAY) + 1;
  if (!(count <= MAX_DAYS)) {
    panel.append(
      el("p", {
        class: "hint timeline-too-long",
        text: `The claim's dates and the windows span ${count - 4} days, from ${toDay(first + 2 * DAY)} to ${toDay(last - 2 * DAY)}: too many to draw day by day. Check the dates; the tables below list every event and window.`,
      }),
    );
    appendTables(panel, events, windows, labels);
    return;
  }
  const left = 150;
  // Fit the calendar to the panel's width (the panel may be hidden while it is drawn).
  const avail = Math.max(420, (panel.closest(".panel")?.clientWidth || 900) - 40);
  const dayW = Math.max(4, Math.min(28, (avail - left - 20) / count));
  const width = left + count * dayW + 20;
  const headerH = 38;
  const eventsH = 22 + events.length * 16;
  const rowH = 34;
  const height = headerH + eventsH + windows.length * rowH + 16;
  const x = (day) => left + ((toMs(day) - first) / DAY) * dayW;

  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-labelledby": "timeline-title timeline-desc",
    class: "timeline",
  });
  root.append(svg("title", { id: "timeline-title" }, "Timeline of the claim and the policy's windows"));
  root.append(
    svg(
      "desc",
      { id: "timeline-desc" },
      windows.map((w) => `${w.name} ${w.startDay ? `from ${w.startDay} ` : ""}to ${w.endDay}`).join("; ") || "No window applies.",
    ),
  );

  const weekend = new Set(timeline.weekend || [6, 7]);
  const holidays = new Map((timeline.holidays || []).map((h) => [h.date, h.name || "holiday"]));
  // Shade weekends and holidays, label months and days.
  for (let i = 0; i < count; i += 1) {
    const ms = first + i * DAY;
    const day = toDay(ms);
    const cx = left + i * dayW;
    if (holidays.has(day)) {
      const r = svg("rect", { x: cx, y: headerH - 14, width: dayW, height: height - headerH + 14, class: "holiday" });
      r.append(svg("title", {}, `${day}: ${holidays.get(day)}`));
      root.append(r);
    } else if (weekend.has(isoWeekday(ms))) {
      root.append(svg("rect", { x: cx, y: headerH - 14, width: dayW, height: height - headerH + 14, class: "weekend" }));
    }
    const dom = Number(day.slice(8));
    if (dom === 1 || (i === 0 && dom < 25)) {
      root.append(svg("text", { x: cx + 1, y: 12, class: "month" }, day.slice(0, 7)));
    }
    if (dayW >= 14 || dom % 7 === 1) {
      root.append(svg("text", { x: cx + dayW / 2, y: headerH - 4, class: "daynum", "text-anchor": "middle" }, String(dom)));
    }
  }
  root.append(svg("line", { x1: left, x2: width - 20, y1: headerH, y2: headerH, class: "axis" }));

  // Events: a dot and a line through the chart, one label row each.
  events.sort((a, b) => toMs(a.day) - toMs(b.day));
  events.forEach((e, i) => {
    const cx = x(e.day) + dayW / 2;
    const y = headerH + 16 + i * 16;
    root.append(svg("line", { x1: cx, x2: cx, y1: headerH, y2: height - 8, class: "event-line" }));
    const dot = svg("circle", { cx, cy: y - 4, r: 4, class: `event-dot${unread(e) ? " unread" : ""}`, "data-event": e.name });
    dot.append(svg("title", {}, `${eventLabel(e)}: ${e.at}${unread(e) ? " (the policy does not read it)" : ""}`));
    root.append(dot);
    root.append(svg("text", { x: 8, y, class: `label${unread(e) ? " unread" : ""}` }, eventLabel(e)));
    root.append(svg("text", { x: cx + 7, y, class: "event-day" }, e.day));
  });

  // Windows: a bar from the first to the last day, the last day marked.
  const deadlineNames = new Set((verdict?.deadlines || []).map((d) => d.name));
  windows.forEach((w, i) => {
    const y = headerH + eventsH + i * rowH;
    const x0 = w.startDay ? x(w.startDay) : left;
    const x1 = x(w.endDay) + dayW;
    const g = svg("g", { class: `window${deadlineNames.has(w.name) ? " deadline" : ""}`, "data-window": w.name });
    g.append(svg("text", { x: 8, y: y + 14, class: "label" }, w.name));
    g.append(svg("text", { x: 8, y: y + 27, class: "span" }, w.from ? `from ${(labels.get(w.from) || w.from).toLowerCase()}` : w.unit || ""));
    const bar = svg("rect", { x: x0, y: y + 4, width: Math.max(2, x1 - x0), height: 14, rx: 3, class: "bar" });
    bar.append(svg("title", {}, `${w.name}: ${w.startDay} to ${w.endDay}${w.calendar ? ` (${w.calendar})` : ""}`));
    g.append(bar);
    g.append(svg("line", { x1: x1, x2: x1, y1: y, y2: y + 24, class: "end-mark" }));
    const anchor = x1 + 130 > width ? "end" : "start";
    g.append(
      svg("text", { x: anchor === "end" ? x1 - 4 : x1 + 4, y: y + 30, class: "last-day", "text-anchor": anchor }, `last day ${w.endDay}`),
    );
    root.append(g);
  });

  const scroller = el("div", { class: "timeline-scroll", tabindex: "0", role: "group", "aria-label": "Timeline (scrolls sideways)" });
  scroller.append(root);
  panel.append(scroller);
  panel.append(
    el(
      "p",
      { class: "legend" },
      el("span", { class: "sw weekend" }),
      " weekend ",
      el("span", { class: "sw holiday" }),
      " holiday ",
      el("span", { class: "sw bar" }),
      " window (to its last day, inclusive) ",
      el("span", { class: "sw dot" }),
      " event the policy reads ",
      el("span", { class: "sw dot unread" }),
      " event the policy does not read ",
    ),
  );
  appendTables(panel, events, windows, labels);
}

/// The events and windows as tables (for screen readers, and where the picture is not drawn).
function appendTables(panel, events, windows, labels) {
  panel.append(
    table(
      "Events",
      ["Event", "Fact", "When", "Day", "Read by the policy"],
      events.map((e) => [eventLabel(e), e.name, e.at, e.day, e.read === false ? "no" : "yes"]),
    ),
  );
  panel.append(
    table(
      "Windows",
      ["Window", "From", "First day", "Last day", "Counted in"],
      windows.map((w) => [w.name, w.from ? `${labels.get(w.from) || w.from} (${w.from})` : "", w.startDay || "(no start)", w.endDay, w.calendar ? `${w.unit}, ${w.calendar} holidays` : w.unit || ""]),
    ),
  );
}
