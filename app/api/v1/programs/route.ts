import { readJson } from "@/lib/api/body";
import { withApiKey } from "@/lib/api/handlers";
import { createProgram, listPrograms, serializeProgram } from "@/lib/programs/programs";
import { createProgramInput, listProgramsQuery } from "@/lib/programs/schemas";
import { otherMethods } from "@/lib/api/not-found";

// GET /api/v1/programs — every program, newest first (?limit=1…100, default 100), for affiliates to browse
export const GET = withApiKey(async (req) => {
  const query = listProgramsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const programs = await listPrograms(query);
  return Response.json({ data: programs.map(serializeProgram) });
});

// POST /api/v1/programs — an advertiser creates a program
export const POST = withApiKey(async (req, { account }) => {
  const input = await readJson(req, createProgramInput);
  const program = await createProgram(account, input);
  return Response.json(serializeProgram(program), { status: 201 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
