/** Small display helpers shared by the pages. */

/** A score for display: integers as is, otherwise at most `digits` decimals, trailing zeros dropped. */
export function formatNumber(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  if (Number.isInteger(x)) return String(x);
  const s = x.toFixed(digits);
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** Shorten a label to `max` characters with an ellipsis. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A stable, well-spread colour per index (golden angle). */
export function seriesColor(i: number): string {
  return `hsl(${Math.round((i * 137.508) % 360)}, 62%, 40%)`;
}
