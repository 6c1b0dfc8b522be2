// How numbers are written on screen: sizes in decimal units with three significant digits and a
// space before the unit ("1.23 MB"), exactly as the CLI writes them (src-tauri/format.rs; both
// are tested on format-cases.json), and times relative to now.

const UNITS = ["B", "kB", "MB", "GB", "TB", "PB"];

export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  // Trailing zeros go only after a decimal point: "1.50" → "1.5", but "200" stays.
  const fixed = value.toFixed(decimals);
  const text = fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
  return `${text} ${UNITS[unit]}`;
}

/** A count with its thousands marked: "100,101". */
export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

/** A count and its noun: "1 file", "12 files", "100,101 files" (`many` for an irregular plural). */
export function counted(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** A change in size: "+8 B", "−1.5 MB", and "±0 B" for none. */
export function signedSize(bytes: number): string {
  const sign = bytes === 0 ? "±" : bytes > 0 ? "+" : "−";
  return `${sign}${formatSize(Math.abs(bytes))}`;
}

/** A change in build time, to a tenth of a second: "+1.3 s", "−0.4 s", and "±0.0 s" for less
 * than a twentieth (never "−0.0 s"). */
export function signedSeconds(seconds: number): string {
  const tenths = Math.round(seconds * 10);
  const sign = tenths === 0 ? "±" : tenths > 0 ? "+" : "−";
  return `${sign}${(Math.abs(tenths) / 10).toFixed(1)} s`;
}

export function formatAgo(unixSeconds: number, nowMs: number = Date.now()): string {
  const seconds = Math.max(0, Math.floor(nowMs / 1000 - unixSeconds));
  const steps: [number, string][] = [
    [60, "second"],
    [3600, "minute"],
    [86_400, "hour"],
    [86_400 * 14, "day"],
    [86_400 * 60, "week"],
    [86_400 * 730, "month"],
    [Infinity, "year"],
  ];
  const size: Record<string, number> = {
    second: 1,
    minute: 60,
    hour: 3600,
    day: 86_400,
    week: 604_800,
    month: 2_592_000,
    year: 31_536_000,
  };
  if (seconds < 1) return "just now";
  for (const [limit, unit] of steps) {
    if (seconds < limit) {
      const amount = Math.floor(seconds / size[unit]);
      return `${amount} ${unit}${amount === 1 ? "" : "s"} ago`;
    }
  }
  return "long ago";
}
