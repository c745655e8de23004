/**
 * The benchmark listing as a stored page (`GET /`): rendered once per listing version, kept with
 * its gzip/br forms, and validated with an ETag derived from one aggregate query, so a repeated
 * request costs that query and no per-benchmark counting or rendering.
 */
import type { BenchmarkListing, ListingVersion } from "../db/index.ts";
import { etagMatches, shortHash, type ServeOptions } from "./leaderboard.ts";
import { codedEtag, storeBody, type StoredBody } from "./stored-body.ts";

export interface ListingSource {
  /** One aggregate over the benchmarks table (service/index.ts binds it to getListingVersion). */
  version(): Promise<ListingVersion>;
  list(): Promise<BenchmarkListing[]>;
  /** The version of a listing just read (listingVersionOf). */
  versionOf(list: readonly BenchmarkListing[]): ListingVersion;
}

export type ListingPageResult = { notModified: true; etag: string } | { notModified: false; etag: string; body: StoredBody };

const versionKey = (v: ListingVersion) => `${v.count}:${v.idSum}:${v.revisionSum}`;

export function createListingService(source: ListingSource) {
  // Only the current version is ever asked for again: one slot.
  let slot: { version: string; body: Promise<StoredBody> } | undefined;
  const stats = { rendered: 0 };
  return {
    stats,
    /**
     * The listing page made by `render` (kept per version) with its ETag for the negotiated
     * coding, or notModified when `ifNoneMatch` matches.
     */
    async servePage(render: (list: BenchmarkListing[]) => string | Promise<string>, options: ServeOptions = {}): Promise<ListingPageResult> {
      const coding = options.coding ?? "identity";
      const etagOf = (version: string) => codedEtag(`"home-${shortHash(version)}"`, coding);
      const current = versionKey(await source.version());
      if (etagMatches(options.ifNoneMatch, etagOf(current))) return { notModified: true, etag: etagOf(current) };
      if (slot?.version !== current) {
        const list = await source.list();
        // Keyed by what was listed (possibly newer than `current`), never by what was read before.
        const made = { version: versionKey(source.versionOf(list)), body: (async () => storeBody(await render(list)))() };
        stats.rendered++;
        made.body.catch(() => {
          if (slot === made) slot = undefined;
        });
        slot = made;
      }
      const { version, body } = slot;
      return { notModified: false, etag: etagOf(version), body: await body };
    },
  };
}

export type ListingService = ReturnType<typeof createListingService>;
