"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useRef, type ReactNode } from "react";
import { Button } from "./button";
import { cn } from "./cn";

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons along the bottom. */
  footer?: ReactNode;
  /** Keep it open on Escape and backdrop clicks (e.g. while a request runs). */
  dismissible?: boolean;
  className?: string;
}

/**
 * A modal on Radix's dialog primitive (focus trap, Escape, outside clicks, scroll lock, the rest
 * of the page hidden from assistive tech, focus back to the opener on close), labelled by its
 * title. On open, focus goes to the first control marked `data-autofocus`, else the first one.
 */
export function Dialog({ open, onClose, title, description, children, footer, dismissible = true, className }: DialogProps) {
  const panel = useRef<HTMLDivElement>(null);
  const keepOpen = (event: Event) => {
    if (!dismissible) event.preventDefault();
  };

  return (
    <RadixDialog.Root open={open} onOpenChange={(next) => !next && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-50 bg-slate-900/50" />
        <div className="pointer-events-none fixed inset-0 z-50 flex items-end justify-center p-0 sm:items-center sm:p-4">
          <RadixDialog.Content
            ref={panel}
            // Without a description, say so (Radix warns about a missing one otherwise).
            {...(description ? {} : { "aria-describedby": undefined })}
            onOpenAutoFocus={(event) => {
              const target = panel.current?.querySelector<HTMLElement>("[data-autofocus]");
              if (!target) return;
              event.preventDefault();
              target.focus();
            }}
            onEscapeKeyDown={keepOpen}
            onInteractOutside={keepOpen}
            className={cn(
              "pointer-events-auto relative max-h-[90vh] w-full overflow-y-auto rounded-t-xl bg-white shadow-xl focus:outline-none sm:max-w-lg sm:rounded-xl",
              className,
            )}
          >
            <div className="px-5 pt-5 sm:px-6 sm:pt-6">
              <RadixDialog.Title className="text-lg font-semibold text-slate-900">{title}</RadixDialog.Title>
              {description ? (
                <RadixDialog.Description className="mt-1 text-sm text-slate-600">{description}</RadixDialog.Description>
              ) : null}
            </div>
            {children ? <div className="px-5 pt-4 sm:px-6">{children}</div> : null}
            {footer ? (
              <div className="mt-6 flex flex-col-reverse gap-2 border-t border-slate-100 bg-slate-50 px-5 py-4 sm:flex-row sm:justify-end sm:px-6">
                {footer}
              </div>
            ) : (
              <div className="pb-5 sm:pb-6" />
            )}
          </RadixDialog.Content>
        </div>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

export interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  /** Red confirm button for destructive actions (the default). */
  destructive?: boolean;
  /** The confirm action is running: spinner on, closing blocked. */
  pending?: boolean;
  /** A message to show when the action failed. */
  error?: string | null;
}

/** "Are you sure?" — Cancel gets focus first, so Enter never destroys anything by accident. */
export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  description,
  children,
  confirmLabel,
  cancelLabel,
  destructive = true,
  pending = false,
  error,
}: ConfirmDialogProps) {
  const t = useTranslations("ui.dialog");
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      description={description}
      dismissible={!pending}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={pending} data-autofocus>
            {cancelLabel ?? t("cancel")}
          </Button>
          <Button variant={destructive ? "danger" : "primary"} onClick={onConfirm} loading={pending}>
            {confirmLabel ?? t("confirm")}
          </Button>
        </>
      }
    >
      {children}
      {error ? (
        <p role="alert" className="mt-2 text-sm font-medium text-red-600">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
