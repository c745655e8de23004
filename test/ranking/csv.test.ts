import { describe, expect, it } from "vitest";
import { CsvError, parseCsvRows, parseWideCsv, slugify, slugifyAll } from "../../cli/csv.ts";

describe("parseWideCsv (RFC 4180)", () => {
  it("quoted names with commas, quotes, & and non-ASCII; empty cell = missing; CRLF; BOM", () => {
    const text = '\ufeffsystem,A,B\r\n"HERO (AT->ST, PT+FT)",1.5,\r\n"Say ""hi"" & Co",2,3\r\nZürich Ünï,,-4e1\r\n';
    expect(parseWideCsv(text)).toEqual({
      tasks: ["A", "B"],
      systems: [
        { name: "HERO (AT->ST, PT+FT)", scores: { A: 1.5, B: null } },
        { name: 'Say "hi" & Co', scores: { A: 2, B: 3 } },
        { name: "Zürich Ünï", scores: { A: null, B: -40 } },
      ],
    });
  });
  it("quoted field spanning lines", () => {
    expect(parseCsvRows('a,"x\ny"\n1,2')).toEqual([
      ["a", "x\ny"],
      ["1", "2"],
    ]);
  });
  it("rejects ragged rows, bad numbers, duplicate tasks, unterminated quotes", () => {
    expect(() => parseWideCsv("system,A\nx,1,2\n")).toThrow(CsvError);
    expect(() => parseWideCsv("system,A\nx,abc\n")).toThrow(/not a finite number/);
    expect(() => parseWideCsv("system,A,A\nx,1,2\n")).toThrow(/duplicate task/);
    expect(() => parseWideCsv('system,A\n"x,1\n')).toThrow(/unterminated/);
  });
});

describe("slugify", () => {
  const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;
  it("produces valid slugs", () => {
    for (const name of ["Microsoft Alexander v-team Turing NLR v5", "DuKGBaidu & KGPaper", 'Say "hi"', "Zürich Ünï", "--_..", "汉字", "x".repeat(200), "HERO (AT->ST, PT+FT)VALUE baseline"]) {
      expect(slugify(name)).toMatch(SLUG);
    }
    expect(slugify("DuKGBaidu & KGPaper")).toBe("dukgbaidu-and-kgpaper");
    expect(slugify("Zürich Ünï")).toBe("zurich-uni");
  });
  it("disambiguates duplicates, also against names that already end in -2", () => {
    const slugs = slugifyAll(["BERT", "bert", "BERT (2)", "bert", "y".repeat(100), "y".repeat(100)]);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const s of slugs) expect(s).toMatch(SLUG);
    // "BERT (2)" keeps the slug it asks for (bert-2); the second "bert" moves on to bert-3.
    expect(slugs.slice(0, 4)).toEqual(["bert", "bert-3", "bert-2", "bert-4"]);
  });
});
