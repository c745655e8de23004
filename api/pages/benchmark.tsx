/**
 * `GET /benchmarks/{slug}`: the leaderboard. One compact line per system: its rank under the
 * primary method, name (linking to its page), metadata columns, coverage, score and rank under
 * each chosen method (movement against the mean, the bootstrap interval as a small bar when
 * uncertainty is on, tie groups as bands), then the task scores. The page scrolls sideways
 * with the header and the system column fixed (see assets/style.ts). Then the Kemeny note, the
 * rank shift from the mean to the consensus and the agreement heat map. Sorting, search and
 * filters are progressive enhancement (assets/script.ts); the page is complete without them.
 */
import type { Child } from "hono/jsx";
import type { Leaderboard, LeaderboardCell, LeaderboardSystem } from "../../service/leaderboard.ts";
import { AgreementHeatmap, RankShiftChart } from "./charts.tsx";
import { formatNumber } from "./format.ts";
import { Layout, Sheet } from "./layout.tsx";
import {
  benchmarkPath,
  consensusMethod,
  degenerateMethods,
  isMeanFamily,
  isWebUrl,
  kemenyShare,
  metadataColumns,
  metadataLink,
  metadataOf,
  metaLabel,
  metaText,
  rankOf,
  systemPath,
  taskRanks,
} from "./model.ts";

/**
 * Rows of the leaderboard table unless `?rows=all`: a row is ~1 KB with 3 methods and 20
 * tasks, so a 3,000-system table alone would be ~3 MB of HTML. JSON and CSV carry every system.
 */
export const TABLE_LIMIT = 500;

export interface BenchmarkPageProps {
  leaderboard: Leaderboard;
  /** Every method the selector offers at this level. */
  allMethods: readonly string[];
  /** Primary method: row order. */
  sort: string;
  /** Every system in the table (else the top TABLE_LIMIT). */
  rowsAll?: boolean;
  /** Ignored `methods`/`sort` values, shown as a note. */
  ignored: string[];
  /** A note shown above the table (e.g. why the level or the methods differ from the request). */
  notice?: string;
  /** More evidence after the agreement matrix (e.g. the pairwise heat map), when available. */
  evidence?: Child;
  /** `minCoverage` as asked (kept by the form). */
  minCoverage?: string;
}

/** A system the coverage policy left unranked (the service's `incomplete`: a leaderboard row without results). */
type Unranked = Omit<LeaderboardSystem, "results">;

/** The coverage policy's outcome, when the service applied one. */
function coverageOf(lb: Leaderboard): { incomplete: Unranked[]; requiredTasks: number | undefined } {
  const extra = lb as Leaderboard & { incomplete?: Unranked[]; coverage?: { requiredTasks?: number } };
  return { incomplete: Array.isArray(extra.incomplete) ? extra.incomplete : [], requiredTasks: extra.coverage?.requiredTasks };
}

function ratio(n: number, of: number): string {
  return `${n}/${of}`;
}

/**
 * The bootstrap interval [lo, hi] of a rank as a tiny bar centred on the rank (the dot), on one
 * scale per method: `spread` is the widest distance from a rank to an end of its interval on the
 * board, so every row of a column is drawn to the same number of pixels per rank.
 */
export function IntervalBar(props: { interval: [number, number]; rank: number; spread: number }) {
  const { interval, rank } = props;
  const W = 56;
  const mid = W / 2;
  const perRank = Math.min(4, (mid - 3) / Math.max(1, props.spread));
  // wider intervals than the scale's are clipped at the ends of the bar (their bounds are printed beside it)
  const lo = Math.max(1, mid - (rank - interval[0]) * perRank);
  const hi = Math.min(W - 1, mid + (interval[1] - rank) * perRank);
  return (
    <svg class="ibar" width={W} height={10} viewBox={`0 0 ${W} 10`} aria-hidden="true">
      <rect class="track" x={0} y={4} width={W} height={2} />
      <rect class="span" x={lo - 1} y={2} width={Math.max(2, hi - lo + 2)} height={6} rx={2} />
      <circle class="at" cx={mid} cy={5} r={2} />
    </svg>
  );
}

/**
 * Per method, IntervalBar's scale: the 90th percentile of the distance from a rank to the far
 * end of its bootstrap interval (at least 3), so a few very wide intervals do not flatten the rest.
 */
export function intervalSpreads(lb: Leaderboard): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of lb.methods) {
    const spreads: number[] = [];
    for (const s of lb.systems) {
      const c = s.results[m];
      if (c?.interval) spreads.push(Math.max(c.rank - c.interval[0], c.interval[1] - c.rank));
    }
    spreads.sort((a, b) => a - b);
    out.set(m, Math.max(3, spreads[Math.floor(0.9 * (spreads.length - 1))] ?? 0));
  }
  return out;
}

function intervalText(iv: [number, number]): string {
  return iv[0] === iv[1] ? `${iv[0]}` : `${iv[0]}–${iv[1]}`;
}

function MethodCell(props: { system: LeaderboardSystem; method: string; reference: string | undefined; spread: number; degenerate: boolean }) {
  const { system, method, reference } = props;
  const cell: LeaderboardCell | undefined = system.results[method];
  const rank = cell?.rank;
  const ref = reference ? system.results[reference]?.rank : undefined;
  // A method that ties most systems has no meaningful moves ("9 ▲48" all the way down): none shown.
  const delta = rank !== undefined && ref !== undefined && !isMeanFamily(method) && !props.degenerate ? ref - rank : 0;
  return (
    <td class="m" data-v={rank ?? ""}>
      <span class="rk">{rank ?? "—"}</span>
      <span
        class={delta > 0 ? "mv up" : delta < 0 ? "mv down" : "mv"}
        title={delta !== 0 ? `${Math.abs(delta)} place${Math.abs(delta) === 1 ? "" : "s"} ${delta > 0 ? "higher" : "lower"} than under ${reference} (#${ref})` : undefined}
      >
        {delta > 0 ? `▲${delta}` : delta < 0 ? `▼${-delta}` : ""}
      </span>
      {cell?.score !== undefined && method !== "kemeny" ? <span class="sc">{formatNumber(cell.score, 3)}</span> : null}
      {cell?.interval && rank !== undefined ? (
        <>
          <IntervalBar interval={cell.interval} rank={rank} spread={props.spread} />
          <span class="iv" title={`95% bootstrap interval of the ${method} rank`}>
            {intervalText(cell.interval)}
          </span>
        </>
      ) : null}
    </td>
  );
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
      Bootstrap over {u.samples} resamples of the {u.level === "instance" ? "instances within each task" : "tasks"} (seed {u.seed}): the bar and{" "}
      <span class="iv">lo–hi</span> show the 95% interval of each rank (2.5th–97.5th percentile) around the rank (the dot), on one scale per column. Bands group the systems, in{" "}
      {props.sort} order, that the resamples cannot tell apart.
    </p>
  );
}

export function LevelSwitch(props: { lb: Leaderboard; path?: string }) {
  const { lb } = props;
  const base = props.path ?? benchmarkPath(lb);
  return (
    <span class="levels">
      <span class="muted">Level: </span>
      {lb.level === "task" ? <strong aria-current="page">task</strong> : <a href={`${base}?level=task`}>task</a>}
      {lb.level === "instance" ? <strong aria-current="page">instance</strong> : <a href={`${base}?level=instance`}>instance</a>}
    </span>
  );
}

function OptionsForm(props: { lb: Leaderboard; allMethods: readonly string[]; sort: string; rowsAll: boolean; minCoverage?: string }) {
  const { lb, allMethods, sort } = props;
  return (
    <form class="options" method="get" action={benchmarkPath(lb)}>
      <input type="hidden" name="level" value={lb.level} />
      <fieldset>
        <legend>Methods</legend>
        {allMethods.map((m) => (
          <label>
            <input type="checkbox" name="methods" value={m} checked={lb.methods.includes(m)} /> {m}
          </label>
        ))}
      </fieldset>
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
      <label>
        <input type="checkbox" name="uncertainty" value="bootstrap" checked={lb.uncertainty !== undefined} /> rank intervals (bootstrap)
      </label>
      <label>
        Rank only systems with at least{" "}
        <input type="text" name="minCoverage" inputmode="decimal" size={5} pattern="\d{1,6}|\d?\.\d{1,12}" value={props.minCoverage ?? ""} placeholder="9 or 0.5" aria-describedby="coverage-help" /> tasks
        <span id="coverage-help" class="muted"> (a number of tasks, or a share such as 0.5)</span>
      </label>
      {props.rowsAll ? <input type="hidden" name="rows" value="all" /> : null}
      <button type="submit">Show</button>
    </form>
  );
}

/** Search, coverage and metadata filters: hidden until the script shows them (they need it). */
function Filters(props: { lb: Leaderboard; columns: string[]; values: Map<string, string[]> }) {
  const { lb, columns, values } = props;
  const tasks = lb.tasks.length;
  return (
    <form class="filters" id="filters" hidden role="search" aria-label="Filter the leaderboard">
      <label>
        Search <input type="search" name="q" placeholder="system name" autocomplete="off" />
      </label>
      {tasks > 1 ? (
        <label>
          Coverage{" "}
          <select name="coverage">
            <option value="">any</option>
            {Array.from({ length: tasks - 1 }, (_, i) => tasks - i).map((k) => (
              <option value={String(k)}>{k === tasks ? `all ${tasks} tasks` : `≥ ${k} tasks`}</option>
            ))}
          </select>
        </label>
      ) : null}
      {columns
        .filter((c) => (values.get(c)?.length ?? 0) > 1)
        .map((c) => (
          <label>
            {metaLabel(c)}{" "}
            <select data-meta={c}>
              <option value="">any</option>
              {values.get(c)!.map((v) => (
                <option value={v}>{v}</option>
              ))}
            </select>
          </label>
        ))}
      <span id="count" class="count" aria-live="polite"></span>
    </form>
  );
}

/** Every value of a metadata column is a number (sorted as numbers, largest first). */
function numericColumn(lb: Leaderboard, column: string): boolean {
  let any = false;
  for (const s of lb.systems) {
    const v = metadataOf(s)[column];
    if (v === undefined) continue;
    if (typeof v !== "number") return false;
    any = true;
  }
  return any;
}

/** Distinct display values per metadata column (only columns with at most 30, for the filters). */
function metadataValues(lb: Leaderboard, columns: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of columns) {
    const seen = new Set<string>();
    for (const s of lb.systems) {
      const v = metadataOf(s)[c];
      if (v !== undefined) seen.add(metaText(v));
    }
    if (seen.size <= 30) out.set(c, [...seen].sort((a, b) => a.localeCompare(b, "en", { numeric: true })));
  }
  return out;
}

/** 67534 -> "67,534" (at most 2 decimals). */
const grouped = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 2 });

function KemenyNote(props: { leaderboard: Leaderboard }) {
  const share = kemenyShare(props.leaderboard);
  if (!share) return null;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  // The service says when adjacent systems of the order have zero margin (`swappable`), when it does.
  const k = props.leaderboard.kemeny as (Leaderboard["kemeny"] & { swappable?: [string, string][] }) | undefined;
  const swaps = Array.isArray(k?.swappable) ? k.swappable : [];
  const names = new Map(props.leaderboard.systems.map((s) => [s.slug, s.name]));
  const nameOf = (slug: string) => names.get(slug) ?? slug;
  return (
    <p class="note" id="kemeny">
      Kemeny agreement: <strong>{pct(share.share)} of its maximum</strong>. The Kemeny order agrees with {grouped(share.agreement)} of the{" "}
      {grouped(share.comparisons)} weighted pairwise task comparisons (one per task and pair of systems it scores, times the task's weight; a
      tie counts half to each side). 100% would mean every task ranks the systems in that same order.{" "}
      {share.exact
        ? "The order is proven optimal."
        : `Best order found within the time budget, not proven optimal (no order can exceed ${pct(share.upperBound / share.comparisons)}).`}
      {swaps.length ? ` The optimum is not unique: ${swaps.length} adjacent pair${swaps.length === 1 ? "" : "s"} of the order can swap at no loss (${swaps.slice(0, 5).map(([a, b]) => `${nameOf(a)} ↔ ${nameOf(b)}`).join(", ")}${swaps.length > 5 ? ", …" : ""}).` : ""}
    </p>
  );
}

/** The systems the coverage policy left out of the ranking, with their coverage and scores. */
function Unranked(props: { lb: Leaderboard }) {
  const { lb } = props;
  const { incomplete, requiredTasks } = coverageOf(lb);
  if (incomplete.length === 0) return null;
  return (
    <Sheet>
      <h2 id="unranked">Not ranked: below the coverage policy</h2>
      <p class="muted">
        {incomplete.length} system{incomplete.length === 1 ? "" : "s"} scored on fewer than {requiredTasks ?? "the required number of"} of {lb.tasks.length} tasks.
      </p>
      <div class="scroll" tabindex={0} role="region" aria-label="Systems not ranked">
        <table class="plain" id="unranked-table">
          <thead>
            <tr>
              <th scope="col" class="l">
                System
              </th>
              <th scope="col">Cov.</th>
              {lb.tasks.map((t) => (
                <th scope="col">{t.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {incomplete.map((s) => (
              <tr data-system={s.slug}>
                <td class="l">{s.name}</td>
                <td>
                  {s.coverage}/{lb.tasks.length}
                </td>
                {lb.tasks.map((t) => (
                  <td>{formatNumber(s.scores?.[t.slug])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Sheet>
  );
}

export function BenchmarkPage(props: BenchmarkPageProps) {
  const { leaderboard: lb, sort } = props;
  const rowsAll = props.rowsAll ?? false;
  const { methods, tasks } = lb;
  const reference = methods.includes("mean") ? "mean" : undefined;
  // Stable sort keeps the service's order (first method) among ties of the primary method.
  const rows = [...lb.systems].sort((a, b) => rankOf(a, sort) - rankOf(b, sort));
  const tableRows = rowsAll ? rows : rows.slice(0, TABLE_LIMIT);
  const groups = tieGroupsOf(lb, sort);
  const columns = metadataColumns(lb);
  const values = metadataValues(lb, columns);
  const perTask = taskRanks(lb);
  const n = lb.systems.length;
  const level = lb.level;
  const apiBase = `/api/v1/benchmarks/${encodeURIComponent(lb.benchmark.slug)}/leaderboard`;
  const apiQuery = `methods=${encodeURIComponent(methods.join(","))}${level === "instance" ? "&level=instance" : ""}${lb.uncertainty ? `&uncertainty=bootstrap&samples=${lb.uncertainty.samples}&seed=${lb.uncertainty.seed}` : ""}${props.minCoverage ? `&minCoverage=${encodeURIComponent(props.minCoverage)}` : ""}`;
  const hasSocialChoice = methods.some((m) => !isMeanFamily(m));
  const consensus = consensusMethod(methods);
  const degenerate = degenerateMethods(lb);
  const spreads = intervalSpreads(lb);
  const pageQuery = (rows: boolean) => {
    const q = new URLSearchParams({ level, methods: methods.join(","), sort });
    if (lb.uncertainty) q.set("uncertainty", "bootstrap");
    if (props.minCoverage) q.set("minCoverage", props.minCoverage);
    if (rows) q.set("rows", "all");
    return `?${q.toString()}#leaderboard`;
  };
  const header: Child[] = [
    <th scope="col" class="pos" data-sort="num" data-dir="asc" data-server-order="">
      #<span class="visually-hidden"> rank by {sort}</span>
    </th>,
    <th scope="col" class="sys" data-sort="text">
      System
    </th>,
    ...columns.map((c) => (
      <th scope="col" class="meta" data-sort={numericColumn(lb, c) ? "num" : "text"} data-dir={numericColumn(lb, c) ? "desc" : "asc"}>
        {metaLabel(c)}
      </th>
    )),
    <th scope="col" class="cov" data-sort="num" data-dir="desc" title={`tasks scored of ${tasks.length}`}>
      Cov.
    </th>,
    ...methods.map((m) => (
      <th scope="col" class={m === sort ? "m sorted" : "m"} data-method={m} data-sort="num" data-dir="asc" title={`${m}: rank, then score`}>
        {m}
        {degenerate.has(m) ? "*" : ""}
      </th>
    )),
    ...tasks.map((t, i) => (
      <th
        scope="col"
        class={i === 0 ? "task first-task" : "task"}
        data-task={t.slug}
        data-sort="num"
        data-dir={t.higherIsBetter ? "desc" : "asc"}
        title={`${t.name}${t.metric ? ` (${t.metric})` : ""}: ${t.higherIsBetter ? "higher" : "lower"} is better, weight ${t.weight}`}
      >
        {t.name}
        {t.higherIsBetter ? "" : " ↓"}
      </th>
    )),
  ];
  return (
    <Layout title={`${lb.benchmark.name} · Podium`} description={`Leaderboard of ${lb.benchmark.name}: ${n} systems ranked by ${methods.join(", ")}.`}>
      <Sheet>
        <h1>{lb.benchmark.name}</h1>
        <p class="muted">
          <code>{lb.benchmark.slug}</code> · {n} systems · {tasks.length} tasks · revision {lb.benchmark.revision} ·{" "}
          <a href={`${apiBase}?${apiQuery}`}>JSON</a> · <a href={`${apiBase}?${apiQuery}&format=csv`}>CSV</a> · <LevelSwitch lb={lb} />
        </p>
        {props.notice ? <p class="note">{props.notice}</p> : null}
        {props.ignored.length ? <p class="note">Ignored unknown method(s): {props.ignored.join(", ")}.</p> : null}
        <OptionsForm lb={lb} allMethods={props.allMethods} sort={sort} rowsAll={rowsAll} minCoverage={props.minCoverage} />
        <h2 id="leaderboard" class="visually-hidden">
          Leaderboard
        </h2>
        <p class="muted small">
          Ordered by <strong>{sort}</strong> ({level} level). Method columns: rank
          {reference && hasSocialChoice ? ", move against the mean (▲/▼)" : ""}, score. Task scores
          {level === "instance" ? " (each task's mean over its instances)" : ""}: best in bold. Cov.: tasks scored of {tasks.length}.
        </p>
        {[...degenerate].map(([m, d]) => (
          <p class="note">
            * {m} ties {d.size} of {n} systems at rank {d.rank}: it hardly orders this board, so its moves against the mean are not shown.
          </p>
        ))}
        <UncertaintyNote leaderboard={lb} sort={sort} />
        {rows.length > TABLE_LIMIT ? (
          <p class="muted">
            {rowsAll ? `All ${rows.length} systems. ` : `The top ${TABLE_LIMIT} of ${rows.length} systems by ${sort} (JSON and CSV have all). `}
            <a href={pageQuery(!rowsAll)}>{rowsAll ? `Show the top ${TABLE_LIMIT}` : "Show all"}</a>
          </p>
        ) : null}
        <Filters lb={lb} columns={columns} values={values} />
      </Sheet>
      {n === 0 ? (
        <Sheet>
          <p class="note">
            No system has {level}-level scores yet.
            {level === "task" ? " If this benchmark has instance-level scores, see the instance level." : ""}
          </p>
        </Sheet>
      ) : (
        <div class="board">
          <table class="lb" id="lb">
            <caption class="visually-hidden">
              {lb.benchmark.name}: {n} systems ranked by {methods.join(", ")}
            </caption>
            <thead>
              <tr>{header}</tr>
            </thead>
            <tbody>
              {tableRows.map((s) => {
                const g = groups.get(s.slug);
                const cls = g ? [`band-${g.group % 2}`, g.start && g.group > 0 ? "group-start" : "", g.size === 1 ? "settled" : ""].filter(Boolean).join(" ") : undefined;
                const meta = metadataOf(s);
                const link = isWebUrl(s.url) ? s.url : metadataLink(s);
                const shownMeta: Record<string, string> = {};
                for (const c of columns) if (meta[c] !== undefined) shownMeta[c] = metaText(meta[c]);
                return (
                  <tr
                    data-system={s.slug}
                    class={cls}
                    data-tie-group={g ? g.group + 1 : undefined}
                    data-name={`${s.name} ${s.slug}`.toLowerCase()}
                    data-cov={s.coverage}
                    data-meta={columns.length ? JSON.stringify(shownMeta) : undefined}
                  >
                    <td class="pos" data-v={rankOf(s, sort)}>
                      {s.results[sort]?.rank ?? "—"}
                    </td>
                    <td class="sys" data-v={s.name} title={s.name === s.slug ? s.name : `${s.name} (${s.slug})`}>
                      <a class="nm" href={systemPath(lb, s.slug, level)}>
                        {s.name}
                      </a>
                      {link ? (
                        <a class="ext" href={link} rel="nofollow noopener" aria-label={`${s.name}: website`}>
                          ↗
                        </a>
                      ) : null}
                    </td>
                    {columns.map((c) => (
                      <td class="meta" data-v={shownMeta[c] ?? ""}>
                        <span>{shownMeta[c] ?? ""}</span>
                      </td>
                    ))}
                    <td class="cov" data-v={s.coverage}>
                      {ratio(s.coverage, tasks.length)}
                    </td>
                    {methods.map((m) => (
                      <MethodCell system={s} method={m} reference={reference} spread={spreads.get(m) ?? 1} degenerate={degenerate.has(m)} />
                    ))}
                    {tasks.map((t, i) => {
                      const v = s.scores[t.slug];
                      const best = perTask.get(t.slug)?.ranks.get(s.slug)?.rank === 1;
                      const cls = [i === 0 ? "task first-task" : "task", best ? "best" : ""].filter(Boolean).join(" ");
                      return (
                        <td class={cls} data-v={Number.isFinite(v) ? v : ""}>
                          {formatNumber(v)}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Unranked lb={lb} />
      <Sheet>
        <KemenyNote leaderboard={lb} />
        {n > 0 ? (
          lb.agreement.condorcetWinner ? (
            <p class="muted">
              Condorcet winner (beats every other system head to head):{" "}
              {lb.systems.find((s) => s.slug === lb.agreement.condorcetWinner)?.name ?? lb.agreement.condorcetWinner}.
            </p>
          ) : (
            <p class="muted">No Condorcet winner.</p>
          )
        ) : null}
        <h2 id="shift">Rank shift: mean → {consensus ?? "consensus"}</h2>
        {reference && consensus && n > 0 ? (
          <>
            <p class="muted">
              The systems whose rank changes most between the mean of the task scores and the {consensus} consensus (▲ up, ▼ down).
            </p>
            <div class="scroll" tabindex={0} role="region" aria-label={`Rank shift from mean to ${consensus}`}>
              <RankShiftChart lb={lb} from="mean" to={consensus} />
            </div>
          </>
        ) : (
          <p class="muted">Select mean and a consensus method (kemeny{level === "instance" ? ", borda2" : ""} or borda) to see who moves.</p>
        )}
        <h2 id="agreement">Agreement between methods (Kendall τ-b)</h2>
        <p class="muted">1 = the two methods order the systems identically, 0 = unrelated orders, −1 = reversed.</p>
        <AgreementHeatmap lb={lb} />
        {props.evidence ? (
          <section id="evidence" aria-label="Pairwise evidence">
            {props.evidence}
          </section>
        ) : null}
      </Sheet>
    </Layout>
  );
}
