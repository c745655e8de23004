/**
 * Inline SVG slope chart: one column per method, one polyline per system through its rank
 * under each method. Rendered on the server; every label is a text node (escaped).
 */
import { seriesColor, truncate } from "./format.ts";

export interface SlopeSystem {
  slug: string;
  name: string;
  /** Rank per method, in `methods` order. */
  ranks: number[];
}

const LABEL_W = 215;
const COL_GAP = 100;
const TOP = 34;
const BOTTOM = 12;
const LABEL_CHARS = 26;

/** Labels of the systems sharing each rank in one column, e.g. "3. BERT, RoBERTa". */
function columnLabels(systems: SlopeSystem[], col: number): [number, string, string][] {
  const byRank = new Map<number, string[]>();
  for (const s of systems) {
    const r = s.ranks[col];
    const names = byRank.get(r);
    if (names) names.push(s.name);
    else byRank.set(r, [s.name]);
  }
  return [...byRank.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([rank, names]) => {
      const full = `${rank}. ${names.join(", ")}`;
      return [rank, truncate(full, LABEL_CHARS), full];
    });
}

export function SlopeChart(props: { methods: string[]; systems: SlopeSystem[] }) {
  const { methods, systems } = props;
  if (methods.length === 0 || systems.length === 0) return <p class="muted">Nothing to draw.</p>;
  const maxRank = Math.max(1, ...systems.flatMap((s) => s.ranks));
  // 16px per rank keeps labels apart; very long boards are compressed to ~1000px.
  const rowH = maxRank <= 60 ? 16 : Math.max(8, 960 / maxRank);
  const width = LABEL_W * 2 + Math.max(1, methods.length - 1) * COL_GAP;
  const height = TOP + (maxRank - 1) * rowH + BOTTOM + 8;
  const x = (col: number) => (methods.length === 1 ? width / 2 : LABEL_W + col * COL_GAP);
  const y = (rank: number) => TOP + (rank - 1) * rowH + 4;
  const last = methods.length - 1;
  return (
    <svg
      class="slope"
      xmlns="http://www.w3.org/2000/svg"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`Rank of ${systems.length} systems under ${methods.join(", ")}`}
    >
      {methods.map((m, col) => (
        <g>
          <line class="axis" x1={x(col)} x2={x(col)} y1={TOP - 6} y2={height - BOTTOM} />
          <text class="method" x={x(col)} y={16} text-anchor="middle">
            {m}
          </text>
        </g>
      ))}
      {systems.map((s, i) => {
        const color = seriesColor(i);
        const points = s.ranks.map((r, col) => `${x(col)},${y(r)}`).join(" ");
        return (
          <g class="system" data-system={s.slug}>
            <title>{`${s.name}: ${methods.map((m, col) => `${m} #${s.ranks[col]}`).join(", ")}`}</title>
            <polyline data-system={s.slug} points={points} stroke={color} />
            {s.ranks.map((r, col) => (
              <circle cx={x(col)} cy={y(r)} r={2.6} fill={color} />
            ))}
          </g>
        );
      })}
      {columnLabels(systems, 0).map(([rank, label, full]) => (
        <text class="label" x={x(0) - 8} y={y(rank) + 4} text-anchor="end">
          <title>{full}</title>
          {label}
        </text>
      ))}
      {last > 0
        ? columnLabels(systems, last).map(([rank, label, full]) => (
            <text class="label" x={x(last) + 8} y={y(rank) + 4}>
              <title>{full}</title>
              {label}
            </text>
          ))
        : null}
    </svg>
  );
}
