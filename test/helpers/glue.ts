/** Loads examples/glue.csv into a test API as benchmark "glue" (one bulk submission). */
import { expect } from "vitest";
import { parseWideCsv, slugifyAll } from "../../cli/csv.ts";
import type { TestApi } from "./app.ts";
import { readExample } from "./examples.ts";

export interface GlueSystem {
  slug: string;
  name: string;
  scores: Record<string, number>;
}

/** Creates "glue" with slugified task and system names; returns the task slugs and the systems as submitted. */
export async function seedGlue(api: TestApi): Promise<{ taskSlugs: string[]; systems: GlueSystem[] }> {
  const wide = parseWideCsv(readExample("glue.csv"));
  const taskSlugs = slugifyAll(wide.tasks);
  const systemSlugs = slugifyAll(wide.systems.map((s) => s.name));
  const created = await api.call("POST", "/api/v1/benchmarks", {
    body: { slug: "glue", name: "GLUE", tasks: wide.tasks.map((name, i) => ({ slug: taskSlugs[i], name })) },
  });
  expect(created.status).toBe(201);
  const systems = wide.systems.map((s, i) => {
    const scores: Record<string, number> = {};
    wide.tasks.forEach((t, j) => {
      const v = s.scores[t];
      if (v !== null && v !== undefined) scores[taskSlugs[j]] = v;
    });
    return { slug: systemSlugs[i], name: s.name, scores };
  });
  const sub = await api.call("POST", "/api/v1/benchmarks/glue/submissions", {
    body: { submissions: systems.map((s) => ({ system: { slug: s.slug, name: s.name }, scores: s.scores })) },
  });
  expect(sub.status).toBe(201);
  return { taskSlugs, systems };
}
