"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState, type ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { Brand } from "./brand";
import { LanguageSwitch } from "./language-switch";
import { isActive, NAV_ITEMS } from "./nav-items";
import { SignOutButton } from "./sign-out-button";

export interface ShellIdentity {
  email: string;
  name: string;
  accountName: string;
  accountKind: "advertiser" | "affiliate";
}

/**
 * The dashboard frame: a sidebar on large screens; on small ones a top bar whose Menu button
 * opens the same navigation (closed again by navigating, Escape or the button). Both stay in
 * view on pages of any length: the sidebar's contents and the top bar are sticky, and an open
 * menu taller than the screen (a phone held sideways) scrolls inside it.
 */
export function AppShell({ identity, children }: { identity: ShellIdentity; children: ReactNode }) {
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  const t = useTranslations("shell");

  useEffect(() => setMenuOpen(false), [pathname]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setMenuOpen(false);
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [menuOpen]);

  return (
    <div className="min-h-screen lg:flex">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:shadow"
      >
        {t("skipToContent")}
      </a>

      {/* Small screens: top bar + dropdown menu */}
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white lg:hidden">
        <div className="flex h-14 items-center justify-between px-4">
          <Brand />
          <button
            type="button"
            aria-expanded={menuOpen}
            aria-controls="mobile-menu"
            onClick={() => setMenuOpen((open) => !open)}
            className="inline-flex h-9 items-center gap-2 rounded-md px-2.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600"
          >
            <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" className="h-5 w-5">
              {menuOpen ? <path d="M6 6l12 12M18 6 6 18" /> : <path d="M4 7h16M4 12h16M4 17h16" />}
            </svg>
            {t("menu")}
          </button>
        </div>
        {menuOpen ? (
          <div id="mobile-menu" className="max-h-[calc(100dvh-3.5rem-1px)] overflow-y-auto overscroll-contain border-t border-slate-200 px-4 pb-4 pt-3">
            <Navigation pathname={pathname} label={t("mainNavMobile")} />
            <AccountPanel identity={identity} className="mt-4" />
          </div>
        ) : null}
      </header>

      {/* Large screens: a sidebar column as tall as the page, its contents pinned to the screen */}
      <aside className="hidden lg:block lg:w-64 lg:shrink-0 lg:border-r lg:border-slate-200 lg:bg-white">
        <div className="sticky top-0 flex h-screen flex-col">
          <div className="flex h-16 shrink-0 items-center px-5">
            <Brand />
          </div>
          <div className="flex flex-1 flex-col justify-between gap-4 overflow-y-auto px-3 pb-4">
            <Navigation pathname={pathname} label={t("mainNav")} />
            <AccountPanel identity={identity} />
          </div>
        </div>
      </aside>

      <main id="main" className="min-w-0 flex-1">
        <div className="mx-auto max-w-5xl px-4 py-6 sm:px-6 sm:py-8 lg:px-8">{children}</div>
      </main>
    </div>
  );
}

function Navigation({ pathname, label }: { pathname: string; label: string }) {
  const t = useTranslations("nav");
  return (
    <nav aria-label={label}>
      <ul className="space-y-1">
        {NAV_ITEMS.map((item) => {
          const active = isActive(item, pathname);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
                  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600",
                  active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
                )}
              >
                {item.icon}
                {t(item.label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function AccountPanel({ identity, className }: { identity: ShellIdentity; className?: string }) {
  const t = useTranslations("shell");
  return (
    <section aria-label={t("yourAccount")} className={cn("rounded-lg border border-slate-200 bg-slate-50 p-3", className)}>
      <div className="flex items-center justify-between gap-2">
        <p className="truncate text-sm font-semibold text-slate-900" data-testid="account-name">
          {identity.accountName}
        </p>
        <Badge tone={identity.accountKind === "advertiser" ? "blue" : "green"}>
          {t(`accountKind.${identity.accountKind}`)}
        </Badge>
      </div>
      <p className="mt-1 truncate text-xs text-slate-600" title={identity.email}>
        {identity.email}
      </p>
      <LanguageSwitch className="mt-3" />
      <SignOutButton className="mt-3 w-full" />
    </section>
  );
}
