/** Loading the example benchmark CSVs (examples/) into ranking inputs (tests and bench). */
import { parseCsvRows, parseWideCsv, slugifyAll } from "../../cli/csv.ts";
import type { InstanceTable, RankInput } from "../../ranking/index.ts";

export function wideCsvToInput(text: string): RankInput {
  const w = parseWideCsv(text);
  const slugs = slugifyAll(w.systems.map((s) => s.name));
  return { systems: w.systems.map((s, i) => ({ slug: slugs[i], scores: s.scores })) };
}

/** Long instance CSV (`system,instance,<metric>,...`) -> InstanceTable over the selected metric columns. */
export function longCsvToInstanceTable(text: string, keep: (metric: string) => boolean): InstanceTable {
  const [header, ...rows] = parseCsvRows(text);
  const metrics = header.slice(2).map((name, j) => ({ name, col: j + 2 })).filter((x) => keep(x.name));
  const systems: string[] = [];
  const instances: string[] = [];
  const sysIdx = new Map<string, number>();
  const instIdx = new Map<string, number>();
  for (const r of rows) {
    if (!sysIdx.has(r[0])) (sysIdx.set(r[0], systems.length), systems.push(r[0]));
    if (!instIdx.has(r[1])) (instIdx.set(r[1], instances.length), instances.push(r[1]));
  }
  const n = systems.length;
  const k = instances.length;
  const tasks = metrics.map(({ name }) => ({ slug: name, higherIsBetter: true, weight: 1, instances, scores: new Float64Array(n * k).fill(NaN) }));
  for (const r of rows) {
    const s = sysIdx.get(r[0])!;
    const i = instIdx.get(r[1])!;
    metrics.forEach(({ col }, t) => {
      if (r[col] !== "") tasks[t].scores[s * k + i] = Number(r[col]);
    });
  }
  return { systems, tasks };
}
