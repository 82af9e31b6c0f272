// Prints the URL of a fresh, empty database beside DATABASE_URL's (`<name>_e2e`), for the
// Playwright server: e2e must not share a database with Vitest, whose leftover pending
// deliveries (signed under another WEBHOOK_SECRET_KEY) the e2e server's worker would pick up.
import postgres from "postgres";

const url = new URL(process.env.DATABASE_URL ?? "");
const name = `${url.pathname.slice(1)}_e2e`;
if (!/^[a-z0-9_]+$/i.test(name)) throw new Error(`unexpected database name ${name}`);
const admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
try {
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
} finally {
  await admin.end({ timeout: 5 });
}
url.pathname = `/${name}`;
console.log(url.toString());
