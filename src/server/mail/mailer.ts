/**
 * E-mail through nodemailer: SMTP when SMTP_URL is set, else each message is written as an .eml file
 * to DATA_DIR/outbox (demo and development: nothing leaves the machine).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface MailAttachment {
  filename: string;
  content: string | Buffer;
  contentType: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  /** Sends (or writes) one message; resolves with the Message-ID. */
  send(msg: MailMessage): Promise<string>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl?: string | undefined;
  from: string;
  /** Where .eml files go when there is no SMTP server. */
  outboxDir: string;
}

/** Builds the mailer from the configuration. */
export function createMailer(opts: MailerOptions): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    return {
      async send(msg) {
        const info = await transport.sendMail({ from: opts.from, ...msg });
        return String(info.messageId);
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(msg) {
      const info = await transport.sendMail({ from: opts.from, ...msg });
      mkdirSync(opts.outboxDir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`;
      // Write then rename: a reader of the outbox never sees half a message.
      const tmp = path.join(opts.outboxDir, `.${name}.tmp`);
      writeFileSync(tmp, info.message as Buffer);
      renameSync(tmp, path.join(opts.outboxDir, name));
      return String(info.messageId);
    },
    close: () => transport.close(),
  };
}

/** An SMS sender; none by default. createHttpSmsSender (sms.ts) when SMS_URL is set. `to` is E.164 (+34600111222). */
export interface SmsSender {
  send(to: string, text: string): Promise<void>;
}
