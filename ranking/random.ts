/**
 * A small seeded PRNG: xoshiro128** (Blackman and Vigna), its 128-bit state filled from the
 * seed by splitmix32. Pure and portable (32-bit integer arithmetic through Math.imul), so the
 * same seed gives the same stream on every engine: "same seed, same answer".
 *
 * Seeds: integers; the seed is reduced modulo 2^32 (ToUint32), so seeds are best kept in
 * [0, 2^32). Non-integer or non-finite seeds are rejected.
 */

export interface Rng {
  /** Next 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform in [0, 1), 32 bits of resolution. */
  float(): number;
  /** Uniform integer in [0, n) for 1 <= n <= 2^32 (unbiased: rejection sampling). */
  int(n: number): number;
}

/** splitmix32 step: returns [output, next state]. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [(z ^ (z >>> 16)) >>> 0, next];
}

/** The PRNG factory: an xoshiro128** stream determined by `seed` (an integer, taken modulo 2^32). */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let sm = seed >>> 0;
  const state: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [out, next] = splitmix32(sm);
    state.push(out);
    sm = next;
  }
  return xoshiro128StarStar(state);
}

/** xoshiro128** from an explicit 4 x 32-bit state (not all zero); exposed for reference-vector tests. */
export function xoshiro128StarStar(state: ArrayLike<number>): Rng {
  const s = Uint32Array.from({ length: 4 }, (_, i) => state[i] >>> 0);
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is a fixed point
  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const float = (): number => uint32() / 4294967296;
  const int = (n: number): number => {
    if (!(Number.isInteger(n) && n >= 1 && n <= 4294967296)) throw new RangeError(`int(n) needs an integer 1 <= n <= 2^32, got ${n}`);
    // accept x below the largest multiple of n that fits in 2^32
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = uint32();
      if (x < limit) return x % n;
    }
  };
  return { uint32, float, int };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
