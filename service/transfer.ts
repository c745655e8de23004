/**
 * Export and restore (API.md "Export and restore"), NDJSON, one record per line:
 *
 *   {"type":"podium","version":1,"exportedAt"}                      first line
 *   {"type":"benchmark","id","slug","name","description","revision","createdAt"}
 *   {"type":"task","benchmark","slug","name","metric","higherIsBetter","weight","group","position"}
 *   {"type":"system","benchmark","slug","name","url","metadata","hidden","hiddenReason","createdAt"}
 *   {"type":"submission","benchmark","id","system","createdAt","metadata","retractedAt","reason","scores"}
 *   {"type":"instanceUpload","benchmark","system","id","createdAt"}  then its rows:
 *   {"type":"instanceScores","benchmark","system","task","instances":[...],"scores":[...]}
 *   {"type":"audit","benchmark","at","tokenId","action","target","reason","details"}
 *
 * A benchmark's records follow its `benchmark` line; an upload's `instanceScores` lines follow
 * its `instanceUpload` line. Tokens are not exported (create new ones after a restore).
 *
 * The restore is all or nothing: the body is received and validated into an upload spool
 * (memory, then a temporary file on Node) first (no transaction waits on the client), then ONE transaction inserts everything, instance
 * uploads through the instance upload service, and sets each benchmark's revision to the
 * exported one. Ids (benchmarks, submissions, instance uploads) are kept when none of them is
 * taken (always so on an empty server), so leaderboards, histories and ETags come back equal.
 */
import { z } from "zod";
import {
  getBenchmarkBySlug,
  getBenchmarkWithTasks,
  idsFree,
  insertRestoredAudit,
  insertRestoredBenchmark,
  insertRestoredSubmissions,
  isUniqueViolation,
  listAuditEntries,
  listBenchmarks,
  listSubmissionsForExport,
  listSystemsForExport,
  loadInstanceNames,
  loadInstanceScores,
  noteRowsWritten,
  restoreInstanceUploadIdentity,
  setRevision,
  syncSequence,
  transaction,
  type Db,
  type ExportedSubmission,
  type ExportedSystem,
  type RestoredTask,
} from "../db/index.ts";
import { requireAdmin, type Principal } from "./auth.ts";
import { conflict, invalid, notFound, rejectingBadData, type FieldIssue } from "./errors.ts";
import { DEFAULT_SPOOL_MEMORY_BYTES, uploadInstanceScores, type InstanceUploadOptions } from "./instances.ts";
import { UploadSpool, type SpoolCodec } from "./upload-spool.ts";

export const EXPORT_FORMAT_VERSION = 1;
const SUBMISSION_PAGE = 2000;
/** Instance scores per `instanceScores` line. */
const INSTANCE_CHUNK = 5000;
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const MAX_ISSUES = 20;

const line = (record: object) => `${JSON.stringify(record)}\n`;

/** The NDJSON export of the named benchmarks (all when `slugs` is undefined), line by line. Admin only. */
export async function exportBenchmarks(db: Db, principal: Principal, slugs?: string[]): Promise<AsyncGenerator<string>> {
  requireAdmin(principal);
  const ids: { id: number; slug: string }[] = [];
  if (slugs) {
    for (const slug of slugs) {
      const b = await getBenchmarkBySlug(db, slug);
      if (!b) throw notFound(`no benchmark "${slug}"`);
      ids.push(b);
    }
  } else ids.push(...(await listBenchmarks(db)).sort((a, b) => a.id - b.id));
  return (async function* () {
    yield line({ type: "podium", version: EXPORT_FORMAT_VERSION, exportedAt: new Date().toISOString() });
    for (const { slug } of ids) yield* exportOne(db, slug);
  })();
}

async function* exportOne(db: Db, slug: string): AsyncGenerator<string> {
  const b = await getBenchmarkWithTasks(db, slug);
  if (!b) return; // deleted meanwhile
  yield line({ type: "benchmark", id: b.id, slug: b.slug, name: b.name, description: b.description, revision: b.revision, createdAt: b.createdAt });
  for (const t of b.tasks)
    yield line({ type: "task", benchmark: slug, slug: t.slug, name: t.name, metric: t.metric, higherIsBetter: t.higherIsBetter, weight: t.weight, group: t.group, position: t.position });
  for (const s of await listSystemsForExport(db, b.id)) yield line({ type: "system", benchmark: slug, ...s });
  for (let after = 0; ; ) {
    const page = await listSubmissionsForExport(db, b.id, after, SUBMISSION_PAGE);
    for (const s of page) yield line({ type: "submission", benchmark: slug, ...s });
    if (page.length < SUBMISSION_PAGE) break;
    after = page[page.length - 1].id;
  }
  // Instance-level scores: the instance repository's own snapshot read (hidden systems included).
  const instances = await loadInstanceScores(db, b.id);
  if (instances) {
    // read after the scores: names are only ever added, so every ordinal of the snapshot is named
    const names = await loadInstanceNames(db, b.id);
    const taskSlug = new Map(instances.tasks.map((t) => [t.id, t.slug]));
    for (const system of instances.systems) {
      yield line({ type: "instanceUpload", benchmark: slug, system: system.slug, id: system.uploadId, createdAt: system.uploadedAt });
      for (const cell of instances.cells) {
        if (cell.systemId !== system.id) continue;
        // the packed vector: index = instance ordinal, NaN where the system has no score
        const scored: number[] = [];
        for (let k = 0; k < cell.scores.length; k++) if (!Number.isNaN(cell.scores[k])) scored.push(k);
        for (let i = 0; i < scored.length; i += INSTANCE_CHUNK) {
          const chunk = scored.slice(i, i + INSTANCE_CHUNK);
          yield line({
            type: "instanceScores",
            benchmark: slug,
            system: system.slug,
            task: taskSlug.get(cell.taskId),
            instances: chunk.map((k) => names[k]),
            scores: chunk.map((k) => cell.scores[k]),
          });
        }
      }
    }
  }
  for (const a of await listAuditEntries(db, b.id, 1_000_000)) yield line({ type: "audit", benchmark: slug, at: a.at, tokenId: a.tokenId, action: a.action, target: a.target, reason: a.reason, details: a.details });
}

// ---------------------------------------------------------------------------------------------
// Restore

const Slug = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/);
const Name = z.string().min(1).max(200);
const Iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO-8601 time");
const Json = z.record(z.string(), z.unknown()).nullable();
const Id = z.number().int().min(1).max(2147483647);

const ImportLine = z.discriminatedUnion("type", [
  z.object({ type: z.literal("podium"), version: z.literal(EXPORT_FORMAT_VERSION), exportedAt: Iso.optional() }),
  z.object({ type: z.literal("benchmark"), id: Id.optional(), slug: Slug, name: Name, description: z.string().max(5000).nullable(), revision: z.number().int().min(0), createdAt: Iso }),
  z.object({
    type: z.literal("task"),
    benchmark: Slug,
    slug: Slug,
    name: Name,
    metric: z.string().max(200).nullable(),
    higherIsBetter: z.boolean(),
    weight: z.number().positive(),
    group: z.string().max(200).nullable(),
    position: z.number().int().min(0).max(1_000_000),
  }),
  z.object({
    type: z.literal("system"),
    benchmark: Slug,
    slug: Slug,
    name: Name,
    url: z.string().max(2000).nullable(),
    metadata: Json,
    hidden: z.boolean(),
    hiddenReason: z.string().max(1000).nullable(),
    createdAt: Iso,
  }),
  z.object({
    type: z.literal("submission"),
    benchmark: Slug,
    id: Id,
    system: Slug,
    createdAt: Iso,
    metadata: Json,
    retractedAt: Iso.nullable(),
    reason: z.string().max(1000).nullable(),
    scores: z.record(z.string(), z.number()),
  }),
  z.object({ type: z.literal("instanceUpload"), benchmark: Slug, system: Slug, id: Id, createdAt: Iso }),
  z.object({
    type: z.literal("instanceScores"),
    benchmark: Slug,
    system: Slug,
    task: Slug,
    instances: z.array(z.string().min(1).max(200)).max(INSTANCE_CHUNK * 4),
    scores: z.array(z.number()).max(INSTANCE_CHUNK * 4),
  }),
  z.object({
    type: z.literal("audit"),
    benchmark: Slug,
    at: Iso,
    tokenId: z.number().int().nullable(),
    action: z.string().min(1).max(100),
    target: z.string().min(1).max(300),
    reason: z.string().max(1000).nullable(),
    details: z.unknown(),
  }),
]);
type ImportRecord = z.infer<typeof ImportLine>;

interface PendingBenchmark {
  line: number;
  record: Extract<ImportRecord, { type: "benchmark" }>;
  tasks: RestoredTask[];
  systems: ExportedSystem[];
  submissions: ExportedSubmission[];
  uploads: { system: string; id: number; createdAt: string }[];
  audit: Extract<ImportRecord, { type: "audit" }>[];
}

/** Lines of a byte stream (UTF-8), with their 1-based numbers; empty lines skipped. */
async function* linesOf(chunks: AsyncIterable<Uint8Array>, onTooLong: (line: number) => never): AsyncGenerator<{ n: number; text: string }> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let rest = "";
  let n = 0;
  for await (const chunk of chunks) {
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      const text = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      n++;
      if (text.trim()) yield { n, text };
    }
    if (rest.length > MAX_LINE_BYTES) onTooLong(n + 1);
  }
  rest += decoder.decode();
  if (rest.trim()) yield { n: n + 1, text: rest };
}

class Issues {
  readonly list: FieldIssue[] = [];
  add(n: number, message: string) {
    if (this.list.length < MAX_ISSUES) this.list.push({ field: `line ${n}`, message: `line ${n}: ${message}` });
  }
  get full() {
    return this.list.length >= MAX_ISSUES;
  }
  throwIfAny() {
    if (this.list.length) throw invalid(`invalid export, nothing restored: ${this.list[0].message}`, this.list);
  }
}

/**
 * Restore an export into this server: `201 {"benchmarks": [...]}`; 409 when a benchmark slug
 * exists; 400 (naming lines) for anything malformed or inconsistent. All or nothing. Admin only.
 */
export async function importNdjson(
  db: Db,
  principal: Principal,
  body: AsyncIterable<Uint8Array>,
  options: InstanceUploadOptions = {},
): Promise<{ benchmarks: string[] }> {
  requireAdmin(principal);
  // The raw body is kept (memory, then the services' spill store) to replay instance rows inside the transaction.
  const file = new UploadSpool(RAW_CHUNKS, { memoryBytes: options.spoolMemoryBytes ?? DEFAULT_SPOOL_MEMORY_BYTES, spill: options.spill });
  try {
    const pending = await receive(body, file);
    const taken = [];
    for (const b of pending.values()) if (await getBenchmarkBySlug(db, b.record.slug)) taken.push(b.record.slug);
    if (taken.length) throw conflict(`benchmark slugs already exist: ${taken.join(", ")}`, taken.map((slug) => ({ field: "benchmark", message: `"${slug}" exists` })));
    try {
      await rejectingBadData(transaction(db, (tx) => restore(tx, principal, pending, file, options)));
    } catch (err) {
      if (isUniqueViolation(err, "benchmarks_slug_unique")) throw conflict("a benchmark of this export was created meanwhile; nothing restored");
      throw err;
    }
    const all = [...pending.values()];
    noteRowsWritten(db, ["benchmarks", "tasks", "systems"], all.reduce((n, b) => n + b.systems.length + b.tasks.length, 0));
    noteRowsWritten(db, ["submissions", "submission_scores"], all.reduce((n, b) => n + b.submissions.length, 0));
    return { benchmarks: all.map((b) => b.record.slug) };
  } finally {
    await file.dispose();
  }
}

/** Chunks of the body as they came. */
const RAW_CHUNKS: SpoolCodec<Buffer> = { memoryBytes: (chunk) => chunk.length, encode: (chunk) => [chunk], decode: (bytes) => bytes };

/** Phase 1: the body into `file`, every line parsed and checked; everything but instance rows kept in memory. */
async function receive(body: AsyncIterable<Uint8Array>, file: UploadSpool<Buffer>): Promise<Map<string, PendingBenchmark>> {
  const issues = new Issues();
  const benchmarks = new Map<string, PendingBenchmark>();
  const taskSets = new Map<string, Set<string>>();
  const systemSets = new Map<string, Set<string>>();
  let sawHeader = false;
  let upload: { benchmark: string; system: string } | undefined;
  const tee = async function* () {
    for await (const chunk of body) {
      await file.push(Buffer.from(chunk));
      yield chunk;
    }
  };
  for await (const { n, text } of linesOf(tee(), (ln) => {
    throw invalid("invalid export", [{ field: `line ${ln}`, message: `line ${ln}: longer than ${MAX_LINE_BYTES} bytes` }]);
  })) {
    if (issues.full) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      issues.add(n, "not valid JSON");
      continue;
    }
    const result = ImportLine.safeParse(parsed);
    if (!result.success) {
      const first = result.error.issues[0];
      issues.add(n, `${first.path.join(".") || "record"}: ${first.message}`);
      continue;
    }
    const r = result.data;
    if (!sawHeader) {
      if (r.type !== "podium") issues.add(n, 'the first line must be {"type":"podium","version":1}');
      sawHeader = true;
      if (r.type === "podium") continue;
    }
    if (r.type === "podium") {
      issues.add(n, "a second header line");
      continue;
    }
    if (r.type !== "instanceScores") upload = undefined;
    if (r.type === "benchmark") {
      if (benchmarks.has(r.slug)) issues.add(n, `benchmark "${r.slug}" given twice`);
      else {
        benchmarks.set(r.slug, { line: n, record: r, tasks: [], systems: [], submissions: [], uploads: [], audit: [] });
        taskSets.set(r.slug, new Set());
        systemSets.set(r.slug, new Set());
      }
      continue;
    }
    const b = benchmarks.get(r.benchmark);
    if (!b) {
      issues.add(n, `benchmark "${r.benchmark}" has no benchmark line before this one`);
      continue;
    }
    const tasks = taskSets.get(r.benchmark)!;
    const systems = systemSets.get(r.benchmark)!;
    switch (r.type) {
      case "task":
        if (tasks.has(r.slug)) issues.add(n, `task "${r.slug}" given twice`);
        tasks.add(r.slug);
        b.tasks.push({ slug: r.slug, name: r.name, metric: r.metric, higherIsBetter: r.higherIsBetter, weight: r.weight, group: r.group, position: r.position });
        break;
      case "system":
        if (systems.has(r.slug)) issues.add(n, `system "${r.slug}" given twice`);
        systems.add(r.slug);
        b.systems.push({ slug: r.slug, name: r.name, url: r.url, metadata: r.metadata, hidden: r.hidden, hiddenReason: r.hiddenReason, createdAt: r.createdAt });
        break;
      case "submission": {
        if (!systems.has(r.system)) issues.add(n, `system "${r.system}" has no system line before this one`);
        const unknown = Object.keys(r.scores).find((t) => !tasks.has(t));
        if (unknown !== undefined) issues.add(n, `unknown task "${unknown.slice(0, 64)}"`);
        if (Object.values(r.scores).some((v) => !Number.isFinite(v))) issues.add(n, "scores must be finite numbers");
        const last = b.submissions.at(-1);
        if (last && last.id >= r.id) issues.add(n, "submissions must come in increasing id order");
        b.submissions.push({ id: r.id, system: r.system, createdAt: r.createdAt, metadata: r.metadata, retractedAt: r.retractedAt, reason: r.reason, scores: r.scores });
        break;
      }
      case "instanceUpload":
        if (!systems.has(r.system)) issues.add(n, `system "${r.system}" has no system line before this one`);
        if (b.uploads.some((u) => u.system === r.system)) issues.add(n, `a second instance upload of system "${r.system}"`);
        b.uploads.push({ system: r.system, id: r.id, createdAt: r.createdAt });
        upload = { benchmark: r.benchmark, system: r.system };
        break;
      case "instanceScores":
        if (!upload || upload.benchmark !== r.benchmark || upload.system !== r.system) issues.add(n, "instance scores must follow their system's instanceUpload line");
        else if (!tasks.has(r.task)) issues.add(n, `unknown task "${r.task}"`);
        else if (r.instances.length !== r.scores.length) issues.add(n, "instances and scores differ in length");
        else if (r.scores.some((v) => !Number.isFinite(v))) issues.add(n, "scores must be finite numbers");
        break;
      case "audit":
        b.audit.push(r);
        break;
    }
  }
  if (!sawHeader) issues.add(1, "empty export");
  issues.throwIfAny();
  return benchmarks;
}

/** Phase 2 (inside the transaction): everything inserted; instance uploads replayed from the file. */
async function restore(tx: Db, principal: Principal, pending: Map<string, PendingBenchmark>, file: UploadSpool<Buffer>, options: InstanceUploadOptions): Promise<void> {
  const all = [...pending.values()];
  const keepBenchmarkIds = all.every((b) => b.record.id !== undefined) && (await idsFree(tx, "benchmarks", all.map((b) => b.record.id!)));
  const keepSubmissionIds = await idsFree(tx, "submissions", all.flatMap((b) => b.submissions.map((s) => s.id)));
  const keepUploadIds = await idsFree(tx, "instance_uploads", all.flatMap((b) => b.uploads.map((u) => u.id)));
  const restored = new Map<string, number>();
  for (const b of all) {
    const { id, systemIds, taskIds } = await insertRestoredBenchmark(tx, {
      id: keepBenchmarkIds ? b.record.id : undefined,
      slug: b.record.slug,
      name: b.record.name,
      description: b.record.description,
      createdAt: b.record.createdAt,
      tasks: b.tasks,
      systems: b.systems,
    });
    restored.set(b.record.slug, id);
    for (let i = 0; i < b.submissions.length; i += SUBMISSION_PAGE)
      await insertRestoredSubmissions(tx, b.submissions.slice(i, i + SUBMISSION_PAGE), systemIds, taskIds, keepSubmissionIds);
    await insertRestoredAudit(tx, id, b.record.slug, b.audit);
  }
  if (all.some((b) => b.uploads.length)) await restoreInstanceUploads(tx, principal, file, options, keepUploadIds);
  for (const b of all) await setRevision(tx, restored.get(b.record.slug)!, b.record.revision);
  if (keepBenchmarkIds) await syncSequence(tx, "benchmarks");
  if (keepSubmissionIds) await syncSequence(tx, "submissions");
  if (keepUploadIds) await syncSequence(tx, "instance_uploads");
}

/**
 * The instance uploads, read back from the file in order: each `instanceUpload` line and the
 * `instanceScores` lines after it become one upload through the instance upload service.
 */
async function restoreInstanceUploads(tx: Db, principal: Principal, file: UploadSpool<Buffer>, options: InstanceUploadOptions, keepIds: boolean) {
  const lines = linesOf(file.records(), () => {
    throw new Error("line too long on re-read");
  });
  let next = await lines.next();
  while (!next.done) {
    const r = JSON.parse(next.value.text) as ImportRecord;
    next = await lines.next();
    if (r.type !== "instanceUpload") continue;
    const rows = async function* (): AsyncGenerator<Uint8Array> {
      const encoder = new TextEncoder();
      while (!next.done) {
        const s = JSON.parse(next.value.text) as ImportRecord;
        if (s.type !== "instanceScores") return;
        let chunk = "";
        for (let i = 0; i < s.instances.length; i++) chunk += `${JSON.stringify({ task: s.task, instance: s.instances[i], score: s.scores[i] })}\n`;
        yield encoder.encode(chunk);
        next = await lines.next();
      }
    };
    const result = await uploadInstanceScores(tx, principal, r.benchmark, r.system, "ndjson", rows(), options);
    await restoreInstanceUploadIdentity(tx, result.uploadId, { id: keepIds ? r.id : undefined, createdAt: r.createdAt });
  }
}
