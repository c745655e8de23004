/**
 * The pairwise evidence matrix (GET .../pairwise, service/evidence.ts) as an inline SVG heat map:
 * row system vs column system, coloured by the row's win share (orange: the row loses, grey:
 * even, blue: the row wins; a colour-blind-safe diverging scale), a dot where the difference is
 * separated at the report's delta, hatched grey where the two share no task. Pure: props in,
 * markup out; colours are SVG `fill` attributes and classes, never `style` attributes, so the
 * page works under a Content-Security-Policy without 'unsafe-inline'. Every label is a text node
 * (escaped by hono/jsx). Accessible: role="img" with a title and a description, a <title> per
 * cell ("A vs B: wins 9 of 14 tasks ..."), and the same facts as a plain table for screen
 * readers and text browsers (`<details>`).
 */
import { truncate } from "./format.ts";

/** The part of the pairwise report the heat map draws. */
export interface PairwiseMatrix {
  level: "task" | "instance";
  delta: number;
  systems: string[];
  wins: (number | null)[][];
  n: number[][];
  halfWidth: (number | null)[][];
  separated: boolean[][];
}

export interface PairwiseHeatmapProps {
  report: PairwiseMatrix;
  /** Display names by slug (default: the slug). */
  names?: Record<string, string>;
  /** At most this many systems (the first ones, in the report's leaderboard order); default 40. */
  limit?: number;
  /** Prefix of the element ids (title, description), unique per page; default "pairwise-heatmap". */
  idPrefix?: string;
}

const CELL = 14;
const LABEL_W = 190;
const TOP = 120;
const LABEL_CHARS = 28;
const LEGEND_H = 44;

/** Diverging orange - light grey - blue (ColorBrewer PuOr-like ends), t in [0, 1]. */
const LOW = [179, 88, 6];
const MID = [240, 240, 240];
const HIGH = [33, 102, 172];

function hex(rgb: number[]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

/** The fill of a win share (null: no common task). */
export function shareColor(share: number | null): string {
  if (share === null) return "#d9d9d9";
  const t = Math.min(1, Math.max(0, share));
  const [from, to, u] = t < 0.5 ? [LOW, MID, t / 0.5] : [MID, HIGH, (t - 0.5) / 0.5];
  return hex(from.map((c, i) => c + (to[i] - c) * u));
}

const percent = (x: number) => `${Math.round(x * 100)}%`;

/** One cell's sentence (its <title>, and the table's cell). */
export function cellText(report: PairwiseMatrix, i: number, j: number, name: (slug: string) => string): string {
  const unit = report.level === "instance" ? "instances" : "tasks";
  const a = name(report.systems[i]);
  const b = name(report.systems[j]);
  const n = report.n[i][j];
  const w = report.wins[i][j];
  if (w === null || n === 0) return `${a} vs ${b}: no ${unit} scored by both`;
  const h = report.halfWidth[i][j] ?? 0;
  const sep = report.separated[i][j] ? `, separated at delta ${report.delta}` : report.separated[j][i] ? `, ${b} separated ahead at delta ${report.delta}` : ", not separated";
  return `${a} vs ${b}: wins ${percent(w)} of ${n} ${unit} (±${percent(h)})${sep}`;
}

export function PairwiseHeatmap(props: PairwiseHeatmapProps) {
  const { report } = props;
  const k = Math.min(report.systems.length, Math.max(1, props.limit ?? 40));
  if (report.systems.length === 0) return <p class="muted">No systems to compare.</p>;
  const name = (slug: string) => props.names?.[slug] ?? slug;
  const idx = Array.from({ length: k }, (_, i) => i);
  const width = LABEL_W + k * CELL + 8;
  const height = TOP + k * CELL + LEGEND_H;
  const unit = report.level === "instance" ? "instances" : "tasks";
  const titleId = `${props.idPrefix ?? "pairwise-heatmap"}-title`;
  const descId = `${props.idPrefix ?? "pairwise-heatmap"}-desc`;
  const legend = [0, 0.25, 0.5, 0.75, 1];
  return (
    <figure class="pairwise-heatmap">
      <svg
        class="heatmap"
        xmlns="http://www.w3.org/2000/svg"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
      >
        <title id={titleId}>{`Pairwise evidence: share of common ${unit} each row system wins against each column system`}</title>
        <desc id={descId}>
          {`${k} systems in leaderboard order${k < report.systems.length ? ` (the first ${k} of ${report.systems.length})` : ""}. Blue: the row wins more often, orange: less often; a dot marks a difference separated by the Hoeffding bound at delta ${report.delta}; grey: no common ${unit}.`}
        </desc>
        {idx.map((j) => (
          <text class="col-label" x={LABEL_W + j * CELL + CELL / 2 + 4} y={TOP - 6} transform={`rotate(-60 ${LABEL_W + j * CELL + CELL / 2 + 4} ${TOP - 6})`}>
            <title>{name(report.systems[j])}</title>
            {truncate(name(report.systems[j]), 18)}
          </text>
        ))}
        {idx.map((i) => (
          <g class="row" data-system={report.systems[i]}>
            <text class="row-label" x={LABEL_W - 6} y={TOP + i * CELL + CELL - 3} text-anchor="end">
              <title>{name(report.systems[i])}</title>
              {truncate(`${i + 1}. ${name(report.systems[i])}`, LABEL_CHARS)}
            </text>
            {idx.map((j) => {
              const x = LABEL_W + j * CELL;
              const y = TOP + i * CELL;
              if (i === j) return <rect class="diagonal" x={x} y={y} width={CELL} height={CELL} fill="#ffffff" stroke="#bdbdbd" />;
              const w = report.wins[i][j];
              return (
                <g class={w === null ? "cell empty" : report.separated[i][j] ? "cell separated" : "cell"} data-opponent={report.systems[j]}>
                  <title>{cellText(report, i, j, name)}</title>
                  <rect x={x} y={y} width={CELL} height={CELL} fill={shareColor(w)} stroke="#ffffff" />
                  {w === null ? <line x1={x + 2} y1={y + CELL - 2} x2={x + CELL - 2} y2={y + 2} stroke="#9e9e9e" /> : null}
                  {report.separated[i][j] ? <circle cx={x + CELL / 2} cy={y + CELL / 2} r={2.5} fill="#ffffff" stroke="#000000" /> : null}
                </g>
              );
            })}
          </g>
        ))}
        <g class="legend">
          {legend.map((t, p) => (
            <g>
              <rect x={LABEL_W + p * 48} y={TOP + k * CELL + 14} width={48} height={12} fill={shareColor(t)} stroke="#bdbdbd" />
              <text x={LABEL_W + p * 48 + 24} y={TOP + k * CELL + 40} text-anchor="middle">
                {percent(t)}
              </text>
            </g>
          ))}
          <text x={LABEL_W - 6} y={TOP + k * CELL + 24} text-anchor="end">
            row wins
          </text>
        </g>
      </svg>
      <details>
        <summary>{`Pairwise evidence as a table (${k} systems)`}</summary>
        <table class="pairwise">
          <caption>{`Share of common ${unit} the row system wins (ties count half), ±Hoeffding half-width at delta ${report.delta}`}</caption>
          <thead>
            <tr>
              <th scope="col">System</th>
              {idx.map((j) => (
                <th scope="col">{name(report.systems[j])}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {idx.map((i) => (
              <tr>
                <th scope="row">{name(report.systems[i])}</th>
                {idx.map((j) => {
                  const w = report.wins[i][j];
                  if (i === j) return <td>—</td>;
                  if (w === null) return <td>n = 0</td>;
                  return (
                    <td title={cellText(report, i, j, name)}>
                      {`${percent(w)} ±${percent(report.halfWidth[i][j] ?? 0)} (n = ${report.n[i][j]})${report.separated[i][j] ? " ●" : ""}`}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export interface PairwiseRecordProps {
  report: PairwiseMatrix;
  /** The system whose record this is. */
  system: string;
  names?: Record<string, string>;
}

/**
 * One system's row of the pairwise evidence: how many opponents it is separated ahead of and
 * behind, then every opponent in leaderboard order with the share of common tasks (instances)
 * it wins, the count and the half-width.
 */
export function PairwiseRecord(props: PairwiseRecordProps) {
  const { report } = props;
  const i = report.systems.indexOf(props.system);
  if (i < 0) return <p class="muted">No pairwise evidence for this system.</p>;
  const name = (slug: string) => props.names?.[slug] ?? slug;
  const unit = report.level === "instance" ? "instances" : "tasks";
  const others = report.systems.map((_, j) => j).filter((j) => j !== i);
  const ahead = others.filter((j) => report.separated[i][j]).length;
  const behind = others.filter((j) => report.separated[j][i]).length;
  return (
    <>
      <h2>Pairwise record</h2>
      <p>
        {`Separated ahead of ${ahead} and behind ${behind} of the ${others.length} other systems (Hoeffding bound at delta ${report.delta}); the rest cannot be told apart on these ${unit}.`}
      </p>
      <div class="scroll" tabindex={0} role="region" aria-label="Pairwise record table">
        <table class="pairwise-record">
          <caption>{`Share of common ${unit} won against each other system (ties count half), ±half-width`}</caption>
          <thead>
            <tr>
              <th scope="col">Opponent</th>
              <th scope="col">Wins</th>
              <th scope="col">n</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {others.map((j) => {
              const w = report.wins[i][j];
              const verdict = report.separated[i][j] ? "ahead" : report.separated[j][i] ? "behind" : "not separated";
              return (
                <tr class={report.separated[i][j] ? "ahead" : report.separated[j][i] ? "behind" : undefined}>
                  <th scope="row">{name(report.systems[j])}</th>
                  <td>{w === null ? "—" : `${percent(w)} ±${percent(report.halfWidth[i][j] ?? 0)}`}</td>
                  <td>{String(report.n[i][j])}</td>
                  <td>{verdict}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The benchmark page's evidence section: a heading, how to read it, the heat map. */
export function PairwiseEvidenceSection(props: { report: PairwiseMatrix; names?: Record<string, string>; slug: string }) {
  return (
    <>
      <h2>Pairwise evidence</h2>
      <p class="muted">
        {`Share of the tasks both systems scored that the row system wins (ties count half); a dot: separated by the Hoeffding bound at delta ${props.report.delta}. As JSON or CSV: `}
        <a href={`/api/v1/benchmarks/${encodeURIComponent(props.slug)}/pairwise`}>{`/api/v1/benchmarks/${props.slug}/pairwise`}</a>
      </p>
      <PairwiseHeatmap report={props.report} names={props.names} />
    </>
  );
}
