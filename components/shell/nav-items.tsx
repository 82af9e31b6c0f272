import type { ReactNode } from "react";

export interface NavItem {
  href: string;
  /** Its name: a key of the `nav` messages (messages/en.json). */
  label: "overview" | "webhooks" | "apiKeys" | "docs";
  icon: ReactNode;
  /** Exact match only (the overview), else any path under href. */
  exact?: boolean;
}

const iconProps = {
  "aria-hidden": true,
  viewBox: "0 0 24 24",
  fill: "none",
  stroke: "currentColor",
  strokeWidth: 1.8,
  strokeLinecap: "round" as const,
  strokeLinejoin: "round" as const,
  className: "h-5 w-5 shrink-0",
};

export const NAV_ITEMS: NavItem[] = [
  {
    href: "/dashboard",
    label: "overview",
    exact: true,
    icon: (
      <svg {...iconProps}>
        <path d="M3 10.5 12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1v-9.5Z" />
      </svg>
    ),
  },
  {
    href: "/dashboard/webhooks",
    label: "webhooks",
    icon: (
      <svg {...iconProps}>
        <path d="M9 7a3 3 0 1 1 4.5 2.6L16 14" />
        <path d="M6.5 11.5 4 16a3 3 0 1 0 5 2h6" />
        <path d="M18 18a3 3 0 1 0-2.4-4.8L12 7" />
      </svg>
    ),
  },
  {
    href: "/dashboard/api-keys",
    label: "apiKeys",
    icon: (
      <svg {...iconProps}>
        <circle cx="8" cy="15" r="4" />
        <path d="m10.8 12.2 8.2-8.2M16 7l3 3M14 9l2 2" />
      </svg>
    ),
  },
  {
    href: "/dashboard/docs",
    label: "docs",
    icon: (
      <svg {...iconProps}>
        <path d="M6 3h9l4 4v14H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1Z" />
        <path d="M14 3v5h5M9 13h6M9 17h6" />
      </svg>
    ),
  },
];

export function isActive(item: NavItem, pathname: string): boolean {
  return item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
}
