/**
 * `GET /benchmarks/{slug}/systems/{system}`: one system on one benchmark. Its metadata and
 * links, its rank under every method of the level (with the bootstrap interval when asked), its
 * score and rank on each task, a slot for its pairwise record (`pairwise`), its submission
 * history and the badge snippets (Markdown and HTML, with the public URL).
 */
import type { Child } from "hono/jsx";
import type { Leaderboard, LeaderboardSystem } from "../../service/leaderboard.ts";
import { IntervalBar, intervalSpreads, LevelSwitch } from "./benchmark.tsx";
import { formatNumber } from "./format.ts";
import { Layout, Sheet } from "./layout.tsx";
import { badgeHtml, badgeMarkdown, badgeUrl, benchmarkPath, isMeanFamily, isWebUrl, metadataOf, metaLabel, metaText, systemPath, taskRanks } from "./model.ts";

/** A past submission (task level) or upload (instance level) of the system. */
export interface HistoryItem {
  id: number;
  createdAt: string;
  /** Task slug -> score (task-level submissions). */
  scores?: Record<string, number>;
  /** Rows of an instance upload. */
  rows?: number;
  retractedAt?: string | null;
  reason?: string | null;
}

export interface SystemPageProps {
  leaderboard: Leaderboard;
  system: LeaderboardSystem;
  history: HistoryItem[];
  /** `https://host` for the badge snippets (or "" for root-relative URLs). */
  origin: string;
  /** The badge method (default borda; borda2 at instance level). */
  badgeMethod: string;
  /** The pairwise record against the other systems, when the evidence is available. */
  pairwise?: Child;
}

function when(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
}

export function SystemPage(props: SystemPageProps) {
  const { leaderboard: lb, system: s, origin, badgeMethod } = props;
  const n = lb.systems.length;
  const perTask = taskRanks(lb);
  const spreads = intervalSpreads(lb);
  const meta = metadataOf(s);
  const metaKeys = Object.keys(meta);
  const title = `${s.name} on ${lb.benchmark.name}`;
  const reference = lb.methods.includes("mean") ? "mean" : undefined;
  const markdown = badgeMarkdown(origin, lb, s.slug, badgeMethod);
  const html = badgeHtml(origin, lb, s.slug, badgeMethod);
  const path = systemPath(lb, s.slug);
  return (
    <Layout title={`${title} · Podium`} description={`${s.name}: scores and ranks on ${lb.benchmark.name}.`}>
      <Sheet>
        <p class="muted">
          <a href={`${benchmarkPath(lb)}${lb.level === "instance" ? "?level=instance" : ""}`}>{lb.benchmark.name}</a> › system
        </p>
        <h1>{s.name}</h1>
        <p class="muted">
          <code>{s.slug}</code> · {s.coverage}/{lb.tasks.length} tasks scored · {lb.level} level
          {isWebUrl(s.url) ? (
            <>
              {" · "}
              <a href={s.url} rel="nofollow noopener">
                {s.url}
              </a>
            </>
          ) : null}
        </p>
        <p>
          <LevelSwitch lb={lb} path={path} />
        </p>
        {metaKeys.length ? (
          <dl class="meta">
            {metaKeys.map((k) => {
              const v = meta[k];
              return (
                <>
                  <dt>{metaLabel(k)}</dt>
                  <dd>
                    {typeof v === "string" && isWebUrl(v) ? (
                      <a href={v} rel="nofollow noopener">
                        {v}
                      </a>
                    ) : (
                      metaText(v)
                    )}
                  </dd>
                </>
              );
            })}
          </dl>
        ) : null}

        <h2 id="ranks">Rank under every method</h2>
        <div class="scroll" tabindex={0} role="region" aria-label="Rank under every method">
          <table class="plain" id="ranks-table">
            <thead>
              <tr>
                <th scope="col" class="l">
                  Method
                </th>
                <th scope="col">Rank</th>
                <th scope="col">Score</th>
                {lb.uncertainty ? (
                  <>
                    <th scope="col">95% interval</th>
                    <th scope="col">P(first)</th>
                  </>
                ) : null}
                <th scope="col">vs mean</th>
              </tr>
            </thead>
            <tbody>
              {lb.methods.map((m) => {
                const cell = s.results[m];
                const ref = reference ? s.results[reference]?.rank : undefined;
                const delta = cell && ref !== undefined && !isMeanFamily(m) ? ref - cell.rank : 0;
                return (
                  <tr data-method={m}>
                    <th scope="row" class="l">
                      {m}
                    </th>
                    <td>
                      {cell ? `#${cell.rank}` : "—"} <span class="muted">of {n}</span>
                    </td>
                    <td>{cell && m !== "kemeny" ? formatNumber(cell.score, 4) : "—"}</td>
                    {lb.uncertainty ? (
                      <>
                        <td>
                          {cell?.interval ? (
                            <>
                              {cell.interval[0] === cell.interval[1] ? cell.interval[0] : `${cell.interval[0]}–${cell.interval[1]}`}
                              <IntervalBar interval={cell.interval} rank={cell.rank} spread={spreads.get(m) ?? 1} />
                            </>
                          ) : (
                            "—"
                          )}
                        </td>
                        <td>{cell?.pTop1 !== undefined ? `${formatNumber(cell.pTop1 * 100, 1)}%` : "—"}</td>
                      </>
                    ) : null}
                    <td>{delta > 0 ? <span class="up">▲{delta}</span> : delta < 0 ? <span class="down">▼{-delta}</span> : <span class="muted">=</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {lb.uncertainty ? null : (
          <p class="muted">
            <a href={`${path}?level=${lb.level}&uncertainty=bootstrap`}>Show rank intervals (bootstrap)</a>
          </p>
        )}

        <h2 id="tasks">Scores per task</h2>
        <div class="scroll" tabindex={0} role="region" aria-label="Scores per task">
          <table class="plain" id="tasks-table">
            <thead>
              <tr>
                <th scope="col" class="l">
                  Task
                </th>
                <th scope="col">Score</th>
                <th scope="col">Rank on task</th>
                <th scope="col">Best score</th>
              </tr>
            </thead>
            <tbody>
              {lb.tasks.map((t) => {
                const v = s.scores[t.slug];
                const r = perTask.get(t.slug);
                const mine = r?.ranks.get(s.slug);
                return (
                  <tr data-task={t.slug}>
                    <th scope="row" class="l">
                      {t.name}
                      {t.higherIsBetter ? "" : " ↓"}
                      {t.metric ? <span class="muted"> ({t.metric})</span> : null}
                    </th>
                    <td>{formatNumber(v, 4)}</td>
                    <td>{mine ? `#${mine.rank} of ${mine.of}` : "not scored"}</td>
                    <td>{formatNumber(r?.best, 4)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {lb.level === "instance" ? <p class="muted">Instance level: a task's score is the mean of the system's scores on its instances.</p> : null}

        {props.pairwise ? (
          <section id="pairwise" aria-label="Pairwise record">
            {props.pairwise}
          </section>
        ) : null}

        <h2 id="history">{lb.level === "instance" ? "Uploads" : "Submission history"}</h2>
        {props.history.length === 0 ? (
          <p class="muted">No history recorded.</p>
        ) : (
          <div class="scroll" tabindex={0} role="region" aria-label="Submission history">
            <table class="plain" id="history-table">
              <thead>
                <tr>
                  <th scope="col" class="l">
                    {lb.level === "instance" ? "Upload" : "Submission"}
                  </th>
                  <th scope="col" class="l">
                    Time
                  </th>
                  <th scope="col">{lb.level === "instance" ? "Rows" : "Tasks"}</th>
                  <th scope="col" class="l">
                    Status
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.history.map((h) => (
                  <tr data-submission={h.id}>
                    <td class="l">#{h.id}</td>
                    <td class="l">{when(h.createdAt)}</td>
                    <td>{h.rows !== undefined ? h.rows : h.scores ? Object.keys(h.scores).length : "—"}</td>
                    <td class="l">
                      {h.retractedAt
                        ? `retracted ${when(h.retractedAt)}${h.reason ? `: ${h.reason}` : ""}`
                        : h.id === s.submissionId
                          ? "on the leaderboard"
                          : "superseded"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}

        <h2 id="badge">Badge</h2>
        <p>
          <img class="badge" src={badgeUrl("", lb, s.slug, badgeMethod)} alt={`${lb.benchmark.name} rank badge (${badgeMethod})`} height="20" />
        </p>
        <p class="muted">Markdown:</p>
        {/* prettier-ignore */}
        <pre><code id="badge-markdown">{markdown}</code></pre>
        <p class="muted">HTML:</p>
        {/* prettier-ignore */}
        <pre><code id="badge-html">{html}</code></pre>
        <p class="muted">
          Another method: change <code>method=</code> in the badge URL ({lb.methods.join(", ")}), or open this page with{" "}
          <code>?method=</code> for its snippets.
        </p>
      </Sheet>
    </Layout>
  );
}
