/** Slugs from system and task names: valid, distinct, meaningful, and independent of the row order. */
import { describe, expect, it } from "vitest";
import { slugify, slugifyAll } from "../../cli/csv.ts";

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Every order of a small list, as a few rotations and the reverse (enough to catch order dependence). */
function orders<T>(xs: T[]): T[][] {
  return [...xs.map((_, k) => [...xs.slice(k), ...xs.slice(0, k)]), [...xs].reverse()];
}

describe("slugs of names", () => {
  it("transliterates every script it can spell, CJK included; only a name with nothing to spell gets a hash", () => {
    expect(slugify("Ünïcödé Ölm")).toBe("unicode-olm");
    expect(slugify("straße")).toBe("strasse");
    expect(slugify("Москва-LM")).toBe("moskva-lm");
    expect(slugify("Ελληνικά")).toBe("ellenika");
    expect(slugify("ＧＰＴ－４")).toBe("gpt-4");
    expect(slugify("百度文心")).toBe("bai-du-wen-xin");
    expect(slugify("通义千问")).toBe("tong-yi-qian-wen");
    expect(slugify("BERT 中文")).toBe("bert-zhong-wen");
    expect(slugify("bert中文")).toBe("bert-zhong-wen");
    expect(slugify("文心一言4.0")).toBe("wen-xin-yi-yan-4.0");
    expect(slugify("한국어 LM")).toBe("hangugeo-lm");
    expect(slugify("???")).toMatch(/^sys-[0-9a-f]{6}$/);
    expect(slugify("🤖")).toMatch(/^sys-[0-9a-f]{6}$/);
    expect(slugify("???")).toBe(slugify("???"));
    expect(slugify("???")).not.toBe(slugify("!!!"));
    expect(slugify("BERT 中文")).not.toBe(slugify("BERT 日本語"));
    for (const name of ["汉字", "x".repeat(300), "漢".repeat(300), "a" + "字".repeat(100)]) expect(slugify(name)).toMatch(SLUG);
  });

  it("gives distinct slugs that do not depend on the row order", () => {
    const names = ["百度文心", "通义千问", "BERT 中文", "bert中文", "BERT 日本語", "百度 文心", "佰度文心", "Alpha & Co", "alpha and co", "alpha-and-co-2", "Beta", "Beta (2)", "beta", "???", "!!!"];
    const reference = new Map(names.map((n, i) => [n, slugifyAll(names)[i]]));
    expect(new Set(reference.values()).size).toBe(names.length);
    for (const s of reference.values()) expect(s).toMatch(SLUG);
    for (const order of orders(names)) {
      const slugs = slugifyAll(order);
      order.forEach((n, i) => expect(slugs[i], `${n} in ${order.join(" | ")}`).toBe(reference.get(n)));
    }
    expect(reference.get("Beta (2)")).toBe("beta-2");
    expect(reference.get("alpha-and-co-2")).toBe("alpha-and-co-2");
    // Names spelled alike are told apart by name (code point) order, whatever the row order.
    expect(["BERT 中文", "bert中文"].map((n) => reference.get(n))).toEqual(["bert-zhong-wen", "bert-zhong-wen-2"]);
    expect(["佰度文心", "百度 文心", "百度文心"].map((n) => reference.get(n))).toEqual(["bai-du-wen-xin", "bai-du-wen-xin-2", "bai-du-wen-xin-3"]);
  });
});
