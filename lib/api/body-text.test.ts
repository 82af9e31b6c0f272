import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readJson } from "./body";
import { ApiError } from "./errors";

const post = (body: string) => new Request("http://localhost/", { method: "POST", body });
const schema = z.object({ name: z.string(), tags: z.array(z.string()).optional() });

describe("readJson refuses text PostgreSQL cannot store", () => {
  it.each([
    ['{"name":"a\\u0000b"}', "name"],
    ['{"name":"ok","tags":["fine","\\ud800"]}', "tags.1"],
    ['{"name":"\\udc00x"}', "name"],
  ])("%s → 422 naming %s", async (body, field) => {
    const err = await readJson(post(body), schema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    expect((err as ApiError).details).toMatchObject({ fieldErrors: { [field]: [expect.stringMatching(/NUL/)] } });
  });

  it("accepts paired surrogates (emoji) and walks a 10 000-deep body without overflowing", async () => {
    expect(await readJson(post('{"name":"👩‍👩‍👧 \\ud83d\\ude00"}'), schema)).toEqual({ name: "👩‍👩‍👧 😀" });
    const deep = '{"name":"x","extra":' + "[".repeat(10_000) + '"\\u0000"' + "]".repeat(10_000) + "}";
    const err = await readJson(post(deep), schema).catch((e: unknown) => e);
    expect((err as ApiError).status).toBe(422);
  });
});
