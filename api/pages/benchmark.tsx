/**
 * `GET /benchmarks/{slug}`: the side-by-side leaderboard (rank under every selected method,
 * arrows where a social-choice rank differs from the mean's, task scores, coverage), the
 * method selector (a plain GET form), the Kendall tau matrix, the slope chart and, per system,
 * the Markdown that embeds its badge.
 */
import type { Leaderboard, LeaderboardSystem } from "../../service/leaderboard.ts";
import { formatNumber } from "./format.ts";
import { Layout } from "./layout.tsx";
import { SlopeChart } from "./slope-chart.tsx";

/** Systems drawn in the slope chart unless `?chart=all`. */
export const CHART_LIMIT = 40;
/**
 * Rows of the leaderboard table unless `?rows=all`: a row is ~2 KB with every method and 20
 * tasks, so a 3,000-system table alone would be ~6 MB of HTML. JSON and CSV carry every system.
 */
export const TABLE_LIMIT = 500;

export interface BenchmarkPageProps {
  leaderboard: Leaderboard;
  /** Every method the selector offers. */
  allMethods: readonly string[];
  /** Primary method: row order and badge method. */
  sort: string;
  /** Draw every system in the slope chart. */
  chartAll: boolean;
  /** Every system in the table (else the top TABLE_LIMIT). */
  rowsAll?: boolean;
  /** `https://host` of the request, for badge snippets. */
  origin: string;
  /** Ignored `methods`/`sort` values, shown as a note. */
  ignored: string[];
}

/** Mean-family methods are the reference; the others are aggregations from social choice. */
const isMeanFamily = (m: string) => m === "mean" || m.startsWith("mean-");

function rankOf(s: LeaderboardSystem, method: string): number {
  return s.results[method]?.rank ?? Number.POSITIVE_INFINITY;
}

function RankCell(props: { system: LeaderboardSystem; method: string; reference: string | undefined; sorted: boolean }) {
  const { system, method, reference, sorted } = props;
  const cell = system.results[method];
  const rank = cell?.rank;
  const ref = reference ? system.results[reference]?.rank : undefined;
  const delta = rank !== undefined && ref !== undefined && !isMeanFamily(method) ? ref - rank : 0;
  const title = cell?.score !== undefined ? `${method} score ${formatNumber(cell.score, 4)}` : undefined;
  return (
    <td class={sorted ? "sorted" : undefined} title={title}>
      {rank ?? "—"}
      {delta > 0 ? (
        <span class="up" title={`${delta} place${delta === 1 ? "" : "s"} higher than under ${reference} (#${ref})`} aria-label={`up ${delta} vs ${reference}`}>
          ▲{delta}
        </span>
      ) : delta < 0 ? (
        <span class="down" title={`${-delta} place${delta === -1 ? "" : "s"} lower than under ${reference} (#${ref})`} aria-label={`down ${-delta} vs ${reference}`}>
          ▼{-delta}
        </span>
      ) : null}
      {cell?.interval ? (
        <span class="interval" title={`95% bootstrap interval of the ${method} rank`}>
          [{cell.interval[0] === cell.interval[1] ? cell.interval[0] : `${cell.interval[0]}–${cell.interval[1]}`}]
        </span>
      ) : null}
      {cell?.pTop1 ? (
        <span class="ptop1" title={`ranked first under ${method} in ${formatNumber(cell.pTop1 * 100, 3)}% of the resamples`}>
          P₁ {formatPercent(cell.pTop1)}
        </span>
      ) : null}
    </td>
  );
}

/** pTop1 as a short percentage: 100%, 42%, 0.3%, <0.1%. */
function formatPercent(p: number): string {
  const pct = p * 100;
  if (pct >= 99.95 || pct === 0) return `${Math.round(pct)}%`;
  if (pct < 0.1) return "<0.1%";
  return pct >= 10 ? `${Math.round(pct)}%` : `${pct.toFixed(1)}%`;
}

/** slug -> [tie group index, whether it starts its group, group size] under `method`. */
function tieGroupsOf(lb: Leaderboard, method: string): Map<string, { group: number; start: boolean; size: number }> {
  const out = new Map<string, { group: number; start: boolean; size: number }>();
  (lb.tieGroups?.[method] ?? []).forEach((members, group) => members.forEach((slug, i) => out.set(slug, { group, start: i === 0, size: members.length })));
  return out;
}

function UncertaintyNote(props: { leaderboard: Leaderboard; sort: string }) {
  const u = props.leaderboard.uncertainty;
  if (!u) return null;
  return (
    <p class="note">
      Bootstrap over {u.samples} resamples of the {u.level === "instance" ? "instances within each task" : "tasks"} (seed {u.seed}): <span class="interval">[lo–hi]</span>{" "}
      is the 95% interval of each rank (2.5th–97.5th percentile), <span class="ptop1">P₁</span> the share of resamples where the system ranks first. Bands
      group the systems in {props.sort} order that the resamples cannot tell apart (a band's first system ranks above the others in fewer than 95% of
      the resamples); a system alone in its band has a settled place.
    </p>
  );
}

function badgeMarkdown(origin: string, lb: Leaderboard, system: LeaderboardSystem, method: string): string {
  const bench = encodeURIComponent(lb.benchmark.slug);
  const badge = `${origin}/api/v1/benchmarks/${bench}/systems/${encodeURIComponent(system.slug)}/badge.svg?method=${encodeURIComponent(method)}`;
  // Markdown link text: brackets would end it early.
  const label = lb.benchmark.name.replace(/[[\]\\]/g, "\\$&");
  return `[![${label} rank](${badge})](${origin}/benchmarks/${bench})`;
}

function MethodSelector(props: { allMethods: readonly string[]; methods: string[]; sort: string; chartAll: boolean; rowsAll: boolean; uncertainty: boolean }) {
  const { allMethods, methods, sort, chartAll } = props;
  return (
    <form class="methods" method="get">
      <fieldset>
        <legend>Methods</legend>
        {allMethods.map((m) => (
          <label>
            <input type="checkbox" name="methods" value={m} checked={methods.includes(m)} /> {m}
          </label>
        ))}
      </fieldset>
      <div class="row">
        <label>
          Order by{" "}
          <select name="sort">
            {allMethods.map((m) => (
              <option value={m} selected={m === sort}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label title="Bootstrap: rank intervals, share of resamples ranked first, and tie groups">
          <input type="checkbox" name="uncertainty" value="bootstrap" checked={props.uncertainty} /> uncertainty (bootstrap)
        </label>
        {chartAll ? <input type="hidden" name="chart" value="all" /> : null}
        {props.rowsAll ? <input type="hidden" name="rows" value="all" /> : null}
        <button type="submit">Show</button>
      </div>
    </form>
  );
}

function TauMatrix(props: { leaderboard: Leaderboard }) {
  const { methods, agreement } = props.leaderboard;
  if (methods.length < 2) return <p class="muted">Select two or more methods to compare them.</p>;
  const tau = (a: string, b: string) => (a === b ? 1 : (agreement.kendallTau[a]?.[b] ?? null));
  return (
    <div class="scroll">
      <table class="tau">
        <thead>
          <tr>
            <th class="rowhead">τ</th>
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
                return <td title={t === null ? "undefined (a ranking is a single tie, or fewer than two systems)" : undefined}>{t === null ? "—" : t.toFixed(3)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KemenyNote(props: { leaderboard: Leaderboard }) {
  const k = props.leaderboard.kemeny;
  if (!k) return null;
  return (
    <p class="note">
      Kemeny: {k.exact ? "proven optimal" : "best order found within the time budget, not proven optimal"}; agreement{" "}
      {formatNumber(k.agreement)}
      {k.exact ? "" : ` (upper bound ${formatNumber(k.upperBound)})`}.
    </p>
  );
}

export function BenchmarkPage(props: BenchmarkPageProps) {
  const { leaderboard: lb, sort, origin, chartAll } = props;
  const rowsAll = props.rowsAll ?? false;
  const { methods, tasks } = lb;
  const reference = methods.includes("mean") ? "mean" : undefined;
  // Stable sort keeps the service's order (first method) among ties of the primary method.
  const rows = [...lb.systems].sort((a, b) => rankOf(a, sort) - rankOf(b, sort));
  const chartRows = chartAll ? rows : rows.slice(0, CHART_LIMIT);
  const tableRows = rowsAll ? rows : rows.slice(0, TABLE_LIMIT);
  /** This page's query with `change` applied (the "show all"/"show the top" links). */
  const pageLink = (change: { chart?: boolean; rows?: boolean }, anchor: string) => {
    const q = new URLSearchParams({ methods: methods.join(","), sort });
    if (lb.uncertainty) q.set("uncertainty", "bootstrap");
    if (change.chart ?? chartAll) q.set("chart", "all");
    if (change.rows ?? rowsAll) q.set("rows", "all");
    return `?${q.toString()}#${anchor}`;
  };
  const groups = tieGroupsOf(lb, sort);
  const apiQuery = `methods=${encodeURIComponent(methods.join(","))}${lb.uncertainty ? `&uncertainty=bootstrap&samples=${lb.uncertainty.samples}&seed=${lb.uncertainty.seed}` : ""}`;
  const hasSocialChoice = methods.some((m) => !isMeanFamily(m));
  return (
    <Layout title={`${lb.benchmark.name} · Podium`}>
      <h1>{lb.benchmark.name}</h1>
      <p class="muted">
        <code>{lb.benchmark.slug}</code> · revision {lb.benchmark.revision} · {lb.systems.length} systems · {tasks.length} tasks ·{" "}
        <a href={`/api/v1/benchmarks/${encodeURIComponent(lb.benchmark.slug)}/leaderboard?${apiQuery}`}>JSON</a> ·{" "}
        <a href={`/api/v1/benchmarks/${encodeURIComponent(lb.benchmark.slug)}/leaderboard?${apiQuery}&format=csv`}>CSV</a>
      </p>
      {props.ignored.length ? <p class="note">Ignored unknown method(s): {props.ignored.join(", ")}.</p> : null}
      <MethodSelector allMethods={props.allMethods} methods={methods} sort={sort} chartAll={chartAll} rowsAll={rowsAll} uncertainty={lb.uncertainty !== undefined} />

      <h2 id="leaderboard">Leaderboard</h2>
      <p class="muted">
        Ordered by <strong>{sort}</strong>. Rank under every method
        {reference && hasSocialChoice ? "; ▲/▼ mark where a social-choice method ranks a system higher/lower than the mean does" : ""}. Coverage: tasks
        scored of {tasks.length}.
      </p>
      <UncertaintyNote leaderboard={lb} sort={sort} />
      {rows.length > TABLE_LIMIT ? (
        <p class="muted">
          {rowsAll ? `All ${rows.length} systems. ` : `The top ${TABLE_LIMIT} of ${rows.length} systems by ${sort} (JSON and CSV have all). `}
          <a href={pageLink({ rows: !rowsAll }, "leaderboard")}>{rowsAll ? `Show the top ${TABLE_LIMIT}` : "Show all"}</a>
        </p>
      ) : null}
      <div class="scroll">
        <table class="leaderboard">
          <thead>
            <tr>
              <th class="name" scope="col">
                System
              </th>
              <th scope="col" title="tasks scored / tasks">
                Cov.
              </th>
              {methods.map((m) => (
                <th scope="col" class={m === sort ? "sorted" : undefined} data-method={m}>
                  {m}
                </th>
              ))}
              {tasks.map((t) => (
                <th scope="col" class="task" title={`${t.name}${t.metric ? ` (${t.metric})` : ""}: ${t.higherIsBetter ? "higher" : "lower"} is better, weight ${t.weight}`}>
                  {t.name}
                  {t.higherIsBetter ? "" : " ↓"}
                </th>
              ))}
              <th scope="col">Badge</th>
            </tr>
          </thead>
          <tbody>
            {tableRows.map((s) => {
              const g = groups.get(s.slug);
              const cls = g ? [`band-${g.group % 2}`, g.start && g.group > 0 ? "group-start" : "", g.size === 1 ? "settled" : ""].filter(Boolean).join(" ") : undefined;
              return (
                <tr data-system={s.slug} class={cls} data-tie-group={g ? g.group + 1 : undefined}>
                  <td class="name">
                    {s.url && /^https?:\/\//i.test(s.url) ? <a href={s.url} rel="nofollow noopener">{s.name}</a> : s.name}
                    <span class="slug">{s.slug}</span>
                  </td>
                  <td>
                    {Object.keys(s.scores).length}/{tasks.length}
                  </td>
                  {methods.map((m) => (
                    <RankCell system={s} method={m} reference={reference} sorted={m === sort} />
                  ))}
                  {tasks.map((t) => (
                    <td class="task">{formatNumber(s.scores[t.slug])}</td>
                  ))}
                  <td>
                    <details class="badge">
                      <summary>Markdown</summary>
                      <code>{badgeMarkdown(origin, lb, s, sort)}</code>
                    </details>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <KemenyNote leaderboard={lb} />
      {lb.agreement.condorcetWinner ? (
        <p class="muted">Condorcet winner: {lb.systems.find((s) => s.slug === lb.agreement.condorcetWinner)?.name ?? lb.agreement.condorcetWinner}</p>
      ) : (
        <p class="muted">No Condorcet winner.</p>
      )}

      <h2 id="agreement">Agreement between methods (Kendall τ-b)</h2>
      <TauMatrix leaderboard={lb} />

      <h2 id="slope">Rank across methods</h2>
      {rows.length > CHART_LIMIT ? (
        <p class="muted">
          {chartAll ? `All ${rows.length} systems. ` : `The top ${CHART_LIMIT} of ${rows.length} systems by ${sort}. `}
          <a href={pageLink({ chart: !chartAll }, "slope")}>{chartAll ? `Show the top ${CHART_LIMIT}` : "Show all"}</a>
        </p>
      ) : null}
      <div class="scroll">
        <SlopeChart methods={methods} systems={chartRows.map((s) => ({ slug: s.slug, name: s.name, ranks: methods.map((m) => rankOf(s, m)) }))} />
      </div>
    </Layout>
  );
}
