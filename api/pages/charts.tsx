/**
 * Server-rendered charts (SVG and tables, no script): the rank shift from the mean to the
 * consensus for the systems that move most, and the agreement between methods as a heat map.
 * Styling comes from the stylesheet (classes); SVG geometry from presentation attributes.
 */
import type { Leaderboard } from "../../service/leaderboard.ts";
import { formatNumber, truncate } from "./format.ts";
import { rankOf } from "./model.ts";

/** Systems drawn in the rank-shift chart: the ones whose rank moves most. */
export const SHIFT_LIMIT = 15;
const ROW_H = 22;
const TOP = 30;
const GAP = 150;
const CHAR_W = 7.2;
const LABEL_CHARS = 34;

export interface Mover {
  slug: string;
  name: string;
  from: number;
  to: number;
}

/** The systems whose rank changes most between `from` and `to` (largest |change| first, then by `from` rank). */
export function topMovers(lb: Leaderboard, from: string, to: string, limit = SHIFT_LIMIT): Mover[] {
  return lb.systems
    .map((s) => ({ slug: s.slug, name: s.name, from: rankOf(s, from), to: rankOf(s, to) }))
    .filter((m) => Number.isFinite(m.from) && Number.isFinite(m.to) && m.from !== m.to)
    .sort((a, b) => Math.abs(b.to - b.from) - Math.abs(a.to - a.from) || a.from - b.from)
    .slice(0, limit);
}

/**
 * Two columns (ranks under `from` and under `to`) with one line per system. Rows are the
 * systems' order among those drawn (so lines never bunch), labels carry the real rank; the
 * view box is as wide as the longest label, so nothing is clipped.
 */
export function RankShiftChart(props: { lb: Leaderboard; from: string; to: string }) {
  const { lb, from, to } = props;
  const movers = topMovers(lb, from, to);
  if (movers.length === 0) return <p class="muted">No system changes rank between {from} and {to}.</p>;
  const left = [...movers].sort((a, b) => a.from - b.from || a.to - b.to);
  const right = [...movers].sort((a, b) => a.to - b.to || a.from - b.from);
  const leftLabel = (m: Mover) => `#${m.from} ${truncate(m.name, LABEL_CHARS)}`;
  const rightLabel = (m: Mover) => `#${m.to} ${truncate(m.name, LABEL_CHARS)} ${m.to < m.from ? "▲" : "▼"}${Math.abs(m.from - m.to)}`;
  const width = (labels: string[]) => Math.ceil(Math.max(8, ...labels.map((l) => l.length)) * CHAR_W) + 16;
  const leftW = Math.max(width(left.map(leftLabel)), width([from]));
  const rightW = Math.max(width(right.map(rightLabel)), width([to]));
  const total = leftW + GAP + rightW;
  const height = TOP + movers.length * ROW_H + 6;
  const y = (i: number) => TOP + i * ROW_H + ROW_H / 2;
  const x0 = leftW;
  const x1 = leftW + GAP;
  return (
    <svg
      class="shift"
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${total} ${height}`}
      width={total}
      height={height}
      role="img"
      aria-label={`Rank under ${from} and under ${to} of the ${movers.length} systems that move most`}
    >
      <text class="head" x={x0 - 8} y={18} text-anchor="end">
        {from}
      </text>
      <text class="head" x={x1 + 8} y={18}>
        {to}
      </text>
      {movers.map((m) => {
        const dir = m.to < m.from ? "rise" : "fall";
        const yl = y(left.indexOf(m));
        const yr = y(right.indexOf(m));
        return (
          <g class="mover" data-system={m.slug}>
            <title>{`${m.name}: #${m.from} under ${from}, #${m.to} under ${to}`}</title>
            <line class={dir} x1={x0} y1={yl} x2={x1} y2={yr} />
            <circle cx={x0} cy={yl} r={3} class={dir} />
            <circle cx={x1} cy={yr} r={3} class={dir} />
            <text x={x0 - 8} y={yl + 4} text-anchor="end">
              {leftLabel(m)}
            </text>
            <text x={x1 + 8} y={yr + 4} class={dir}>
              {rightLabel(m)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/**
 * Lower bounds of the heat map's colour bins h0..h10 (Kendall tau): finer near 1, where methods
 * usually agree, so 0.89 and 0.93 do not look the same; h10 is exactly 1.
 */
export const HEAT_BINS = [-1, 0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1] as const;

export function heatBin(tau: number): string {
  let bin = 0;
  for (let i = 1; i < HEAT_BINS.length; i++) if (tau >= HEAT_BINS[i] - 1e-12) bin = i;
  return `h${bin}`;
}

const binLabel = (i: number) => (i === HEAT_BINS.length - 1 ? "1" : i === 0 ? "< 0" : `≥ ${HEAT_BINS[i]}`);

/** Kendall tau-b between every two methods, each cell coloured by its value. */
export function AgreementHeatmap(props: { lb: Leaderboard }) {
  const { methods, agreement } = props.lb;
  if (methods.length < 2) return <p class="muted">Select two or more methods to compare them.</p>;
  const tau = (a: string, b: string) => (a === b ? 1 : (agreement.kendallTau[a]?.[b] ?? null));
  return (
    <>
      <div class="scroll" tabindex={0} role="region" aria-label="Agreement between methods (Kendall tau-b)">
        <table class="heat">
          <caption class="visually-hidden">Kendall tau-b between the rankings of every two methods</caption>
          <thead>
            <tr>
              <th class="rowhead" scope="col">
                τ-b
              </th>
              {methods.map((m) => (
                <th scope="col">{m}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {methods.map((a) => (
              <tr>
                <th scope="row" class="rowhead">
                  {a}
                </th>
                {methods.map((b) => {
                  const t = tau(a, b);
                  return t === null ? (
                    <td title="undefined (a ranking is a single tie, or fewer than two systems)">—</td>
                  ) : (
                    <td class={heatBin(t)} title={`${a} vs ${b}: Kendall τ-b ${formatNumber(t, 3)}`}>
                      {t.toFixed(2)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="legend">
        <span class="muted">Colour scale (τ):</span>
        {HEAT_BINS.map((_, i) => (
          <span class={`h${i}`}>{binLabel(i)}</span>
        ))}
      </p>
    </>
  );
}
