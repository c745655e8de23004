/**
 * `podium import FILE.csv --benchmark SLUG ...`: load a wide CSV (`system,<task>,...`) into a
 * running Podium server over its REST API: optionally create the benchmark (tasks from the
 * header), then post every system as ONE bulk submission (all or nothing).
 */
import { readFileSync } from "node:fs";
import { commaList, parseFlags, UsageError } from "./args.ts";
import { CsvError, parseWideCsv, slugify, slugifyAll, type WideTable } from "./csv.ts";

const USAGE = `usage: podium import FILE.csv --benchmark SLUG [--create] [--name NAME] [--lower-is-better t1,t2]
                    [--url URL] [--token TOKEN]
  --benchmark SLUG         benchmark to load into
  --create                 create the benchmark first (tasks from the CSV header; needs an admin
                           token); an existing benchmark is kept
  --name NAME              benchmark name with --create (default: SLUG)
  --lower-is-better t1,t2  with --create: tasks where lower scores are better (header names or slugs)
  --url URL                server (default: $PODIUM_URL or http://localhost:3000)
  --token TOKEN            admin or benchmark token (default: $PODIUM_TOKEN)
System slugs are derived from the names in the first column; the names are kept.
`;

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_SUBMISSIONS = 10_000;

interface ImportArgs {
  file: string;
  benchmark: string;
  create: boolean;
  name?: string;
  lower: string[];
  url: string;
  token: string;
}

function parseArgs(args: string[], env: NodeJS.ProcessEnv): ImportArgs | "help" {
  const p = parseFlags(args, { values: ["--benchmark", "--name", "--lower-is-better", "--url", "--token"], switches: ["--create"] });
  if (p.help) return "help";
  const one = (flag: string): string | undefined => {
    const v = p.values.get(flag);
    if (v && v.length > 1) throw new UsageError(`${flag} given more than once`);
    return v?.[0];
  };
  if (p.positional.length !== 1) throw new UsageError(p.positional.length ? "give exactly one CSV file" : "missing FILE.csv");
  const benchmark = one("--benchmark");
  if (!benchmark) throw new UsageError("--benchmark SLUG is required");
  if (!SLUG.test(benchmark)) throw new UsageError(`--benchmark "${benchmark}" is not a slug (^[a-z0-9][a-z0-9._-]{0,63}$)`);
  const create = p.switches.has("--create");
  const name = one("--name");
  const lower = (p.values.get("--lower-is-better") ?? []).flatMap(commaList);
  if (!create && (name !== undefined || lower.length)) throw new UsageError("--name and --lower-is-better only apply with --create");
  const url = (one("--url") ?? env.PODIUM_URL ?? "http://localhost:3000").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/i.test(url)) throw new UsageError(`--url must be an http(s) URL (got "${url}")`);
  const token = one("--token") ?? env.PODIUM_TOKEN;
  if (!token) throw new UsageError("a token is required: --token TOKEN or PODIUM_TOKEN");
  return { file: p.positional[0], benchmark, create, name, lower, url, token };
}

/** A failed request, with the server's error envelope message when it sent one. */
class ServerError extends Error {}

interface ApiTask {
  slug: string;
  name: string;
}

function client(base: string, token: string) {
  return async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ServerError(`cannot reach ${base}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T };
  };
}

/** `409 conflict: benchmark slug "glue" is taken` plus up to 5 field details. */
function describeFailure(what: string, status: number, body: unknown): string {
  const err = (body as { error?: { code?: string; message?: string; details?: { field?: string; message?: string }[] } } | undefined)?.error;
  if (!err) return `${what} failed: HTTP ${status}`;
  const lines = [`${what} failed: ${status} ${err.code ?? "error"}: ${err.message ?? ""}`];
  const details = Array.isArray(err.details) ? err.details : [];
  for (const d of details.slice(0, 5)) lines.push(`  ${d.field ?? "?"}: ${d.message ?? ""}`);
  if (details.length > 5) lines.push(`  ... and ${details.length - 5} more`);
  return lines.join("\n");
}

/** CSV header -> task slug of the benchmark (exact slug, slug of the header, or task name). */
function mapTasks(header: string[], tasks: ApiTask[]): { map: Map<string, string>; unknown: string[] } {
  const map = new Map<string, string>();
  const unknown: string[] = [];
  for (const h of header) {
    const task = tasks.find((t) => t.slug === h) ?? tasks.find((t) => t.slug === slugify(h)) ?? tasks.find((t) => t.name === h);
    if (task) map.set(h, task.slug);
    else unknown.push(h);
  }
  return { map, unknown };
}

function newBenchmarkBody(a: ImportArgs, wide: WideTable) {
  const slugs = slugifyAll(wide.tasks);
  const isLower = (header: string, slug: string) => a.lower.includes(header) || a.lower.includes(slug);
  const unknown = a.lower.filter((l) => !wide.tasks.includes(l) && !slugs.includes(l));
  if (unknown.length) throw new UsageError(`--lower-is-better: unknown task(s) ${unknown.join(", ")}; the CSV has: ${wide.tasks.join(", ")}`);
  return {
    slug: a.benchmark,
    name: a.name ?? a.benchmark,
    tasks: wide.tasks.map((header, i) => ({ slug: slugs[i], name: header, higherIsBetter: !isLower(header, slugs[i]) })),
  };
}

export async function runImport(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fail = (msg: string, code: number): number => {
    process.stderr.write(`podium import: ${msg}\n`);
    return code;
  };
  let a: ImportArgs;
  let wide: WideTable;
  try {
    const parsed = parseArgs(args, env);
    if (parsed === "help") {
      process.stdout.write(USAGE);
      return 0;
    }
    a = parsed;
    let text: string;
    try {
      text = readFileSync(a.file, "utf8");
    } catch (e) {
      return fail(`cannot read ${a.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
    }
    wide = parseWideCsv(text);
  } catch (e) {
    if (e instanceof UsageError) return fail(`${e.message}\n\n${USAGE}`, 2);
    if (e instanceof CsvError) return fail(`bad CSV: ${e.message}`, 2);
    throw e;
  }

  const call = client(a.url, a.token);
  try {
    if (a.create) {
      let body;
      try {
        body = newBenchmarkBody(a, wide);
      } catch (e) {
        if (e instanceof UsageError) return fail(e.message, 2);
        throw e;
      }
      const created = await call("POST", "/api/v1/benchmarks", body);
      if (created.status === 201) process.stderr.write(`created benchmark ${a.benchmark} with ${body.tasks.length} tasks\n`);
      else if (created.status === 409) process.stderr.write(`benchmark ${a.benchmark} already exists; adding submissions to it\n`);
      else return fail(describeFailure(`creating benchmark ${a.benchmark}`, created.status, created.body), 1);
    }

    const bench = `/api/v1/benchmarks/${encodeURIComponent(a.benchmark)}`;
    const info = await call<{ tasks: ApiTask[] }>("GET", bench);
    if (info.status !== 200) return fail(describeFailure(`reading benchmark ${a.benchmark}`, info.status, info.body), 1);
    const { map, unknown } = mapTasks(wide.tasks, info.body.tasks);
    if (unknown.length) return fail(`the CSV has task(s) ${unknown.join(", ")} that benchmark ${a.benchmark} does not (it has ${info.body.tasks.map((t) => t.slug).join(", ")})`, 1);

    const slugs = slugifyAll(wide.systems.map((s) => s.name));
    const submissions: { system: { slug: string; name: string }; scores: Record<string, number> }[] = [];
    const empty: string[] = [];
    wide.systems.forEach((s, i) => {
      const scores: Record<string, number> = {};
      for (const [header, v] of Object.entries(s.scores)) if (v !== null) scores[map.get(header)!] = v;
      if (Object.keys(scores).length) submissions.push({ system: { slug: slugs[i], name: s.name }, scores });
      else empty.push(s.name);
    });
    if (empty.length) process.stderr.write(`skipping ${empty.length} system(s) without any score: ${empty.join(", ")}\n`);
    if (!submissions.length) return fail("nothing to import: no system has a score", 1);
    if (submissions.length > MAX_SUBMISSIONS) return fail(`${submissions.length} systems; one bulk submission takes at most ${MAX_SUBMISSIONS}`, 1);

    const posted = await call<{ submissions: unknown[] }>("POST", `${bench}/submissions`, { submissions });
    if (posted.status !== 201) return fail(describeFailure(`submitting ${submissions.length} systems`, posted.status, posted.body), 1);
    const after = await call<{ revision: number }>("GET", bench);
    const revision = after.status === 200 ? after.body.revision : "?";
    process.stdout.write(`imported ${posted.body.submissions.length} systems into ${a.benchmark} (revision ${revision})\n`);
    process.stdout.write(`leaderboard: ${a.url}/benchmarks/${encodeURIComponent(a.benchmark)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ServerError) return fail(e.message, 1);
    throw e;
  }
}
