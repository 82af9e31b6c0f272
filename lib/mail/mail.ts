import "server-only";
import type { Transporter } from "nodemailer";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { processSlot } from "@/lib/singleton";

// Outgoing mail: real SMTP through nodemailer when SMTP_URL is set (smtp://user:pass@host:587,
// smtps://…:465; nodemailer reads options from the URL's query too), otherwise the message is
// written to the server log, so a deployment without mail still shows what would have been sent.

export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

// One transport per process and SMTP_URL (tests change it between files).
const mailer = processSlot("mailer");

async function transportFor(url: string): Promise<Transporter> {
  const current = mailer.get();
  if (current?.url === url) return current.transport;
  const { createTransport } = await import("nodemailer");
  const transport = createTransport(url);
  mailer.set({ url, transport });
  return transport;
}

/** Sends (or logs) one message; throws when the SMTP server refuses it, so the caller can retry. */
export async function sendMail(mail: Mail): Promise<void> {
  if (mail.to.length === 0) return;
  const { smtpUrl, emailFrom } = getConfig();
  if (!smtpUrl) {
    log.info("mail (SMTP_URL is not set, so it is logged instead of sent)", { from: emailFrom, ...mail });
    return;
  }
  const transport = await transportFor(smtpUrl);
  await transport.sendMail({ from: emailFrom, to: mail.to, subject: mail.subject, text: mail.text });
}
