/** Outgoing e-mail (nodemailer: SMTP or .eml files in the outbox) and SMS (an HTTP provider, off unless SMS_URL is set). */
export { createMailer, type Mailer, type MailMessage, type MailAttachment, type MailerOptions, type SmsSender } from './mailer.ts';
export { createHttpSmsSender, type HttpSmsOptions } from './sms.ts';
