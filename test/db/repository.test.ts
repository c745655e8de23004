import { describe, expect, it } from "vitest";
import {
  constraintOf,
  findActiveTokenByHash,
  getBenchmarkBySlug,
  getRevision,
  getSystemBySlug,
  hasAdminToken,
  insertBenchmark,
  insertSubmissions,
  insertToken,
  isUniqueViolation,
  listSubmissionHistory,
  listTasks,
  loadCurrentScores,
  query,
  transaction,
  replaceInstanceVectors,
  internInstanceNames,
  loadInstanceNames,
  loadInstanceScores,
} from "../../db/index.ts";
import { sql } from "drizzle-orm";
import { backends, useTestDatabase } from "../helpers/database.ts";

describe.each(backends())("repositories on %s", (kind) => {
  const database = useTestDatabase(kind);
  const db = () => database.current.db;

  async function glue() {
    return insertBenchmark(db(), {
      slug: "glue",
      name: "GLUE",
      tasks: [
        { slug: "cola", name: "CoLA", metric: "mcc" },
        { slug: "sst2", name: "SST-2", weight: 2, higherIsBetter: false, group: "single" },
        { slug: "mnli", name: "MNLI" },
      ],
    });
  }

  it("pings", async () => {
    expect(await database.current.ping()).toBe(true);
  });

  it("creates a benchmark with ordered tasks and revision 0", async () => {
    const b = await glue();
    expect(b.revision).toBe(0);
    expect(b.tasks.map((t) => t.slug)).toEqual(["cola", "sst2", "mnli"]);
    expect(b.tasks[1]).toMatchObject({ weight: 2, higherIsBetter: false, group: "single", position: 1 });
    expect((await listTasks(db(), b.id)).map((t) => t.position)).toEqual([0, 1, 2]);
    expect(await getBenchmarkBySlug(db(), "glue")).toMatchObject({ id: b.id, name: "GLUE" });
    expect(await getBenchmarkBySlug(db(), "nope")).toBeNull();
  });

  it("reports unique violations the same way on both drivers", async () => {
    await glue();
    const err = await glue().catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, "benchmarks_slug_unique")).toBe(true);
    expect(constraintOf(err)).toBe("benchmarks_slug_unique");
    expect(isUniqueViolation(new Error("x"))).toBe(false);
  });

  it("stores bulk submissions set-based, bumps the revision once, keeps input order", async () => {
    const b = await glue();
    const [cola, sst2, mnli] = b.tasks.map((t) => t.id);
    const out = await transaction(db(), (tx) =>
      insertSubmissions(tx, b.id, [
        { system: { slug: "bert" }, scores: [{ taskId: cola, score: 0.1 + 0.2 }, { taskId: sst2, score: 1e-300 }] },
        { system: { slug: "roberta", name: "RoBERTa", url: "https://example.org" }, scores: [{ taskId: mnli, score: -3.5 }] },
        { system: { slug: "bert", name: "BERT" }, metadata: { run: 2 }, scores: [{ taskId: cola, score: 61 }] },
      ]),
    );
    expect(out.revision).toBe(1);
    expect(await getRevision(db(), b.id)).toBe(1);
    const ids = out.submissions.map((s) => s.id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(out.submissions.map((s) => s.system)).toEqual([
      { slug: "bert", name: "BERT" },
      { slug: "roberta", name: "RoBERTa" },
      { slug: "bert", name: "BERT" },
    ]);

    const bert = (await getSystemBySlug(db(), b.id, "bert"))!;
    const history = await listSubmissionHistory(db(), bert.id);
    expect(history.map((h) => h.id)).toEqual([ids[2], ids[0]]);
    expect(history[1].scores).toEqual({ cola: 0.30000000000000004, sst2: 1e-300 });

    const current = (await loadCurrentScores(db(), b.id))!;
    expect(current.revision).toBe(1);
    expect(current.tasks.map((t) => t.slug)).toEqual(["cola", "sst2", "mnli"]);
    expect(current.systems).toEqual([
      { id: bert.id, slug: "bert", name: "BERT", url: null, metadata: null, submissionId: ids[2], createdAt: out.submissions[2].createdAt, scores: { cola: 61 } },
      expect.objectContaining({ slug: "roberta", url: "https://example.org", submissionId: ids[1], scores: { mnli: -3.5 } }),
    ]);
  });

  it("keeps an existing system's name when a later submission omits it", async () => {
    const b = await glue();
    const cola = b.tasks[0].id;
    await insertSubmissions(db(), b.id, [{ system: { slug: "bert", name: "BERT base" }, scores: [{ taskId: cola, score: 1 }] }]);
    const out = await insertSubmissions(db(), b.id, [{ system: { slug: "bert" }, scores: [{ taskId: cola, score: 2 }] }]);
    expect(out.submissions[0].system.name).toBe("BERT base");
    expect(out.revision).toBe(2);
  });

  it("rolls back everything when a statement in the transaction fails", async () => {
    const b = await glue();
    const err = await transaction(db(), (tx) =>
      insertSubmissions(tx, b.id, [{ system: { slug: "bert" }, scores: [{ taskId: 999_999, score: 1 }] }]),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await getRevision(db(), b.id)).toBe(0);
    expect(await getSystemBySlug(db(), b.id, "bert")).toBeNull();
  });

  it("loads empty current scores and null for unknown benchmarks", async () => {
    const b = await glue();
    expect(await loadCurrentScores(db(), b.id)).toMatchObject({ revision: 0, systems: [] });
    expect(await loadCurrentScores(db(), 424242)).toBeNull();
    expect(await getRevision(db(), 424242)).toBeNull();
  });

  it("stores token hashes and finds active ones", async () => {
    const b = await glue();
    expect(await hasAdminToken(db())).toBe(false);
    await insertToken(db(), { role: "admin", benchmarkId: null, hash: "a".repeat(64) });
    const { id } = await insertToken(db(), { role: "benchmark", benchmarkId: b.id, hash: "b".repeat(64) });
    expect(await hasAdminToken(db())).toBe(true);
    expect(await findActiveTokenByHash(db(), "b".repeat(64))).toEqual({ id, role: "benchmark", benchmarkId: b.id });
    expect(await findActiveTokenByHash(db(), "c".repeat(64))).toBeNull();
  });

  it("inserts many scores in one statement", async () => {
    const tasks = Array.from({ length: 50 }, (_, i) => ({ slug: `t${i}`, name: `T${i}` }));
    const b = await insertBenchmark(db(), { slug: "wide", name: "Wide", tasks });
    const entries = Array.from({ length: 200 }, (_, s) => ({
      system: { slug: `sys-${s}` },
      scores: b.tasks.map((t, i) => ({ taskId: t.id, score: s * 1000 + i + 0.125 })),
    }));
    const out = await transaction(db(), (tx) => insertSubmissions(tx, b.id, entries));
    expect(out.submissions).toHaveLength(200);
    const current = (await loadCurrentScores(db(), b.id))!;
    expect(current.systems).toHaveLength(200);
    const s7 = current.systems.find((s) => s.slug === "sys-7")!;
    expect(s7.scores.t49).toBe(7049.125);
  });

  it("instance vectors: a task of another benchmark is refused; deleting a task, a system or the benchmark cascades", async () => {
    const b = await glue();
    const other = await insertBenchmark(db(), { slug: "other", name: "Other", tasks: [{ slug: "x", name: "X" }] });
    const [cola, sst2] = b.tasks;
    const store = (system: string, taskIds: number[]) =>
      transaction(db(), (tx) => replaceInstanceVectors(tx, b.id, system, taskIds.map((taskId, i) => ({ taskId, scores: Float64Array.of(i, NaN, i + 0.5) })), taskIds.length * 2));
    await expect(store("bad", [cola.id, other.tasks[0].id])).rejects.toThrow(/not a task of/);
    expect(await getSystemBySlug(db(), b.id, "bad")).toBeNull();
    await store("a", [cola.id, sst2.id]);
    await store("b", [cola.id, sst2.id]);
    await store("b", [sst2.id]); // replaces b's vectors
    const count = async () => Number((await query<{ n: number }>(db(), sql`select count(*)::int as n from instance_vectors`))[0].n);
    expect(await count()).toBe(3);
    const data = (await loadInstanceScores(db(), b.id))!;
    const a = data.systems.find((s) => s.slug === "a")!;
    const aSst2 = data.cells.find((c) => c.systemId === a.id && c.taskId === sst2.id)!;
    expect(Array.from(aSst2.scores)).toEqual([1, NaN, 1.5]);
    await db().execute(sql`delete from tasks where id = ${sst2.id}`);
    expect(await count()).toBe(1);
    await db().execute(sql`delete from systems where benchmark_id = ${b.id} and slug = 'a'`);
    expect(await count()).toBe(0);
  });

  it("instance ids are interned per benchmark with dense ordinals; known ids keep theirs", async () => {
    const b = await glue();
    const other = await insertBenchmark(db(), { slug: "other", name: "Other", tasks: [{ slug: "x", name: "X" }] });
    expect(Array.from(await transaction(db(), (tx) => internInstanceNames(tx, b.id, ["d1", "d2", 'd,3\\"x'])))).toEqual([0, 1, 2]);
    expect(Array.from(await transaction(db(), (tx) => internInstanceNames(tx, b.id, ["d4", "d2"])))).toEqual([3, 1]);
    expect(Array.from(await transaction(db(), (tx) => internInstanceNames(tx, other.id, ["d2"])))).toEqual([0]);
    expect(await loadInstanceNames(db(), b.id)).toEqual(["d1", "d2", 'd,3\\"x', "d4"]);
    await db().execute(sql`delete from benchmarks where id = ${b.id}`);
    expect(await loadInstanceNames(db(), b.id)).toEqual([]);
  });
});
