import { withApiKey } from "@/lib/api/handlers";
import { applyToProgram } from "@/lib/partnerships/partnerships";
import { otherMethods } from "@/lib/api/not-found";

// POST /api/v1/programs/:id/partnerships — an affiliate applies to a program; emits partnership.created
export const POST = withApiKey<{ id: string }>(async (_req, { account, params }) => {
  const partnership = await applyToProgram(account, params.id);
  return Response.json(partnership, { status: 201 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
