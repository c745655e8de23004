/**
 * Moderation and editing over HTTP (API.md "Moderation and editing"): hide/unhide a system,
 * retract a submission, edit and delete a benchmark, the audit log; admin only.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { query } from "../../db/index.ts";
import { backends } from "../helpers/database.ts";
import { useTestApi } from "../helpers/app.ts";

describe.each(backends())("moderation on %s", (kind) => {
  const api = useTestApi(kind);

  async function seed() {
    await api.createBenchmark("glue");
    const res = await api.call("POST", "/api/v1/benchmarks/glue/submissions", {
      body: {
        submissions: [
          { system: { slug: "bert", name: "BERT", metadata: { params: "110M", org: "Google" } }, scores: { cola: 60, sst2: 90, mnli: 80 } },
          { system: { slug: "roberta" }, scores: { cola: 63, sst2: 94, mnli: 87 } },
          { system: { slug: "spam" }, scores: { cola: 99, sst2: 99, mnli: 99 } },
        ],
      },
    });
    expect(res.status).toBe(201);
    return res.body.submissions as { id: number; system: { slug: string } }[];
  }
  const board = async () => (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean")).body;
  const slugsOn = async () => (await board()).systems.map((s: { slug: string }) => s.slug).sort();

  it("a hidden system leaves the leaderboard, its badge and the listing count; its history stays; unhide brings it back", async () => {
    await seed();
    const before = await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean");
    const etag = before.headers.get("etag")!;
    expect(await slugsOn()).toEqual(["bert", "roberta", "spam"]);
    expect((await api.call("GET", "/api/v1/benchmarks/glue/systems/spam/badge.json")).status).toBe(200);

    const hide = await api.call("PATCH", "/api/v1/benchmarks/glue/systems/spam", { body: { hidden: true, reason: "not a real system" } });
    expect(hide.status).toBe(200);
    expect(hide.body).toMatchObject({ slug: "spam", hidden: true, hiddenReason: "not a real system" });

    expect(await slugsOn()).toEqual(["bert", "roberta"]);
    const after = await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean", { headers: { "if-none-match": etag } });
    expect(after.status).toBe(200); // the revision moved on: the old ETag no longer matches
    expect(after.body.benchmark.revision).toBe(before.body.benchmark.revision + 1);
    const badge = await api.call("GET", "/api/v1/benchmarks/glue/systems/spam/badge.svg");
    expect(badge.status).toBe(404);
    expect(badge.headers.get("content-type")).toMatch(/image\/svg\+xml/);
    expect((await api.call("GET", "/api/v1/benchmarks/glue/systems/spam/badge.json")).status).toBe(404);
    expect((await api.call("GET", "/api/v1/benchmarks")).body.benchmarks[0].systemCount).toBe(2);
    const csv = await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?methods=mean&format=csv");
    expect(csv.body).not.toContain("spam");
    const page = await api.call("GET", "/benchmarks/glue");
    expect(page.status).toBe(200);
    expect(page.body).toContain("roberta");
    expect(page.body).not.toContain("spam");

    const history = await api.call("GET", "/api/v1/benchmarks/glue/systems/spam/submissions");
    expect(history.status).toBe(200);
    expect(history.body.system).toMatchObject({ slug: "spam", hidden: true, hiddenReason: "not a real system" });
    expect(history.body.submissions).toHaveLength(1);

    const unhide = await api.call("PATCH", "/api/v1/benchmarks/glue/systems/spam", { body: { hidden: false } });
    expect(unhide.body).toMatchObject({ hidden: false, hiddenReason: null });
    expect(await slugsOn()).toEqual(["bert", "roberta", "spam"]);
    expect((await api.call("GET", "/api/v1/benchmarks/glue/systems/spam/badge.json")).body.message).toBe("#1 of 3");
    expect((await api.call("GET", "/benchmarks/glue")).body).toContain("spam");
  });

  it("a hidden system leaves the instance-level leaderboard too", async () => {
    await api.createBenchmark("glue");
    for (const system of ["a", "b"]) {
      const res = await api.app.request(`/api/v1/benchmarks/glue/systems/${system}/instances`, {
        method: "POST",
        headers: { authorization: `Bearer pod_test-admin-token-0123456789`, "content-type": "text/csv" },
        body: `task,instance,score\ncola,1,${system === "a" ? 1 : 0}\ncola,2,0.5\n`,
      });
      expect(res.status).toBe(201);
    }
    const level = async () => (await api.call("GET", "/api/v1/benchmarks/glue/leaderboard?level=instance&methods=mean")).body.systems.map((s: { slug: string }) => s.slug);
    expect(await level()).toEqual(["a", "b"]);
    expect((await api.call("PATCH", "/api/v1/benchmarks/glue/systems/a", { body: { hidden: true } })).status).toBe(200);
    expect(await level()).toEqual(["b"]);
  });

  it("edits a system's name, url and metadata; metadata shows on leaderboard rows and in the history", async () => {
    await seed();
    let row = (await board()).systems.find((s: { slug: string }) => s.slug === "bert");
    expect(row.metadata).toEqual({ params: "110M", org: "Google" });
    expect((await board()).systems.find((s: { slug: string }) => s.slug === "roberta").metadata).toBeNull();
    const res = await api.call("PATCH", "/api/v1/benchmarks/glue/systems/bert", { body: { name: "BERT base", url: "https://example.org/bert", metadata: { params: "110M" } } });
    expect(res.status).toBe(200);
    row = (await board()).systems.find((s: { slug: string }) => s.slug === "bert");
    expect(row).toMatchObject({ name: "BERT base", url: "https://example.org/bert", metadata: { params: "110M" } });
    const history = await api.call("GET", "/api/v1/benchmarks/glue/systems/bert/submissions");
    expect(history.body.system).toMatchObject({ name: "BERT base", metadata: { params: "110M" } });
  });

  it("retracting a submission keeps it in the history; the leaderboard falls back to the newest remaining one", async () => {
    await seed();
    const second = await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: "bert" }, scores: { cola: 10, sst2: 10, mnli: 10 }, metadata: { run: 2 } } });
    const id = second.body.submissions[0].id;
    const bertCola = async () => (await board()).systems.find((s: { slug: string }) => s.slug === "bert")?.scores.cola;
    expect(await bertCola()).toBe(10);

    const res = await api.call("DELETE", `/api/v1/benchmarks/glue/submissions/${id}`, { body: { reason: "wrong checkpoint" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, system: "bert", reason: "wrong checkpoint", retractedAt: expect.any(String) });
    expect(await bertCola()).toBe(60);
    const history = (await api.call("GET", "/api/v1/benchmarks/glue/systems/bert/submissions")).body.submissions;
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ id, retractedAt: res.body.retractedAt, reason: "wrong checkpoint", metadata: { run: 2 } });
    expect(history[1]).toMatchObject({ retractedAt: null, reason: null });

    // retracting the last one: the system leaves the leaderboard
    expect((await api.call("DELETE", `/api/v1/benchmarks/glue/submissions/${history[1].id}?reason=gone`)).status).toBe(200);
    expect(await bertCola()).toBeUndefined();
    expect((await api.call("DELETE", "/api/v1/benchmarks/glue/submissions/999999")).status).toBe(404);
  });

  it("edits a benchmark and its tasks, adds tasks; a direction change re-ranks", async () => {
    await seed();
    expect((await board()).systems[0].slug).toBe("spam");
    const res = await api.call("PATCH", "/api/v1/benchmarks/glue", {
      body: { name: "GLUE (fixed)", description: "edited", tasks: [{ slug: "cola", higherIsBetter: false, metric: "error" }, { slug: "qqp", name: "QQP", weight: 2 }, { slug: "mnli", higherIsBetter: false }, { slug: "sst2", higherIsBetter: false }] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "GLUE (fixed)", description: "edited" });
    expect(res.body.tasks.map((t: { slug: string }) => t.slug)).toEqual(["cola", "sst2", "mnli", "qqp"]);
    expect(res.body.tasks[0]).toMatchObject({ slug: "cola", name: "cola", metric: "error", higherIsBetter: false, weight: 1 });
    expect(res.body.tasks[3]).toMatchObject({ slug: "qqp", name: "QQP", higherIsBetter: true, weight: 2 });
    const lb = await board();
    expect(lb.benchmark.name).toBe("GLUE (fixed)");
    expect(lb.systems[0].slug).toBe("bert"); // lowest scores are now best
    // the new task accepts scores
    expect((await api.call("POST", "/api/v1/benchmarks/glue/submissions", { body: { system: { slug: "bert" }, scores: { qqp: 1 } } })).status).toBe(201);
    const dup = await api.call("PATCH", "/api/v1/benchmarks/glue", { body: { tasks: [{ slug: "x" }, { slug: "x" }] } });
    expect(dup.status).toBe(400);
    expect((await api.call("PATCH", "/api/v1/benchmarks/glue", { body: {} })).status).toBe(400);
    expect((await api.call("PATCH", "/api/v1/benchmarks/glue", { body: { tasks: [{ slug: "cola", weight: -1 }] } })).status).toBe(400);
  });

  it("deleting a benchmark needs ?confirm=<slug>", async () => {
    await seed();
    const upload = await api.app.request("/api/v1/benchmarks/glue/systems/bert/instances", {
      method: "POST",
      headers: { authorization: "Bearer pod_test-admin-token-0123456789", "content-type": "text/csv" },
      body: "task,instance,score\ncola,1,1\ncola,2,0\n",
    });
    expect(upload.status).toBe(201);
    const rowsOf = async (table: string) => {
      const [row] = await query<{ n: number }>(api.services.database.db, sql.raw(`select count(*)::int as n from ${table}`));
      return Number(row.n);
    };
    expect(await rowsOf("instance_vectors")).toBe(1);
    expect(await rowsOf("instance_names")).toBe(2);
    let res = await api.call("DELETE", "/api/v1/benchmarks/glue");
    expect(res.status).toBe(400);
    res = await api.call("DELETE", "/api/v1/benchmarks/glue?confirm=other");
    expect(res.status).toBe(400);
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).status).toBe(200);
    res = await api.call("DELETE", "/api/v1/benchmarks/glue?confirm=glue");
    expect(res.status).toBe(204);
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).status).toBe(404);
    expect((await api.call("GET", "/api/v1/benchmarks/glue/leaderboard")).status).toBe(404);
    for (const table of ["systems", "submissions", "submission_scores", "instance_vectors", "instance_names", "instance_uploads", "tasks"]) expect(await rowsOf(table), table).toBe(0);
    // the slug is free again
    await api.createBenchmark("glue");
    expect((await board()).systems).toEqual([]);
  });

  it("benchmark tokens get 403 on every moderation route and change nothing; no token gets 401", async () => {
    const subs = await seed();
    const token = await api.createToken("glue");
    const revision = (await api.call("GET", "/api/v1/benchmarks/glue")).body.revision;
    const attempts: [string, string, unknown?][] = [
      ["PATCH", "/api/v1/benchmarks/glue/systems/spam", { hidden: true }],
      ["DELETE", `/api/v1/benchmarks/glue/submissions/${subs[2].id}`],
      ["PATCH", "/api/v1/benchmarks/glue", { name: "x" }],
      ["DELETE", "/api/v1/benchmarks/glue?confirm=glue"],
      ["GET", "/api/v1/benchmarks/glue/audit"],
    ];
    for (const [method, path, body] of attempts) {
      const res = await api.call(method, path, { token, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
      expect((await api.call(method, path, { token: null, body })).status).toBe(401);
    }
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(revision);
    expect(await slugsOn()).toEqual(["bert", "roberta", "spam"]);
  });

  it("every change is in the audit log, newest first, with who, what and why", async () => {
    const subs = await seed();
    await api.call("PATCH", "/api/v1/benchmarks/glue/systems/spam", { body: { hidden: true, reason: "spam" } });
    await api.call("DELETE", `/api/v1/benchmarks/glue/submissions/${subs[0].id}`, { body: { reason: "typo" } });
    await api.call("PATCH", "/api/v1/benchmarks/glue", { body: { description: "d" } });
    await api.call("PATCH", "/api/v1/benchmarks/glue/systems/spam", { body: { hidden: false } });
    const res = await api.call("GET", "/api/v1/benchmarks/glue/audit");
    expect(res.status).toBe(200);
    expect(res.body.entries.map((e: { action: string; target: string; reason: string | null }) => [e.action, e.target, e.reason])).toEqual([
      ["system.unhide", "system:spam", null],
      ["benchmark.edit", "benchmark:glue", null],
      ["submission.retract", `submission:${subs[0].id}`, "typo"],
      ["system.hide", "system:spam", "spam"],
    ]);
    expect(res.body.entries[0]).toMatchObject({ id: expect.any(Number), at: expect.any(String), tokenId: null });
  });

  it("bad moderation input is a 400 that changes nothing", async () => {
    await seed();
    const revision = (await api.call("GET", "/api/v1/benchmarks/glue")).body.revision;
    for (const body of [{}, { hidden: "yes" }, { url: "javascript:alert(1)" }, { name: "" }, { metadata: [] }, { extra: 1 }, { hidden: true, reason: "a\u0000b" }]) {
      const res = await api.call("PATCH", "/api/v1/benchmarks/glue/systems/spam", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
    }
    expect((await api.call("PATCH", "/api/v1/benchmarks/glue/systems/nope", { body: { hidden: true } })).status).toBe(404);
    expect((await api.call("DELETE", "/api/v1/benchmarks/glue/submissions/abc")).status).toBe(400);
    expect((await api.call("GET", "/api/v1/benchmarks/glue")).body.revision).toBe(revision);
  });
});
