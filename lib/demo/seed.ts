import { count } from "drizzle-orm";
import { signUp } from "@/lib/accounts/accounts";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { getDb } from "@/lib/db";
import { accounts, partnerships, programs } from "@/lib/db/schema";
import { newId } from "@/lib/ids";

// What the demo's people read in the dashboard is stored data, so it is written in both of the
// product's languages at once (a row has one text, whichever language its reader picks).
export const DEMO_NAMES = {
  program: "Acme Summer Sale · Rebajas de verano Acme",
  apiKey: "Demo key · Clave de demostración",
} as const;

export const DEMO_ACCOUNTS = {
  advertiser: { email: "advertiser@demo.partnersmy.test", password: "demo-advertiser-2026", accountName: "Acme Outdoor" },
  affiliate: { email: "affiliate@demo.partnersmy.test", password: "demo-affiliate-2026", accountName: "TrailBlog Media" },
} as const;

/**
 * On an empty database: one advertiser with a program, one affiliate that applied to it, an API
 * key each. Prints the sign-in details once, when it seeds; returns false when there was data.
 */
export async function seedDemoData(print: (line: string) => void = console.log): Promise<boolean> {
  const db = await getDb();
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(accounts);
  if (n > 0) return false;

  const adv = await signUp({ ...DEMO_ACCOUNTS.advertiser, name: "Ada Advertiser", accountKind: "advertiser" });
  const aff = await signUp({ ...DEMO_ACCOUNTS.affiliate, name: "Alex Affiliate", accountKind: "affiliate" });
  const programId = newId("program");
  await db.insert(programs).values({ id: programId, accountId: adv.account.id, name: DEMO_NAMES.program, commissionRate: 12.5 });
  await db.insert(partnerships).values({ id: newId("partnership"), programId, affiliateAccountId: aff.account.id });
  const advKey = await createApiKey(adv.account.id, { name: DEMO_NAMES.apiKey });
  const affKey = await createApiKey(aff.account.id, { name: DEMO_NAMES.apiKey });

  print(
    [
      "",
      "┌─ PartnersMy demo data ─────────────────────────────────────────────",
      `│ Advertiser  ${DEMO_ACCOUNTS.advertiser.email} / ${DEMO_ACCOUNTS.advertiser.password}`,
      `│             account ${adv.account.id}, program ${programId}`,
      `│             API key ${advKey.key}`,
      `│ Affiliate   ${DEMO_ACCOUNTS.affiliate.email} / ${DEMO_ACCOUNTS.affiliate.password}`,
      `│             account ${aff.account.id}`,
      `│             API key ${affKey.key}`,
      "│ These keys are shown only now; create more under API keys in the dashboard.",
      "└────────────────────────────────────────────────────────────────────",
      "",
    ].join("\n"),
  );
  return true;
}
