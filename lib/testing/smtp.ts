import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

// A real SMTP server on 127.0.0.1 (random port) for tests: it accepts what nodemailer sends,
// parses each message with mailparser, and can be told to refuse mail (451) to test retries.

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface SmtpSink {
  /** For SMTP_URL. */
  url: string;
  received: ReceivedMail[];
  /** While true, every message is refused with 451 (a temporary failure). */
  refuse(on: boolean): void;
  /** Refuse (451) only the next message addressed to `address`, once. */
  refuseNextTo(address: string): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  let refusing = false;
  const refuseOnce = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to trust in tests.
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const once = session.envelope.rcptTo.find((r) => refuseOnce.has(r.address));
          if (once) refuseOnce.delete(once.address);
          if (refusing || once) return callback(Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 }));
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuse: (on) => {
      refusing = on;
    },
    refuseNextTo: (address) => {
      refuseOnce.add(address);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
