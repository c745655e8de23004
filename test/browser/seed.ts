/**
 * Seeds a running server over HTTP with the example data: GLUE (task level, examples/glue.csv)
 * and TAC 2008 (instance level only, examples/tac08_instances.csv: 62 systems x 13 automatic
 * metrics x 48 instances, loaded as in test/api/instances.test.ts).
 */
import { parseWideCsv, slugifyAll } from "../../cli/csv.ts";
import { readExample } from "../helpers/examples.ts";

export type Call = (method: string, path: string, body?: unknown, type?: string) => Promise<any>;

/** A JSON (or CSV) client of `url` with the admin token; throws on any status >= 300. */
export function httpClient(url: string, token: string): Call {
  return async (method, path, body, type = "application/json") => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": type } : {}) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : null;
  };
}

export interface SeededSystem {
  slug: string;
  name: string;
  scores: Record<string, number>;
  metadata?: Record<string, unknown>;
}

/** GLUE as benchmark "glue"; every third system gets metadata (organisation, parameters, open weights). */
export async function seedGlue(call: Call): Promise<{ taskSlugs: string[]; systems: SeededSystem[] }> {
  const wide = parseWideCsv(readExample("glue.csv"));
  const taskSlugs = slugifyAll(wide.tasks);
  const systemSlugs = slugifyAll(wide.systems.map((s) => s.name));
  await call("POST", "/api/v1/benchmarks", { slug: "glue", name: "GLUE", description: "General Language Understanding Evaluation", tasks: wide.tasks.map((name, i) => ({ slug: taskSlugs[i], name })) });
  const systems: SeededSystem[] = wide.systems.map((s, i) => {
    const scores: Record<string, number> = {};
    wide.tasks.forEach((t, j) => {
      const v = s.scores[t];
      if (v !== null && v !== undefined) scores[taskSlugs[j]] = v;
    });
    const metadata = i % 3 === 0 ? { organisation: ["Acme", "Globex", "Initech"][i % 9 === 0 ? 0 : i % 2 ? 1 : 2], parameters: 100 + i, "open weights": i % 2 === 0 } : undefined;
    return { slug: systemSlugs[i], name: s.name, scores, ...(metadata ? { metadata } : {}) };
  });
  await call("POST", "/api/v1/benchmarks/glue/submissions", {
    submissions: systems.map((s) => ({ system: { slug: s.slug, name: s.name, ...(s.metadata ? { metadata: s.metadata } : {}) }, scores: s.scores })),
  });
  return { taskSlugs, systems };
}

/** TAC 2008 as benchmark "tac08", instance-level scores only; returns the system slugs. */
export async function seedTac(call: Call): Promise<string[]> {
  const lines = readExample("tac08_instances.csv").trim().split(/\r?\n/);
  const header = lines[0].split(",");
  const metrics = header.map((h, i) => [h, i] as const).filter(([h, i]) => i >= 2 && !h.startsWith("H:"));
  const taskSlug = (h: string) => h.toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
  await call("POST", "/api/v1/benchmarks", { slug: "tac08", name: "TAC 2008", tasks: metrics.map(([h]) => ({ slug: taskSlug(h), name: h })) });
  const bySystem = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    const out = bySystem.get(cells[0]) ?? [];
    for (const [h, i] of metrics) if (cells[i] !== "") out.push(`${taskSlug(h)},${cells[1]},${cells[i]}`);
    bySystem.set(cells[0], out);
  }
  for (const [system, rows] of bySystem) await call("POST", `/api/v1/benchmarks/tac08/systems/${system.toLowerCase()}/instances`, `task,instance,score\n${rows.join("\n")}\n`, "text/csv");
  return [...bySystem.keys()].map((s) => s.toLowerCase());
}
