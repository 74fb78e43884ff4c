// Days and times in the policy's time zone, with the browser's Intl (no library).

function fmt(timeZone) {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
}

function partsOf(date, timeZone) {
  const p = Object.fromEntries(fmt(timeZone).formatToParts(date).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/// A claim event ("2023-09-12" or an RFC 3339 instant) as a day and a time of day in `timeZone`.
export function partsIn(value, timeZone) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { date: value, time: "" };
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return { date: "", time: "" };
  try {
    return partsOf(d, timeZone);
  } catch {
    return partsOf(d, "UTC");
  }
}

/// The UTC offset of `timeZone` at instant `d`, in minutes.
function offsetAt(d, timeZone) {
  const p = partsOf(d, timeZone);
  const asUtc = Date.parse(`${p.date}T${p.time}:00Z`);
  const whole = Math.floor(d.getTime() / 60000) * 60000;
  return Math.round((asUtc - whole) / 60000);
}

/// The RFC 3339 instant of wall-clock `date` `time` in `timeZone` ("2023-09-12T09:00:00-07:00").
export function instantIn(date, time, timeZone) {
  const naive = Date.parse(`${date}T${time}:00Z`);
  let offset = 0;
  try {
    offset = offsetAt(new Date(naive), timeZone);
    offset = offsetAt(new Date(naive - offset * 60000), timeZone);
  } catch {
    offset = 0;
  }
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${date}T${time}:00${sign}${hh}:${mm}`;
}
