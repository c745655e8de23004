/** `GET /`: what Podium is, and every benchmark. */
import type { BenchmarkListing } from "../../service/index.ts";
import { Layout, Sheet } from "./layout.tsx";

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

export function HomePage(props: { benchmarks: BenchmarkListing[] }) {
  const { benchmarks } = props;
  return (
    <Layout title="Podium · leaderboards for ML benchmarks" description="Leaderboards for ML benchmarks, ranked by the mean and by social-choice aggregations side by side.">
      <Sheet>
      <h1>Podium</h1>
      <p>
        Leaderboards for ML benchmarks that rank systems by the mean of their task scores <em>and</em> by social-choice
        aggregations (Borda, Copeland, Kemeny, ...) side by side, so you can see when "who is best" depends on how you
        aggregate.
      </p>
      <p class="muted">
        API: <a href="/docs">interactive reference</a> · <a href="/openapi.json">OpenAPI 3.1 description</a>
      </p>
      <h2>Benchmarks</h2>
      {benchmarks.length === 0 ? (
        <p class="muted">
          No benchmarks yet. Create one with <code>POST /api/v1/benchmarks</code> or import a CSV with{" "}
          <code>npx podium import FILE.csv --benchmark SLUG --create</code>.
        </p>
      ) : (
        <ul class="benchmarks">
          {benchmarks.map((b) => (
            <li>
              <a class="title" href={`/benchmarks/${encodeURIComponent(b.slug)}`}>
                {b.name}
              </a>{" "}
              <span class="muted">
                <code>{b.slug}</code> · {plural(b.systemCount, "system")} · {plural(b.taskCount, "task")} · revision{" "}
                {b.revision}
              </span>
              {b.description ? <p>{b.description}</p> : null}
            </li>
          ))}
        </ul>
      )}
      </Sheet>
    </Layout>
  );
}
