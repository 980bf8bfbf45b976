/** Outgoing e-mail (nodemailer: SMTP or .eml files in the outbox) and the SMS adapter interface. */
export { createMailer, type Mailer, type MailMessage, type MailAttachment, type MailerOptions, type SmsSender } from './mailer.ts';
