/**
 * The leaderboards' shared second level (LeaderboardServiceOptions.sharedCache; the Worker backs it
 * with the Workers Cache API): two service instances ("isolates") over one database share
 * computed leaderboards by revision, a write makes a new key, failures count as misses.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../api/app.ts";
import { parseConfig } from "../../api/config.ts";
import { createServices, type Leaderboard } from "../../service/index.ts";
import type { SharedLeaderboardCache } from "../../service/leaderboard.ts";
import { ADMIN_TOKEN } from "../helpers/app.ts";
import { backends, useTestDatabase } from "../helpers/database.ts";

/** A shared cache in a Map, storing JSON as the Cache API does (bytes, not objects). */
function jsonCache(options: { failing?: boolean } = {}) {
  const entries = new Map<string, string>();
  const cache: SharedLeaderboardCache = {
    async get(key) {
      if (options.failing) throw new Error("cache unavailable");
      const text = entries.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as Leaderboard);
    },
    async put(key, lb) {
      if (options.failing) throw new Error("cache unavailable");
      entries.set(key, JSON.stringify(lb));
    },
  };
  return { cache, entries };
}

describe.each(backends())("shared leaderboard cache (%s)", (kind) => {
  const database = useTestDatabase(kind);
  const config = parseConfig({ PODIUM_ADMIN_TOKEN: ADMIN_TOKEN });

  function isolate(sharedCache: SharedLeaderboardCache) {
    const services = createServices(database.current, { adminToken: ADMIN_TOKEN, leaderboards: { sharedCache } });
    const app = createApp({ services, config });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, text: await res.text() };
    };
    return { services, call };
  }

  const path = "/api/v1/benchmarks/glue/leaderboard?methods=mean,borda,kemeny";

  it("a second isolate takes the first one's leaderboard; a write makes a new key", async () => {
    const { cache, entries } = jsonCache();
    const a = isolate(cache);
    const b = isolate(cache);
    expect((await a.call("POST", "/api/v1/benchmarks", { slug: "glue", name: "GLUE", tasks: [{ slug: "cola" }, { slug: "sst2" }] })).status).toBe(201);
    const submit = (slug: string, cola: number, sst2: number) => a.call("POST", "/api/v1/benchmarks/glue/submissions", { system: { slug }, scores: { cola, sst2 } });
    expect((await submit("bert", 60, 90)).status).toBe(201);
    expect((await submit("roberta", 64, 94)).status).toBe(201);

    const first = await a.call("GET", path);
    expect(first.status).toBe(200);
    expect(a.services.leaderboards.stats).toMatchObject({ computed: 1, sharedHits: 0 });
    expect(entries.size).toBe(1);

    const second = await b.call("GET", path);
    expect(second.text).toBe(first.text);
    expect(b.services.leaderboards.stats).toMatchObject({ computed: 0, sharedHits: 1 });

    expect((await submit("tiny", 99, 99)).status).toBe(201);
    const after = await b.call("GET", path);
    expect(b.services.leaderboards.stats).toMatchObject({ computed: 1, sharedHits: 1 });
    expect(JSON.parse(after.text).systems[0].slug).toBe("tiny");
    expect(entries.size).toBe(2);
  });

  it("a failing shared cache counts as a miss", async () => {
    const a = isolate(jsonCache({ failing: true }).cache);
    expect((await a.call("POST", "/api/v1/benchmarks", { slug: "glue", name: "GLUE", tasks: [{ slug: "cola" }] })).status).toBe(201);
    expect((await a.call("POST", "/api/v1/benchmarks/glue/submissions", { system: { slug: "bert" }, scores: { cola: 1 } })).status).toBe(201);
    const res = await a.call("GET", path);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).systems.map((s: { slug: string }) => s.slug)).toEqual(["bert"]);
    expect(a.services.leaderboards.stats).toMatchObject({ computed: 1, sharedHits: 0 });
  });
});
