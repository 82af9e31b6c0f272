import postgres from "postgres";
import { randomString } from "@/lib/ids";

/**
 * A database of our own on the server `serverUrl` names (`<prefix>_<random>`); drop() removes
 * it. For the bench and the reliability suite: their workers then see only their own work.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string) {
  const name = `${prefix}_${randomString(10)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

/** DATABASE_URL when it names a PostgreSQL server; otherwise says what `command` needs and exits. */
export function requireServerUrl(command: string): string {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    console.error(`${command} needs DATABASE_URL pointing at a PostgreSQL server (it creates and drops its own database there).`);
    process.exit(2);
  }
  return url;
}
